package ops

import (
	"math"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// The reductions family: every operation that reduces x over some axes,
// and the two that normalise over one. Their derivatives are stated here,
// once each.
//
// A reduction y = r(x) over axes has, at each element of x, a local
// derivative w = ∂y/∂x of x's shape, written with differentiable
// operations in reductions below. Both passes derive from it: the bprop
// is ĝ·w, where ĝ is the upstream gradient with the reduced axes restored
// as size 1 and broadcast back to x's shape, and the forward-mode rule is
// the sum of w·ṫ over the reduced axes.
//
//	sum        w = 1
//	mean       w = 1/n, n the elements reduced into each
//	max, min   w = [x = y] / (the number of ties): ties share the gradient
//	logsumexp  w = softmax(x)
//	prod       w = Π of the others: y/x where x ≠ 0, and where x = 0 a
//	           form exact to second order (see others)
//
// The normalisations keep x's shape; for y = softmax(x) over axis k the
// bprop is y·(g - Σₖ g·y), and for y = log_softmax(x) it is g - eʸ·Σₖ g
// (normalisations below).
var reductions = [...]reduction{
	redSum: {name: "sum", forward: tensor.Sum, forwardWith: tensor.SumWith, linear: true,
		local: func(x, y ad.Node, axes []int) ad.Node { return Const(x, 1) }},
	redMean: {name: "mean", forward: tensor.Mean, forwardWith: tensor.MeanWith, linear: true,
		local: func(x, y ad.Node, axes []int) ad.Node {
			var buf [8]int
			n := x.Shape().Size() / max(tensor.ReducedShapeInto(buf[:0], x.Shape(), axes, true).Size(), 1)
			return Const(x, 1/float64(n))
		}},
	redMax: {name: "max", forward: tensor.Max, forwardWith: tensor.MaxWith, local: ties},
	redMin: {name: "min", forward: tensor.Min, forwardWith: tensor.MinWith, local: ties},
	redLogSumExp: {name: "logsumexp", forward: func(x *tensor.Tensor, axes []int, keep bool) *tensor.Tensor {
		return tensor.LogSumExp(x, axes[0], keep)
	}, local: func(x, y ad.Node, axes []int) ad.Node { return Softmax(x, axes[0]) }},
	redProd: {name: "prod", forward: tensor.Prod, local: others},
}

// others is the local derivative of prod: the product of the other
// elements of each one's slice. Where x ≠ 0 it is y/x. Where x = 0 it is
// P, the product of the slice's non-zero elements, if x is the slice's
// only zero; x'·P, with x' the other zero, if there are two; else 0. The
// zeros are kept in the formula (x' is 0 in value, but not in its
// derivative), so the second derivatives are exact too; beyond, a slice
// with three or more zeros has its third and higher derivatives as 0.
func others(x, y ad.Node, axes []int) ad.Node {
	kept := tensor.ReducedShape(x.Shape(), axes, true)
	yk := Reshape(y, kept...)
	zt := tensor.Equal(x.Value(), tensor.Zeros(x.DType()))
	count := tensor.Sum(zt, axes, true)
	zero, nonzero := mask(x, zt), mask(x, tensor.Sub(tensor.Ones(x.DType()), zt))
	one := mask(x, tensor.Equal(count, tensor.Ones(x.DType())))
	two := mask(x, tensor.Equal(count, tensor.Full(x.DType(), 2)))
	safe := Where(nonzero, x, Const(x, 1))
	p := ProdKeepDims(safe, axes...)
	s := SumKeepDims(Where(zero, x, Const(x, 0)), axes...) // the zeros' sum: 0, but not in its derivative
	atZero := Where(one, p, Where(two, Mul(Sub(s, x), p), Const(x, 0)))
	// A non-zero element of a slice with a zero: the zero times the
	// product of the others, which is 0 even where they hold ±∞ or NaN
	// (GatedMul), and whose derivative in the zero is that product.
	none := mask(x, tensor.Equal(count, tensor.Zeros(x.DType())))
	besideZero := Where(one, GatedMul(s, Div(p, safe)), Const(x, 0))
	return Where(nonzero, Where(none, Div(yk, safe), besideZero), atZero)
}

// ties is the local derivative of max and min: the elements equal to the
// result share it equally. It is piecewise constant, so a constant.
func ties(x, y ad.Node, axes []int) ad.Node {
	kept := tensor.ReducedShape(x.Shape(), axes, true)
	hit := tensor.Equal(x.Value(), tensor.Reshape(y.Value(), kept...))
	return mask(x, tensor.Div(hit, tensor.Sum(hit, axes, true)))
}

var normalisations = [...]normalisation{
	normSoftmax: {name: "softmax", forward: tensor.Softmax, forwardWith: tensor.SoftmaxWith,
		bprop: func(y, g ad.Node, k int) ad.Node { return Mul(y, Sub(g, SumKeepDims(Mul(g, y), k))) }},
	normLogSoftmax: {name: "log_softmax", forward: tensor.LogSoftmax, forwardWith: tensor.LogSoftmaxWith,
		bprop: func(y, g ad.Node, k int) ad.Node { return Sub(g, Mul(Exp(y), SumKeepDims(g, k))) }},
}

// Sum returns the sum of x over axes, or over all axes when none are
// given; the reduced axes are removed. Negative axes count from the end.
// Its bprop broadcasts the gradient back over the reduced axes. Sum panics
// with a *tensor.ShapeError if an axis is out of range or repeated.
func Sum(x ad.Node, axes ...int) ad.Node { return reduce(redSum, x, axes, false) }

// SumKeepDims is Sum with the reduced axes kept as size 1.
func SumKeepDims(x ad.Node, axes ...int) ad.Node { return reduce(redSum, x, axes, true) }

// Mean returns the mean of x over axes, as Sum. Its bprop spreads the
// gradient evenly over the reduced elements.
func Mean(x ad.Node, axes ...int) ad.Node { return reduce(redMean, x, axes, false) }

// MeanKeepDims is Mean with the reduced axes kept as size 1.
func MeanKeepDims(x ad.Node, axes ...int) ad.Node { return reduce(redMean, x, axes, true) }

// Max returns the largest element of x over axes, as Sum. Its bprop sends
// the gradient to the maximal elements; when several elements tie for the
// maximum, they share it equally.
func Max(x ad.Node, axes ...int) ad.Node { return reduce(redMax, x, axes, false) }

// MaxKeepDims is Max with the reduced axes kept as size 1.
func MaxKeepDims(x ad.Node, axes ...int) ad.Node { return reduce(redMax, x, axes, true) }

// Min returns the smallest element of x over axes, as Max; ties share the
// gradient equally.
func Min(x ad.Node, axes ...int) ad.Node { return reduce(redMin, x, axes, false) }

// MinKeepDims is Min with the reduced axes kept as size 1.
func MinKeepDims(x ad.Node, axes ...int) ad.Node { return reduce(redMin, x, axes, true) }

// Prod returns the product of x over axes, or over all axes when none are
// given, as Sum. Its derivative with respect to each element is the
// product of the others, exact where elements are 0.
func Prod(x ad.Node, axes ...int) ad.Node { return reduce(redProd, x, axes, false) }

// ProdKeepDims is Prod with the reduced axes kept as size 1.
func ProdKeepDims(x ad.Node, axes ...int) ad.Node { return reduce(redProd, x, axes, true) }

// LogSumExp returns log(Σ exp(x)) over axis, computed stably by subtracting
// the maximum first; the axis is removed. Its bprop is the gradient times
// softmax(x). LogSumExp panics with a *tensor.ShapeError if axis is out of
// range.
func LogSumExp(x ad.Node, axis int) ad.Node { return reduce(redLogSumExp, x, []int{axis}, false) }

// LogSumExpKeepDims is LogSumExp with the axis kept as size 1.
func LogSumExpKeepDims(x ad.Node, axis int) ad.Node {
	return reduce(redLogSumExp, x, []int{axis}, true)
}

// Var returns the variance of x over axes (all axes when none are given),
// with ddof degrees of freedom subtracted from the count: ddof 0 is the
// population variance, 1 the unbiased sample variance (PyTorch's default
// correction). It is computed in two passes, Σ(x - mean)²/(n - ddof), which
// stays accurate when the mean is large against the spread; its
// derivatives are those of that expression. Var panics with a
// *tensor.ShapeError if an axis is out of range; with ddof ≥ n it divides
// by 0, giving +Inf (or NaN where every deviation is 0), as PyTorch does.
func Var(x ad.Node, ddof int, axes ...int) ad.Node { return variance(x, ddof, axes, false) }

// VarKeepDims is Var with the reduced axes kept as size 1.
func VarKeepDims(x ad.Node, ddof int, axes ...int) ad.Node { return variance(x, ddof, axes, true) }

// Std returns the standard deviation of x over axes, √Var(x, ddof, axes).
// Its derivative is infinite where the variance is 0.
func Std(x ad.Node, ddof int, axes ...int) ad.Node { return Sqrt(Var(x, ddof, axes...)) }

func variance(x ad.Node, ddof int, axes []int, keep bool) ad.Node {
	norm := tensor.NormAxes("Var", axes, x.Shape())
	n := x.Shape().Size() / max(tensor.ReducedShape(x.Shape(), norm, true).Size(), 1)
	d := Sub(x, MeanKeepDims(x, norm...))
	ss := reduce(redSum, Square(d), norm, keep)
	return Div(ss, Const(x, float64(max(n-ddof, 0)))) // as PyTorch: ∞ (or NaN) when ddof ≥ n
}

// LogSumExpOver returns log(Σ exp(x)) over several axes at once (all axes
// when none are given), the axes removed: m + log(Σ exp(x - m)) with m the
// maximum, held constant, so that nothing overflows. Over one axis it is
// LogSumExp.
func LogSumExpOver(x ad.Node, axes ...int) ad.Node {
	norm := tensor.NormAxes("LogSumExpOver", axes, x.Shape())
	if len(norm) == 1 {
		return LogSumExp(x, norm[0])
	}
	mv := tensor.Map(tensor.Max(x.Value(), norm, true), func(v float64) float64 {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return 0 // all -∞, a +∞ or a NaN: shift by nothing
		}
		return v
	})
	m := mask(x, mv)
	s := Log(Sum(Exp(Sub(x, m)), norm...))
	return Add(s, Reshape(m, tensor.ReducedShape(x.Shape(), norm, false)...))
}

