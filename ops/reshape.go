package ops

import (
	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// Reshape returns x with a new shape of the same size; one size may be -1
// and is inferred. Its bprop reshapes the gradient back. Reshape panics
// with a *tensor.ShapeError if the sizes differ.
func Reshape(x ad.Node, shape ...int) ad.Node {
	return ad.Apply1(&reshapeOp{shape: tensor.Shape(shape).Clone()}, x)
}

type reshapeOp struct{ shape tensor.Shape }

func (o *reshapeOp) String() string { return "reshape" }

func (o *reshapeOp) Forward(x []*tensor.Tensor) *tensor.Tensor {
	return tensor.Reshape(x[0], o.shape...)
}

func (o *reshapeOp) Bprop(c ad.Node, _ int, g ad.Node) ad.Node {
	return Reshape(g, c.Input(0).Shape()...)
}

func (o *reshapeOp) JVP(_ ad.Node, t []ad.Node) ad.Node { return ad.Apply1(o, t[0]) }
