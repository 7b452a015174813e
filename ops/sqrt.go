package ops

import (
	"math"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// Sqrt returns the square root of x element-wise. Its derivative is
// 1/(2√x): +Inf at 0, NaN below 0.
func Sqrt(x ad.Node) ad.Node { return ad.Apply1(sqrtOp{}, x) }

type sqrtOp struct{}

func (sqrtOp) String() string                            { return "sqrt" }
func (sqrtOp) Forward(x []*tensor.Tensor) *tensor.Tensor { return tensor.Sqrt(x[0]) }
func (sqrtOp) ForwardWith(a tensor.Alloc, x []*tensor.Tensor) *tensor.Tensor {
	return tensor.SqrtWith(a, x[0])
}
func (sqrtOp) ScalarForward(x, _ float64) float64 { return math.Sqrt(x) }

func (sqrtOp) ScalarDeriv(x, _, z float64) (float64, float64) { return 0.5 / z, 0 }

func (sqrtOp) Local(c ad.Node, i int) ad.Node {
	return Div(Const(c, 0.5), c)
}

func (o sqrtOp) Bprop(c ad.Node, i int, g ad.Node) ad.Node { return bpropLocal(o, c, i, g) }
func (o sqrtOp) JVP(c ad.Node, t []ad.Node) ad.Node        { return jvpLocal(o, c, t) }
