// Package backprop is reverse-mode automatic differentiation for Go:
// backpropagation over computational graphs of tensors.
//
// The module's packages, each importing only those above it:
//
//	tensor      n-d float64/float32 arrays, broadcasting, kernels
//	ad          the engine: Graph, Node, Op, Backward, Gradients
//	ops         differentiable operations, one per file, with their bprop
//	adtest      finite-difference gradient checks (it uses ops, which the
//	            engine never imports)
//	functional  Grad, VJP, JVP, Jacobian, Hessian, HVP
//	lang        the graph-program language
//	program     a parsed program turned into a graph
//	explain     the complete calculation table and diagrams
//	internal/   the command (cli) and a copy of the Graphviz binding
//
// This root package holds no code; it documents the layout and its tests
// enforce it.
package backprop
