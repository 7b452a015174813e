package ops

import (
	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// Mul returns x * y element-wise, with broadcasting. Its local derivatives
// are y and x. Mul panics with a *tensor.ShapeError if the shapes do not
// broadcast.
func Mul(x, y ad.Node) ad.Node { return ad.Apply2(mulOp{}, x, y) }

type mulOp struct{}

func (mulOp) String() string                            { return "mul" }
func (mulOp) Forward(x []*tensor.Tensor) *tensor.Tensor { return tensor.Mul(x[0], x[1]) }
func (mulOp) ForwardWith(a tensor.Alloc, x []*tensor.Tensor) *tensor.Tensor {
	return tensor.MulWith(a, x[0], x[1])
}
func (mulOp) ScalarForward(x, y float64) float64             { return x * y }
func (mulOp) ScalarDeriv(x, y, _ float64) (float64, float64) { return y, x }

func (mulOp) Local(c ad.Node, i int) ad.Node {
	return c.Input(1 - i)
}

func (o mulOp) Bprop(c ad.Node, i int, g ad.Node) ad.Node { return bpropLocal(o, c, i, g) }
func (o mulOp) JVP(c ad.Node, t []ad.Node) ad.Node        { return jvpLocal(o, c, t) }