// Softmax returns exp(x)/Σ exp(x) over axis, computed stably. Its bprop is
// z·(g - Σ g·z) with z the softmax. Softmax panics with a
// *tensor.ShapeError if axis is out of range.
func Softmax(x ad.Node, axis int) ad.Node { return normalise(normSoftmax, x, axis) }

// LogSoftmax returns x - LogSumExp(x) over axis, computed stably. Its bprop
// is g - softmax(x)·Σ g. LogSoftmax panics with a *tensor.ShapeError if
// axis is out of range.
func LogSoftmax(x ad.Node, axis int) ad.Node { return normalise(normLogSoftmax, x, axis) }

type redKind uint8

const (
	redSum redKind = iota
	redMean
	redMax
	redMin
	redLogSumExp
	redProd
)

// reduction states one reduction: its forward kernel and its local
// derivative; linear ones have a forward-mode rule that is the reduction
// itself.
type reduction struct {
	name        string
	forward     func(x *tensor.Tensor, axes []int, keep bool) *tensor.Tensor
	forwardWith func(a tensor.Alloc, x *tensor.Tensor, axes []int, keep bool) *tensor.Tensor // nil: forward
	local       func(x, y ad.Node, axes []int) ad.Node
	linear      bool
}

type reduceOp struct {
	kind redKind
	axes []int // normalised, sorted
	keep bool
}

