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

func (squareOp) Bprop(c ad.Node, _ int, g ad.Node) ad.Node {
	x := c.Input(0)
	return GatedMul(g, Mul(Const(x, 2), x))
}
