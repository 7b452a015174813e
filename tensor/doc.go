// Package tensor provides dense n-dimensional arrays of float64 and float32
// and the kernels that backprop's operations run on.
//
// # Values
//
// A [Tensor] is stored in row-major order; a scalar is a tensor of rank 0
// (empty [Shape]). Both element types are first-class: every function works
// on either, and binary functions require their operands to share one.
// Tensors are values: functions return new tensors and never modify their
// operands. [Reshape] shares storage with its operand, which is safe for
// that reason. The few functions that write into a tensor ([Tensor.Set],
// [Tensor.Fill]) say so.
//
// # Broadcasting
//
// Binary element-wise functions ([Add], [Mul], …) broadcast their operands
// under NumPy's rules: shapes are aligned at their last axis, and sizes
// must be equal or 1. [BroadcastTo] expands a tensor and [SumTo], its
// adjoint, sums it back.
//
// # Parallelism
//
// Large kernels split their work across GOMAXPROCS goroutines: [MatMul]
// and its variants above a size threshold, element-wise functions and
// reductions from about 64k elements (4k for exp, log, tanh and the like). The split never changes a result: element-wise results
// are computed element by element as serially, and reductions ([Sum],
// [Max], [Softmax], [LogSumExp], …) are split over their outputs, never
// along the reduced axis, so each output is accumulated in the same order
// whatever GOMAXPROCS is. [Conv2d] and its adjoints [Conv2dInput] and
// [Conv2dFilter] run images in parallel, and sum the filters' gradient
// over chunks of images fixed by the shapes alone, so they too give the
// same bits on any number of threads. The function given to [Map] may be
// called from several goroutines at once.
//
// # Panics and errors
//
// Shape and type mistakes are programmer errors, so they panic, never
// return errors: incompatible shapes, an axis out of range, a bad index or
// mixed element types panic with a *[ShapeError] or *[DTypeError] that
// names the function and the shapes, for example
//
//	tensor: MatMul: incompatible shapes [2 3] and [2 3]
//
// A shape with a negative size or more than [MaxSize] elements is invalid
// wherever it appears (New, Reshape, BroadcastTo, the result of a
// broadcast or a product, data given to FromFloat64s): the function panics
// with a *ShapeError before it allocates anything.
//
// [Catch] turns such a panic back into an error. NaN and ±Inf are values:
// no function checks for them, except [Arange], whose bounds and step
// must be finite.
package tensor
