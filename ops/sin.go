package ops

import (
	"math"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// Sin returns sin(x) element-wise. Its derivative is cos(x).
func Sin(x ad.Node) ad.Node { return ad.Apply1(sinOp{}, x) }

type sinOp struct{}

func (sinOp) String() string                            { return "sin" }
func (sinOp) Forward(x []*tensor.Tensor) *tensor.Tensor { return tensor.Sin(x[0]) }
func (sinOp) ForwardWith(a tensor.Alloc, x []*tensor.Tensor) *tensor.Tensor {
	return tensor.SinWith(a, x[0])
}
func (sinOp) ScalarForward(x, _ float64) float64 { return math.Sin(x) }

func (sinOp) ScalarDeriv(x, _, z float64) (float64, float64) { return math.Cos(x), 0 }

func (sinOp) Local(c ad.Node, i int) ad.Node {
	return Cos(c.Input(0))
}

func (o sinOp) Bprop(c ad.Node, i int, g ad.Node) ad.Node { return bpropLocal(o, c, i, g) }
func (o sinOp) JVP(c ad.Node, t []ad.Node) ad.Node        { return jvpLocal(o, c, t) }
