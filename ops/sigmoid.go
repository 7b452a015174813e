package ops

import (
	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// Sigmoid returns 1/(1+e⁻ˣ) element-wise, computed without overflow. Its
// derivative is σ(x)(1-σ(x)).
func Sigmoid(x ad.Node) ad.Node { return ad.Apply1(sigmoidOp{}, x) }

type sigmoidOp struct{}

func (sigmoidOp) String() string                            { return "sigmoid" }
func (sigmoidOp) Forward(x []*tensor.Tensor) *tensor.Tensor { return tensor.Sigmoid(x[0]) }
func (sigmoidOp) ScalarForward(x, _ float64) float64        { return tensor.SigmoidFloat(x) }

func (sigmoidOp) ScalarDeriv(x, _, z float64) (float64, float64) { return z * (1 - z), 0 }

func (sigmoidOp) Local(c ad.Node, i int) ad.Node {
	return Mul(c, Sub(Const(c, 1), c))
}

func (o sigmoidOp) Bprop(c ad.Node, i int, g ad.Node) ad.Node { return bpropLocal(o, c, i, g) }
func (o sigmoidOp) JVP(c ad.Node, t []ad.Node) ad.Node        { return jvpLocal(o, c, t) }
