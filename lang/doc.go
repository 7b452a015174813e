// Package lang reads graph programs: the small text language in which the
// backprop command takes a computational graph.
//
// # The language
//
// A program is UTF-8 text, one statement per line:
//
//	# the worked example
//	u1 = 4
//	u2 = 2
//	u3 = u1 + u2
//	u4 = u3^2
//	u5 = sin(u4)
//
// A statement is NAME = EXPR. Names match [A-Za-z_][A-Za-z0-9_]*; # starts
// a comment, also after a statement; blank lines are ignored. A name
// assigned a plain number literal, optionally signed, or a tensor literal
// is an input. A name may be assigned again: each assignment is a new
// node, and later lines see the newest binding.
//
// Numbers are written 3, 3.5, .5, 1e-3 or 2.5E+4: a point needs a digit
// after it (3. is an error), and a literal too large for float64 (1e999)
// is an error, "number out of range"; [ParseNumber] reads the same syntax
// with an optional sign. A tensor literal is a bracketed list of signed
// numbers, [0.05, -0.10], or of lists of one shape, [[1, 2], [3, 4]];
// inside the brackets newlines are ignored, so a matrix may be written a
// row per line, and ragged rows are errors; [ParseLiteral] reads one. The
// operators are + - * /, ^ (also written **) and @ (the matrix product),
// unary minus and plus, and parentheses. ^ binds tightest and is
// right-associative (2^3^2 is 2^9), then unary minus (-x^2 is -(x^2); an
// exponent may be signed, 2^-1), then * / and @, then + and -, both
// left-associative.
//
// The built-in functions are not the language's own: a [Syntax] is the
// language with a table of them ([Func]: a name, how many positional
// arguments, which named ones, as in sum(x, axis=1)), which the caller
// hands to [NewSyntax]. Their names cannot be assigned. Package program
// holds the table of the backprop command.
//
// # Errors
//
// [Syntax.Parse] returns the first error as an *[Error] carrying the position,
// printed "file:line:col: message"; columns count characters. A UTF-8 byte
// order mark at the start of the source is skipped. Binary or
// non-UTF-8 input, lines longer than [MaxLineBytes] and expressions nested
// deeper than [MaxDepth] are errors too. The package knows nothing of the
// engine: package program turns a parsed [Program] into a graph.
package lang
