// Package explain shows backpropagation step by step: the forward pass,
// the complete calculation table and the answers, for a program built by
// package program, as text, Markdown, LaTeX, JSON or HTML; and the graph
// as a Mermaid or Graphviz DOT diagram.
//
// # The complete calculation table
//
// One row per (node V, consumer C) on a path from a --wrt node to the
// output, in the order the engine fills the gradient table: V in reverse
// order of creation (reverse topological order, so each consumer's entry
// is complete when V's is summed), and V's consumers in order of creation.
// This is the textbook's memoized recursion with the recursion unrolled.
// The columns are V, C, C's operation as written (c + c, not 2·c), the
// local derivative ∂C/∂V as a
// formula in node names, C's input values, the contribution (the local
// derivative at the inputs times grad_table[C]) and G, V's entry once all
// its consumers have contributed. A row for each --wrt node follows with
// its final gradient, marked (input) or, for another node, (wrt).
//
// A zero upstream gradient contributes zero whatever the local derivative,
// as in the engine: in y = 0·log(x) at x = 0 the row for x shows 0, not
// 0·∞ = NaN.
//
// # Symbolic gradients
//
// Contributions and G are expressions with the node values substituted and
// numbers folded (2·6 is 12, 1·x is x, x + 0 is x), functions of numbers
// left unevaluated (cos(36)), and the value beside them. With
// Options.InTermsOfInputs they are formulas in the input names instead. An
// entry too big to repeat is referred to as G[name], and a sum too big to
// read is shown by its value, so big graphs stay readable. The values come
// from the engine; the expressions are for reading.
package explain
