// Package backprop is reverse-mode automatic differentiation for Go:
// backpropagation over computational graphs of tensors.
//
// The module's packages, each importing only those above it:
//
//	tensor     n-d float64/float32 arrays, broadcasting, kernels
//	ad         the engine: Graph, Node, Op, Backward, Gradients
//	ops        differentiable operations, one per file, with their bprop
//	ad/adtest  finite-difference gradient checks
//
// This root package holds no code; it documents the layout and its tests
// enforce it.
package backprop
