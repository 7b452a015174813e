package ops

import (
	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// Square returns x² element-wise. Its derivative is 2x.
func Square(x ad.Node) ad.Node { return ad.Apply1(squareOp{}, x) }

type squareOp struct{}

func (squareOp) String() string                            { return "square" }
func (squareOp) Forward(x []*tensor.Tensor) *tensor.Tensor { return tensor.Square(x[0]) }
func (squareOp) ScalarForward(x, _ float64) float64        { return x * x }

func (squareOp) ScalarDeriv(x, _, z float64) (float64, float64) { return 2 * x, 0 }

func (squareOp) Local(c ad.Node, i int) ad.Node {
	x := c.Input(0)
	return Mul(Const(x, 2), x)
}

func (o squareOp) Bprop(c ad.Node, i int, g ad.Node) ad.Node { return bpropLocal(o, c, i, g) }
func (o squareOp) JVP(c ad.Node, t []ad.Node) ad.Node        { return jvpLocal(o, c, t) }
