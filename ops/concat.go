package ops

import (
	"slices"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// Concat joins xs along axis; their other sizes must be equal. Its bprop
// hands each input its slice of the gradient. Concat panics with a
// *tensor.ShapeError if the shapes do not fit.
func Concat(axis int, xs ...ad.Node) ad.Node {
	if len(xs) == 1 {
		return xs[0]
	}
	if len(xs) > 0 {
		axis = tensor.NormAxes("Concat", []int{axis}, xs[0].Shape())[0]
	}
	return ad.Apply(&concatOp{axis: axis}, xs...)
}

type concatOp struct{ axis int }

func (o *concatOp) String() string { return "concat" }

func (o *concatOp) Forward(x []*tensor.Tensor) *tensor.Tensor {
	return tensor.Concat(o.axis, x...)
}

func (o *concatOp) Bprop(c ad.Node, i int, g ad.Node) ad.Node {
	start := 0
	for j := range i {
		start += c.Input(j).Shape()[o.axis]
	}
	ranges := make([]tensor.Range, o.axis+1)
	for a := range o.axis {
		ranges[a] = tensor.Range{Start: 0, Stop: g.Shape()[a]}
	}
	ranges[o.axis] = tensor.Range{Start: start, Stop: start + c.Input(i).Shape()[o.axis]}
	return Slice(g, ranges...)
}

// Stack joins xs, which share one shape, along a new axis at position
// axis. It is Concat of the inputs reshaped with a size-1 axis.
func Stack(axis int, xs ...ad.Node) ad.Node {
	if len(xs) == 0 {
		panic(&tensor.ShapeError{Op: "Stack", Reason: "no inputs"})
	}
	r := len(xs[0].Shape())
	if axis < 0 {
		axis += r + 1
	}
	if axis < 0 || axis > r {
		panic(&tensor.ShapeError{Op: "Stack", Shapes: []tensor.Shape{xs[0].Shape()}, Reason: "axis out of range"})
	}
	parts := make([]ad.Node, len(xs))
	for i, x := range xs {
		if !x.Shape().Equal(xs[0].Shape()) {
			panic(&tensor.ShapeError{Op: "Stack", Shapes: []tensor.Shape{xs[0].Shape(), x.Shape()}})
		}
		parts[i] = Reshape(x, slices.Insert(x.Shape().Clone(), axis, 1)...)
	}
	return ad.Apply(&concatOp{axis: axis}, parts...)
}

func (o *concatOp) JVP(c ad.Node, t []ad.Node) ad.Node {
	parts := make([]ad.Node, len(t))
	for i, ti := range t {
		parts[i] = orZeros(ti, c.Input(i))
	}
	return ad.Apply(o, parts...)
}