func reduce(kind redKind, x ad.Node, axes []int, keep bool) ad.Node {
	name := [...]string{"Sum", "Mean", "Max", "Min", "LogSumExp", "Prod"}[kind]
	var buf [8]int
	return ad.Apply1(reduceOpFor(kind, tensor.NormAxesInto(buf[:0], name, axes, x.Shape()), keep), x)
}

func (o *reduceOp) String() string { return reductions[o.kind].name }

func (o *reduceOp) Forward(x []*tensor.Tensor) *tensor.Tensor {
	return reductions[o.kind].forward(x[0], o.axes, o.keep)
}

// Bprop is ĝ·w: the gradient broadcast back over the reduced axes, times
// the local derivative.
func (o *reduceOp) ForwardWith(a tensor.Alloc, x []*tensor.Tensor) *tensor.Tensor {
	if f := reductions[o.kind].forwardWith; f != nil {
		return f(a, x[0], o.axes, o.keep)
	}
	return o.Forward(x)
}

func (o *reduceOp) Bprop(c ad.Node, _ int, g ad.Node) ad.Node {
	x := c.Input(0)
	shape := x.Shape()
	var buf [8]int
	gb := BroadcastTo(Reshape(g, tensor.ReducedShapeInto(buf[:0], shape, o.axes, true)...), shape)
	if o.kind == redSum {
		return gb // w = 1
	}
	return Mul(gb, reductions[o.kind].local(x, c, o.axes))
}

