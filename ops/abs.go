package ops

import (
	"math"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// Abs returns |x| element-wise. Its derivative is the sign of x: -1, 0 or
// 1, so 0 at x == 0.
func Abs(x ad.Node) ad.Node { return ad.Apply1(absOp{}, x) }

type absOp struct{}

func (absOp) String() string                            { return "abs" }
func (absOp) Forward(x []*tensor.Tensor) *tensor.Tensor { return tensor.Abs(x[0]) }
func (absOp) ForwardWith(a tensor.Alloc, x []*tensor.Tensor) *tensor.Tensor {
	return tensor.AbsWith(a, x[0])
}
func (absOp) ScalarForward(x, _ float64) float64 { return math.Abs(x) }

func (absOp) ScalarDeriv(x, _, z float64) (float64, float64) { return tensor.SignFloat(x), 0 }

func (absOp) Local(c ad.Node, i int) ad.Node {
	x := c.Input(0)
	return mask(x, tensor.Sign(x.Value()))
}

func (o absOp) Bprop(c ad.Node, i int, g ad.Node) ad.Node { return bpropLocal(o, c, i, g) }
func (o absOp) JVP(c ad.Node, t []ad.Node) ad.Node        { return jvpLocal(o, c, t) }
