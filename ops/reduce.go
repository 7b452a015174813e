package ops

import (
	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

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

type redKind uint8

const (
	redSum redKind = iota
	redMean
	redMax
	redMin
)

var redNames = [...]string{"sum", "mean", "max", "min"}

type reduceOp struct {
	kind redKind
	axes []int // normalised, sorted
	keep bool
}

func reduce(kind redKind, x ad.Node, axes []int, keep bool) ad.Node {
	name := [...]string{"Sum", "Mean", "Max", "Min"}[kind]
	op := &reduceOp{kind: kind, axes: tensor.NormAxes(name, axes, x.Shape()), keep: keep}
	return ad.Apply1(op, x)
}

func (o *reduceOp) String() string { return redNames[o.kind] }

func (o *reduceOp) Forward(x []*tensor.Tensor) *tensor.Tensor {
	switch o.kind {
	case redSum:
		return tensor.Sum(x[0], o.axes, o.keep)
	case redMean:
		return tensor.Mean(x[0], o.axes, o.keep)
	case redMax:
		return tensor.Max(x[0], o.axes, o.keep)
	}
	return tensor.Min(x[0], o.axes, o.keep)
}

func (o *reduceOp) Bprop(c ad.Node, _ int, g ad.Node) ad.Node {
	x := c.Input(0)
	shape := x.Shape()
	kept := tensor.ReducedShape(shape, o.axes, true)
	gb := BroadcastTo(Reshape(g, kept...), shape)
	switch o.kind {
	case redSum:
		return gb
	case redMean:
		n := shape.Size() / max(kept.Size(), 1)
		return Mul(gb, Const(x, 1/float64(n)))
	}
	// Max and min: the elements equal to the result share the gradient.
	hit := tensor.Equal(x.Value(), tensor.Reshape(c.Value(), kept...))
	count := tensor.Sum(hit, o.axes, true)
	return Mul(gb, mask(x, tensor.Div(hit, count)))
}

func (o *reduceOp) JVP(c ad.Node, t []ad.Node) ad.Node {
	switch o.kind {
	case redSum, redMean:
		return ad.Apply1(o, t[0]) // linear: the same reduction of the tangent
	}
	// Max and min: the tangent of the maximal elements, shared at ties.
	x := c.Input(0)
	kept := tensor.ReducedShape(x.Shape(), o.axes, true)
	hit := tensor.Equal(x.Value(), tensor.Reshape(c.Value(), kept...))
	count := tensor.Sum(hit, o.axes, true)
	return ad.Apply1(&reduceOp{kind: redSum, axes: o.axes, keep: o.keep}, Mul(t[0], mask(x, tensor.Div(hit, count))))
}
