// Package explain shows backpropagation step by step: the forward pass,
// the complete calculation table and the answers, for any graph of the
// engine, as text, Markdown, LaTeX, JSON or HTML; and the graph as a
// Mermaid or Graphviz DOT diagram.
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
// The table is the engine's own trace (ad.Trace), not a second
// derivation: each row is a step of the backward pass, ∂C/∂V is the local
// derivative that C's operation states (printed with node names and
// folded: 2·u3, not 2·u3^(2 - 1)), and every number is the engine's. An
// operation that states a bprop rule instead of a local derivative (a
// matrix product, the shape operations) leaves ∂C/∂V empty, and its
// contribution is the rule as a textbook writes it: for y = W·x, the row
// for W reads G[y]·xᵀ; broadcasting shows as the sum that undoes it.
//
// A zero upstream gradient, or a zero local derivative, contributes zero
// whatever the other is, as in the engine: such a row says so in words,
// "0 (G[y] is 0)" or "0 (∂C/∂V is 0)", instead of a formula that would
// read 0·∞ = NaN.
//
// # Any graph
//
// [Backward] explains a [Graph]: an output node of any ad.Graph, the
// nodes to differentiate with respect to, and a way to name nodes
// (package program names them from the source; by default a node's own
// name is used, and an unnamed node is shown by its expression). Tensor
// nodes are shown by their values: all elements up to
// Options.MaxElements ([DefaultMaxElements]), and beyond it the shape
// with the minimum, maximum and mean (see [Tensor] for the JSON form).
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
