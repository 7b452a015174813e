package ops

import (
	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// GatedMul returns g·d element-wise, with broadcasting, except that it is
// 0 wherever g is 0, even where d is ±Inf or NaN. Bprop rules use it to
// apply a local derivative d to an upstream gradient g, so that a zero
// upstream gradient contributes zero whatever the local derivative: in
// where(x > 0, sqrt(x), x) at x = -1 the sqrt branch gets a zero gradient
// and passes on 0, not 0·NaN.
//
// Its local derivatives are d (for g, also where g is 0: the limit) and g
// (for d), so gradients of gradients are those of g·d. GatedMul panics
// with a *tensor.ShapeError if the shapes do not broadcast.
func GatedMul(g, d ad.Node) ad.Node { return ad.Apply2(gatedMulOp{}, g, d) }

type gatedMulOp struct{}

func (gatedMulOp) String() string                            { return "gatedmul" }
func (gatedMulOp) Forward(x []*tensor.Tensor) *tensor.Tensor { return tensor.GatedMul(x[0], x[1]) }
func (gatedMulOp) ForwardWith(a tensor.Alloc, x []*tensor.Tensor) *tensor.Tensor {
	return tensor.GatedMulWith(a, x[0], x[1])
}

func (gatedMulOp) ScalarForward(g, d float64) float64 {
	if g == 0 {
		return 0
	}
	return g * d
}

func (gatedMulOp) ScalarDeriv(g, d, _ float64) (float64, float64) { return d, g }

func (gatedMulOp) Local(c ad.Node, i int) ad.Node {
	return c.Input(1 - i)
}

func (o gatedMulOp) Bprop(c ad.Node, i int, g ad.Node) ad.Node { return bpropLocal(o, c, i, g) }
func (o gatedMulOp) JVP(c ad.Node, t []ad.Node) ad.Node        { return jvpLocal(o, c, t) }
