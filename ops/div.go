package ops

import (
	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// Div returns x / y element-wise, with broadcasting. Its local derivatives
// are 1/y and -x/y². Division by zero gives ±Inf or NaN, as float64
// arithmetic does. Div panics with a *tensor.ShapeError if the shapes do
// not broadcast.
func Div(x, y ad.Node) ad.Node { return ad.Apply2(divOp{}, x, y) }

type divOp struct{}

func (divOp) String() string                            { return "div" }
func (divOp) Forward(x []*tensor.Tensor) *tensor.Tensor { return tensor.Div(x[0], x[1]) }
func (divOp) ForwardWith(a tensor.Alloc, x []*tensor.Tensor) *tensor.Tensor {
	return tensor.DivWith(a, x[0], x[1])
}
func (divOp) ScalarForward(x, y float64) float64             { return x / y }
func (divOp) ScalarDeriv(_, y, z float64) (float64, float64) { return 1 / y, -z / y }

func (divOp) Local(c ad.Node, i int) ad.Node {
	y := c.Input(1)
	if i == 0 {
		return Div(Const(y, 1), y)
	}
	return Neg(Div(c, y))
}

func (o divOp) Bprop(c ad.Node, i int, g ad.Node) ad.Node { return bpropLocal(o, c, i, g) }
func (o divOp) JVP(c ad.Node, t []ad.Node) ad.Node        { return jvpLocal(o, c, t) }
