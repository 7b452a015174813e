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
func (cosOp) ForwardWith(a tensor.Alloc, x []*tensor.Tensor) *tensor.Tensor {
	return tensor.CosWith(a, x[0])
}
func (cosOp) ScalarForward(x, _ float64) float64 { return math.Cos(x) }

func (cosOp) ScalarDeriv(x, _, z float64) (float64, float64) { return -math.Sin(x), 0 }

func (cosOp) Local(c ad.Node, i int) ad.Node {
	return Neg(Sin(c.Input(0)))
}

func (o cosOp) Bprop(c ad.Node, i int, g ad.Node) ad.Node { return bpropLocal(o, c, i, g) }
func (o cosOp) JVP(c ad.Node, t []ad.Node) ad.Node        { return jvpLocal(o, c, t) }
