package ops

import (
	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// Neg returns -x element-wise. Its derivative is -1.
func Neg(x ad.Node) ad.Node { return ad.Apply1(negOp{}, x) }

type negOp struct{}

func (negOp) String() string                            { return "neg" }
func (negOp) Forward(x []*tensor.Tensor) *tensor.Tensor { return tensor.Neg(x[0]) }
func (negOp) ForwardWith(a tensor.Alloc, x []*tensor.Tensor) *tensor.Tensor {
	return tensor.NegWith(a, x[0])
}
func (negOp) ScalarForward(x, _ float64) float64             { return -x }
func (negOp) ScalarDeriv(_, _, _ float64) (float64, float64) { return -1, 0 }
func (negOp) Bprop(_ ad.Node, _ int, g ad.Node) ad.Node      { return Neg(g) }

func (negOp) JVP(_ ad.Node, t []ad.Node) ad.Node { return Neg(t[0]) }
