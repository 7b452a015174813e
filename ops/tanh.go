package ops

import (
	"math"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// Tanh returns tanh(x) element-wise. Its derivative is 1 - tanh²(x).
func Tanh(x ad.Node) ad.Node { return ad.Apply1(tanhOp{}, x) }

type tanhOp struct{}

func (tanhOp) String() string                            { return "tanh" }
func (tanhOp) Forward(x []*tensor.Tensor) *tensor.Tensor { return tensor.Tanh(x[0]) }
func (tanhOp) ForwardWith(a tensor.Alloc, x []*tensor.Tensor) *tensor.Tensor {
	return tensor.TanhWith(a, x[0])
}
func (tanhOp) ScalarForward(x, _ float64) float64 { return math.Tanh(x) }

func (tanhOp) ScalarDeriv(x, _, z float64) (float64, float64) { return 1 - z*z, 0 }

func (tanhOp) Local(c ad.Node, i int) ad.Node {
	return Sub(Const(c, 1), Square(c))
}

func (o tanhOp) Bprop(c ad.Node, i int, g ad.Node) ad.Node { return bpropLocal(o, c, i, g) }
func (o tanhOp) JVP(c ad.Node, t []ad.Node) ad.Node        { return jvpLocal(o, c, t) }
