package ops

import (
	"math"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// Log returns the natural logarithm of x element-wise. Its derivative is
// 1/x. Log(0) is -Inf and Log of a negative number is NaN.
func Log(x ad.Node) ad.Node { return ad.Apply1(logOp{}, x) }

type logOp struct{}

func (logOp) String() string                            { return "log" }
func (logOp) Forward(x []*tensor.Tensor) *tensor.Tensor { return tensor.Log(x[0]) }
func (logOp) ForwardWith(a tensor.Alloc, x []*tensor.Tensor) *tensor.Tensor {
	return tensor.LogWith(a, x[0])
}
func (logOp) ScalarForward(x, _ float64) float64 { return math.Log(x) }

func (logOp) ScalarDeriv(x, _, z float64) (float64, float64) { return 1 / x, 0 }

func (logOp) Local(c ad.Node, i int) ad.Node {
	x := c.Input(0)
	return Div(Const(x, 1), x)
}

func (o logOp) Bprop(c ad.Node, i int, g ad.Node) ad.Node { return bpropLocal(o, c, i, g) }
func (o logOp) JVP(c ad.Node, t []ad.Node) ad.Node        { return jvpLocal(o, c, t) }
