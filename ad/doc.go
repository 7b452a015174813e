// Package ad is backprop's engine: reverse-mode automatic differentiation
// on a recorded graph of tensor operations.
//
// # Vocabulary
//
// These words mean the same thing everywhere in backprop, from this
// package to the command-line tool.
//
//   - A node is one value in a [Graph]: a leaf (a variable from
//     [Graph.Var] or a constant from [Graph.Const]) or the output of an
//     operation ([Op]) applied to earlier nodes, its inputs.
//   - A consumer of a node V is a node that has V among its inputs.
//   - The gradient table maps each node V to the gradient of the output y
//     with respect to V. Its entry for y is the seed, ones by default.
//   - The upstream gradient of a consumer C is its entry in the gradient
//     table.
//   - The local derivative ∂C/∂V is the derivative of one operation's output
//     with respect to one of its inputs, at the inputs' values.
//   - bprop is an operation's backward rule: given C and its upstream
//     gradient, it returns C's contribution to the entry of one input: the
//     upstream gradient times the local derivative (a vector-Jacobian
//     product for tensors).
//
// # The algorithm
//
// The entry of every node V is the sum, over V's consumers C, of C's bprop
// applied to the entry of C, each entry computed once. Operations are
// recorded in the order they run, which is a topological order, so the
// backward pass is one loop over the tape in reverse: by the time it
// reaches a node, all its consumers have added their contributions and its
// entry is complete. There is no recursion, so graphs of tens of millions
// of nodes differentiate as easily as small ones. The loop is the method
// fill in backward.go.
//
// [Backward] computes the table as values, fast: what the bprop rules
// compute is discarded when it returns, and nodes computed from float64
// scalars use the local derivatives of [ScalarOp] and allocate nothing. [Gradients] records the
// backward pass as more nodes of the same graph, so a gradient can be
// differentiated again: Gradients of a gradient is a second derivative,
// and so on to any order. Both are pure functions of the graph: calling
// them twice gives the same answer, and nothing accumulates in the nodes.
//
// # Forward mode, custom operations, stop-gradient
//
// [JVP] is forward mode: one loop over the tape in order, carrying each
// node's tangent (the directional derivative along given input tangents)
// with the [JVPOp] rule of its operation. Tangents are recorded nodes too,
// so JVP of a gradient is a Hessian-vector product; package functional
// builds Jacobians and Hessians from JVP and Gradients. An operation
// without a JVP rule still works in forward mode, by transposing its
// bprop rule.
//
// Any type that implements [Op] is an operation, applied with [Apply];
// [NewOp] makes one from functions. [Node.Detach] is stop-gradient: a
// constant with the node's value. [Graph.NoRecord] turns recording off for
// one graph while a function runs; it is not a global switch, so other
// graphs, in other goroutines, are not affected.
//
// [Checkpoint] trades time for memory: it records a function of some nodes
// as one node, recomputing the function's graph in the backward pass
// instead of keeping it.
//
// A node that y does not depend on gets a zero gradient. Backward with no
// list of nodes fills the table for the nodes that need a gradient
// (variables and what is computed from them) and treats constants as
// constants; list a constant to get its gradient.
//
// # Memory
//
// A node costs 24 bytes on the tape, which holds no pointers, plus its
// value if that is not a float64 scalar; a [Node] is a 16-byte handle.
// [Graph.Reset] empties a graph and keeps its memory, and [BackwardInto]
// refills a [Table] in place, so a loop that builds and differentiates the
// same scalar graph each step allocates nothing. From the first Reset on,
// a graph also recycles the tensors its operations computed ([AllocOp]):
// the values of one step, and the gradient table filled from them, are
// valid until the next Reset, and the next step reuses their memory.
//
// # What outlives Reset
//
// Reset ends a step. Exactly this holds after it:
//
//   - Every [Node] made before it is stale. Any use of one (as an input
//     of an operation, in Backward, Gradients or JVP, or its Value, Shape,
//     Name or Inputs) panics with a *[StaleError], even where the node's
//     position on the new tape now holds a new node. Each Node carries the
//     number of Resets of its graph, so the check is one comparison; the
//     count wraps after 2³² Resets.
//   - Every [Table] filled before it is stale: Grad and Scalar panic with a
//     *StaleError. BackwardInto refills the table for the new step.
//   - Tensors given to Var and Const stay the caller's: the graph never
//     writes them. Persistent parameters (a model's weights) are such
//     tensors: each step gives them to Var again, and an optimizer updates
//     them in place after Backward and before Reset.
//   - Tensors that operations computed, returned by Node.Value, and the
//     entries of gradient tables, returned by Table.Grad: in the first
//     build of a graph (before its first Reset) they are ordinary tensors
//     that stay valid for good. From the first Reset on they belong to the
//     graph: the next Reset frees them, and the operations of the build
//     after it overwrite them with their own numbers. The library cannot
//     see a tensor that was taken out before Reset, so it is the caller's
//     to finish with it, or copy it with Clone, before calling Reset. The
//     float64 scalars of Node.Value and Table.Scalar are copies and never
//     change.
//   - Slices from [Graph.Ints] and tensors from [Graph.Tensor] (a
//     max-pool's positions, a dropout mask) follow the same rule as the
//     values: the graph's from the first Reset on, freed at the next.
//     Before the first Reset they are newly allocated and stay valid.
//   - A tensor that Table.Move filled by exchanging storage is the
//     caller's, with the table's storage; its old storage is the graph's
//     from then on, freed at the next Reset like the table's entries.
//
// # Conventions
//
// At kinks the local derivative takes a fixed value: relu'(0) = 0,
// abs'(0) = 0, and elements that tie for a maximum or minimum share the
// gradient equally.
//
// A zero upstream gradient contributes zero, whatever the local
// derivative: in where(x > 0, sqrt(x), x) at x = -1 the sqrt branch's
// local derivative is NaN, but its upstream gradient is 0, so x's gradient
// is 1, not NaN. Likewise a zero local derivative contributes zero,
// whatever the upstream gradient (relu at x < 0 passes on 0 even of a NaN).
// Backward's float64 scalar path skips a node whose entry is exactly zero
// and a local derivative that is exactly zero; the element-wise operations
// of package ops apply their local derivatives with ops.GatedMul, which is
// 0 where either is 0, on tensors and in recorded Gradients alike. Operations that mix elements
// (MatMul, the reductions) use plain arithmetic, so there a zero gradient
// times an infinite input is NaN.
//
// # Panics and errors
//
// Misusing the API is a programmer error and panics with a typed error: a
// zero Node, a nil *Graph, nodes of two graphs anywhere (in one operation,
// in Backward's list, or returned by a bprop or JVP rule), the wrong number
// of inputs for an operation ([Arity]), or a bprop rule that returns the
// wrong shape panic with a *[GraphError]; a node or table used after Reset
// panics with a *[StaleError]; operands of
// incompatible shapes panic with the *tensor.ShapeError of the operation's
// forward rule, which names the operation and the shapes. NaN and ±Inf are
// values, not errors, except in anomaly mode ([Graph.DetectAnomalies]),
// where the first one produced from finite values panics with an
// *[AnomalyError] that says where it came from.
//
// A Graph is not safe for concurrent use. Independent graphs share
// nothing, so they can be built and differentiated from different
// goroutines at once; the package has no global state.
package ad
