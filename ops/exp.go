package ops

import (
	"math"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// Exp returns eˣ element-wise. Its derivative is eˣ.
func Exp(x ad.Node) ad.Node { return ad.Apply1(expOp{}, x) }

type expOp struct{}

func (expOp) String() string                            { return "exp" }
func (expOp) Forward(x []*tensor.Tensor) *tensor.Tensor { return tensor.Exp(x[0]) }
func (expOp) ForwardWith(a tensor.Alloc, x []*tensor.Tensor) *tensor.Tensor {
	return tensor.ExpWith(a, x[0])
}
func (expOp) ScalarForward(x, _ float64) float64 { return math.Exp(x) }

func (expOp) ScalarDeriv(x, _, z float64) (float64, float64) { return z, 0 }

func (expOp) Local(c ad.Node, i int) ad.Node {
	return c
}

func (o expOp) Bprop(c ad.Node, i int, g ad.Node) ad.Node { return bpropLocal(o, c, i, g) }
func (o expOp) JVP(c ad.Node, t []ad.Node) ad.Node        { return jvpLocal(o, c, t) }
