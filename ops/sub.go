package ops

import (
	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// Sub returns x - y element-wise, with broadcasting. Its local derivatives
// are 1 and -1. Sub panics with a *tensor.ShapeError if the shapes do not
// broadcast.
func Sub(x, y ad.Node) ad.Node { return ad.Apply2(subOp{}, x, y) }

type subOp struct{}

func (subOp) String() string                            { return "sub" }
func (subOp) Forward(x []*tensor.Tensor) *tensor.Tensor { return tensor.Sub(x[0], x[1]) }
func (subOp) ForwardWith(a tensor.Alloc, x []*tensor.Tensor) *tensor.Tensor {
	return tensor.SubWith(a, x[0], x[1])
}
func (subOp) ScalarForward(x, y float64) float64             { return x - y }
func (subOp) ScalarDeriv(_, _, _ float64) (float64, float64) { return 1, -1 }

func (subOp) Bprop(c ad.Node, i int, g ad.Node) ad.Node {
	if i == 1 {
		g = Neg(g)
	}
	return unbroadcast(c, i, g)
}

func (subOp) JVP(c ad.Node, t []ad.Node) ad.Node {
	t1 := t[1]
	if t1.Valid() {
		t1 = Neg(t1)
	}
	return fit(addTangents(t[0], t1), c)
}
