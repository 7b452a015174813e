// Package ops holds backprop's differentiable operations, each with its
// forward rule and its bprop rule, one file per family.
//
// The element-wise operations are stated once each in the table of
// rules.go: name, inputs, forward kernel, scalar twin and local
// derivatives. Their functions, scalar fast paths, local derivatives as
// nodes (which the engine's trace shows), bprop and forward-mode rules are
// generated from it (elementwise_gen.go; go generate ./ops), so the rules
// cannot disagree. Adding an element-wise operation is adding a row.
// The other families state their rules once each too, one file each, with
// a table of the derivatives at its head: reductions.go (sum, mean, max,
// min and logsumexp by their local derivatives, from which both the bprop
// and the forward-mode rule follow; softmax and log_softmax by their
// bprops), shapes.go (linear operations and their adjoints: reshape,
// transpose, broadcast and sum-to, slice and embed, concat) and linalg.go
// (the matrix product). Twins are one operation: max and min differ in
// their kernel only, broadcast and sum-to are one operation in two
// directions, as are slice and embed; indexing.go (gather and
// scatter-add, index-select and index-add, each pair one operation in two
// directions). funcs.go is the table of the
// functions that graph programs call by name (Funcs).
//
// Every function takes and returns ad.Node and records one operation on
// the inputs' graph. Every bprop rule is written with these same
// operations, so gradients are graphs too and can be differentiated again
// to any order. Every operation also has a forward-mode rule (ad.JVPOp).
// Element-wise operations of one or two inputs also implement
// ad.ScalarOp, the fast path for float64 scalars.
//
// # Operations
//
// Element-wise, with NumPy broadcasting: [Add], [Sub], [Mul], [Div], [Neg],
// [Pow] (tensor exponents too; [PowConst]), [Square], [Sqrt], [Exp], [Log],
// [Log1p], [Expm1], [Sin], [Cos], [Tan], [Asin], [Acos], [Atan], [Atan2],
// [Tanh], [Sigmoid], [ReLU], [LeakyReLU] ([LeakyReLUConst]), [ELU]
// ([ELUConst]), [SiLU], [Softplus], [LogSigmoid], [Erf], [GELU], [Abs],
// [Sign], [Floor], [Ceil], [Round], [Maximum], [Minimum], [Clamp] ([ClampMin],
// [ClampMax], [ClampConst]), [Where],
// [Identity], [GatedMul]. Comparisons, giving masks without gradient:
// [Greater], [GreaterEqual], [Less], [LessEqual], [Equal], [NotEqual].
// Reductions over axes: [Sum], [Mean], [Max], [Min] (and their KeepDims
// forms), [Prod], [LogSumExp] ([LogSumExpOver] several axes), [Var] and [Std] (with a degrees-of-freedom
// correction); running sums: [CumSum]. Along an axis: [Softmax],
// [LogSoftmax]. Linear algebra: [MatMul] (batched). Shapes: [Reshape],
// [Transpose], [BroadcastTo], [SumTo], [Slice], [Embed], [Concat], [Stack].
// Indexing, with integer positions as a *tensor.Index: [Gather] and its
// adjoint [ScatterAdd], [IndexSelect] and [IndexAdd], [Embedding];
// [ArgMax], [ArgMin] and [OneHot], which carry no gradient; [MaxWithIndex]
// and [MinWithIndex]. Convolution and pooling, differentiable to any
// order: [Conv2d] (stride, padding, dilation, groups), one operation whose
// two adjoints (in the images and in the filters) are its bprops and each
// other's, each computed image by image with the fast matrix multiply;
// [MaxPool2d], a gather of each window's maximum; [AvgPool2d], the mean of
// the windows taken by im2col, whose bprop is its adjoint col2im; [Pad].
// Random: [Dropout],
// with a seeded mask. Gradient flow: [StopGradient].
//
// # Conventions at kinks
//
// relu'(0) = 0 and abs'(0) = 0; leaky_relu and elu take the negative
// side's derivative at 0 (the slope, α), as PyTorch does; sign, floor,
// ceil and round have zero gradient everywhere, round takes halves to
// even. Elements that tie for the maximum (Max,
// Maximum) or minimum (Min, Minimum) share the gradient equally. For
// Pow, ∂/∂x is 0 where the exponent is 0, and ∂/∂y is 0 where x == 0 and
// y ≥ 0. Outside their domains operations give NaN or ±Inf, as float64
// arithmetic does; these are values, not errors.
//
// # A zero upstream gradient or local derivative contributes zero
//
// Element-wise bprop rules apply their local derivative d to the upstream
// gradient g with [GatedMul], which is g·d except that it is 0 where g or
// d is 0, even where the other is ±Inf or NaN (relu at x < 0 passes on
// 0 even of a NaN gradient, as its fused rule does and as PyTorch's does). So a branch that where, relu or max does
// not take passes on a zero gradient, not NaN: where(x > 0, sqrt(x), x) at
// x = -1 has gradient 1. GatedMul's own derivatives are those of g·d, so
// second derivatives are unchanged where g happens to be 0 (sin(x)^2 at 0
// has second derivative 2).
// Custom bprop rules should use it the same way.
//
// # Panics
//
// Operands of incompatible shapes or element types panic with a
// *tensor.ShapeError or *tensor.DTypeError that names the operation and
// the shapes; the zero Node and nodes of different graphs panic with an
// *ad.GraphError.
package ops
