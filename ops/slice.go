package ops

import (
	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// Slice returns the part of x selected by ranges, one per leading axis;
// axes without a range are taken whole. Its bprop writes the gradient into
// zeros of x's shape (Embed). Slice panics with a *tensor.ShapeError if a
// range is out of bounds.
func Slice(x ad.Node, ranges ...tensor.Range) ad.Node {
	return ad.Apply1(&sliceOp{ranges: append([]tensor.Range(nil), ranges...)}, x)
}

type sliceOp struct{ ranges []tensor.Range }

func (o *sliceOp) String() string { return "slice" }

func (o *sliceOp) Forward(x []*tensor.Tensor) *tensor.Tensor {
	return tensor.Slice(x[0], o.ranges...)
}

func (o *sliceOp) Bprop(c ad.Node, _ int, g ad.Node) ad.Node {
	return Embed(g, c.Input(0).Shape(), o.ranges...)
}

// Embed returns zeros of the given shape with x written where ranges
// select: the adjoint of Slice. Its bprop slices the gradient. Embed panics
// with a *tensor.ShapeError if x does not fit the selection.
func Embed(x ad.Node, shape tensor.Shape, ranges ...tensor.Range) ad.Node {
	return ad.Apply1(&embedOp{shape: shape.Clone(), ranges: append([]tensor.Range(nil), ranges...)}, x)
}

type embedOp struct {
	shape  tensor.Shape
	ranges []tensor.Range
}

func (o *embedOp) String() string { return "embed" }

func (o *embedOp) Forward(x []*tensor.Tensor) *tensor.Tensor {
	return tensor.Embed(x[0], o.shape, o.ranges...)
}

func (o *embedOp) Bprop(_ ad.Node, _ int, g ad.Node) ad.Node {
	return Slice(g, o.ranges...)
}

func (o *sliceOp) JVP(_ ad.Node, t []ad.Node) ad.Node { return ad.Apply1(o, t[0]) }

func (o *embedOp) JVP(_ ad.Node, t []ad.Node) ad.Node { return ad.Apply1(o, t[0]) }
