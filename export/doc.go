// Package export turns a part of a graph into a pure function with named
// inputs and outputs (a Func) and writes it in the formats that other
// runtimes execute: ONNX, for ONNX Runtime on CPUs, GPUs and in browsers,
// and StableHLO, the MLIR text that XLA compiles through PJRT, with
// sharding annotations that split a batch over several devices.
//
// A Func is cut out of a graph that has been recorded, by naming its
// inputs (leaves of the graph, or the indices that a loss reads, such as
// labels) and its outputs. Every other leaf it depends on becomes a
// constant with its value in the graph. Gradients are graphs too
// (ad.Gradients records the backward pass as operations), so a Func can
// return them, and gradients of gradients: Gradients builds such a Func.
//
// The translation is in two steps. Each operation of package ops is
// lowered, once, to a small set of primitives (lower.go), the same for
// every format: gelu becomes 0.5·x·(1 + erf(x/√2)), log1p a rounding-free
// quotient of logarithms, a convolution's windows a gather from the
// padded images. Each format then writes the primitives (onnx.go,
// stablehlo.go).
// Operations from outside package ops (ad.NewOp) have no translation, and
// New fails with an error that names them.
//
// A mask that the engine computed from the values as the graph was
// recorded (ad.Graph.TracedConst: a comparison's, or a piecewise
// derivative's such as abs's) would stay fixed in an exported function,
// and New refuses it (TracedError). A max-pool's positions are found
// again from the images; a dropout mask is an input of a training step
// (TrainStep).
package export
