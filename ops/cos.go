package ops

import (
	"math"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// Cos returns cos(x) element-wise. Its derivative is -sin(x).
func Cos(x ad.Node) ad.Node { return ad.Apply1(cosOp{}, x) }

type cosOp struct{}

func (cosOp) String() string                            { return "cos" }
func (cosOp) Forward(x []*tensor.Tensor) *tensor.Tensor { return tensor.Cos(x[0]) }
func (cosOp) ScalarForward(x, _ float64) float64        { return math.Cos(x) }

func (cosOp) ScalarDeriv(x, _, z float64) (float64, float64) { return -math.Sin(x), 0 }

func (cosOp) Bprop(c ad.Node, _ int, g ad.Node) ad.Node {
	x := c.Input(0)
	return GatedMul(g, Neg(Sin(x)))
}
