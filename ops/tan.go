package ops

import (
	"math"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// Tan returns tan(x) element-wise. Its derivative is 1 + tan²(x).
func Tan(x ad.Node) ad.Node { return ad.Apply1(tanOp{}, x) }

type tanOp struct{}

func (tanOp) String() string                            { return "tan" }
func (tanOp) Forward(x []*tensor.Tensor) *tensor.Tensor { return tensor.Tan(x[0]) }
func (tanOp) ForwardWith(a tensor.Alloc, x []*tensor.Tensor) *tensor.Tensor {
	return tensor.TanWith(a, x[0])
}
func (tanOp) ScalarForward(x, _ float64) float64 { return math.Tan(x) }

func (tanOp) ScalarDeriv(x, _, z float64) (float64, float64) { return 1 + z*z, 0 }

func (tanOp) Local(c ad.Node, i int) ad.Node {
	return Add(Const(c, 1), Square(c))
}

func (o tanOp) Bprop(c ad.Node, i int, g ad.Node) ad.Node { return bpropLocal(o, c, i, g) }
func (o tanOp) JVP(c ad.Node, t []ad.Node) ad.Node        { return jvpLocal(o, c, t) }
