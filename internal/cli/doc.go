// Package cli is the backprop command: it parses the command line, reads
// files and standard input, runs the library and writes the results. Run
// is the whole command, so tests call it with buffers.
//
// # Exit statuses and errors
//
// Run returns 0 on success, 1 for an error in the input (a program, a
// flag's value, a file) and 2 for a usage error (an unknown command or
// flag, a missing argument). On failure nothing is written to standard
// output and one line to standard error: FILE:LINE:COL: message where the
// error has a position in the program. Every input is checked before
// anything is evaluated; a recover in Run is the last resort that keeps a
// stack trace from any user.
package cli
