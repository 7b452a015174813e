// Package program turns a parsed graph program (package lang) into a graph
// of package ad: one node per statement, inputs as variables, and the
// options of the backprop command applied: --set overrides inputs, --of
// chooses the output and --wrt the nodes to differentiate with respect to.
//
// The language's built-in functions are those of ops.Funcs: [Syntax] is
// the language with them, and a call is built by the function's Apply. An
// input is a number or a tensor literal; operands whose shapes do not fit
// (a matrix product of [2 3] and [2 3], a broadcast of [2 3] and [2]) are
// *lang.Error values at the operation, naming both shapes, found before
// anything is computed, as is a result beyond Limits.MaxElements.
//
// Names resolve as in the language: a reference sees the latest assignment
// before it, --of and --wrt see the last one in the program. Inputs are
// the statements that assign a plain number; by default the gradients are
// taken with respect to each input name, in program order.
//
// [Read] reads a program from an io.Reader. [Limits] bound the program
// text, the graph's nodes and the Hessian, so that no input exhausts
// memory or time; a program beyond one is a *[LimitError], found before
// the work it would cost. The zero Limits are the defaults.
package program