// JVP is Σ w·ṫ over the reduced axes; for a linear reduction, the
// reduction of ṫ.
func (o *reduceOp) JVP(c ad.Node, t []ad.Node) ad.Node {
	r := reductions[o.kind]
	if r.linear {
		return ad.Apply1(o, t[0])
	}
	sum := &reduceOp{kind: redSum, axes: o.axes, keep: o.keep}
	return ad.Apply1(sum, Mul(r.local(c.Input(0), c, o.axes), t[0]))
}

type normKind uint8

const (
	normSoftmax normKind = iota
	normLogSoftmax
)

// normalisation states one normalisation over an axis: its kernels and its
// bprop from the output y and the upstream gradient g.
type normalisation struct {
	name        string
	forward     func(x *tensor.Tensor, axis int) *tensor.Tensor
	forwardWith func(a tensor.Alloc, x *tensor.Tensor, axis int) *tensor.Tensor
	bprop       func(y, g ad.Node, axis int) ad.Node
}

type normOp struct {
	kind normKind
	axis int
}

func normalise(kind normKind, x ad.Node, axis int) ad.Node {
	name := [...]string{"Softmax", "LogSoftmax"}[kind]
	return ad.Apply1(normOpFor(kind, tensor.NormAxis(name, axis, x.Shape())), x)
}

func (o *normOp) String() string { return normalisations[o.kind].name }

func (o *normOp) Forward(x []*tensor.Tensor) *tensor.Tensor {
	return normalisations[o.kind].forward(x[0], o.axis)
}

func (o *normOp) ForwardWith(a tensor.Alloc, x []*tensor.Tensor) *tensor.Tensor {
	return normalisations[o.kind].forwardWith(a, x[0], o.axis)
}

func (o *normOp) Bprop(c ad.Node, _ int, g ad.Node) ad.Node {
	return normalisations[o.kind].bprop(c, g, o.axis)
}

// JVP applies the Jacobian to the tangent. Softmax's is symmetric, so it
// is the bprop; log_softmax's is the transpose of its bprop: ṫ - Σₖ eʸ·ṫ.
func (o *normOp) JVP(c ad.Node, t []ad.Node) ad.Node {
	if o.kind == normSoftmax {
		return normalisations[o.kind].bprop(c, t[0], o.axis)
	}
	return Sub(t[0], SumKeepDims(Mul(Exp(c), t[0]), o.axis))
}
