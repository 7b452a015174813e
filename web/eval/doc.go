// Package eval is the engine of backprop's browser page: a request (a
// graph program with the choices of the explain command's flags) in, the
// engine's answer out, as JSON.
//
// [Evaluate] parses and builds the program (package program), explains
// its backward pass with each row's step, local derivative with its value
// and running sum (explain.Options.Steps), explains the second passes for
// Order 2, and draws the diagram with every node's value and gradient. A
// [Request] with Check asks for the check of one node's gradient: the
// forward pass is run again with the node nudged by Eps, and the output's
// change is compared with G·Eps ([Check]). Nothing is derived here: every
// number is the engine's.
//
// The page runs Evaluate compiled to WebAssembly (web/internal/engine),
// and the server of backprop serve runs it for its API; both write the
// [Response] with [Response.AppendJSON]. A program beyond [Limits] is
// refused with an error before the work it would cost; errors are in the
// Response, with the line and column of the program where they have one,
// and Evaluate does not panic.
package eval
