package ops

import (
	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// MatMul returns the matrix product of x and y over their last two axes,
// with leading batch axes broadcast (see tensor.MatMul). Its bprop is
// g·yᵀ for x and xᵀ·g for y, summed over broadcast batch axes. MatMul
// panics with a *tensor.ShapeError if the inner sizes differ or a rank is
// below 2.
func MatMul(x, y ad.Node) ad.Node { return ad.Apply2(matmulOp{}, x, y) }

type matmulOp struct{}

func (matmulOp) String() string { return "matmul" }

func (matmulOp) Forward(x []*tensor.Tensor) *tensor.Tensor { return tensor.MatMul(x[0], x[1]) }

func (matmulOp) Bprop(c ad.Node, i int, g ad.Node) ad.Node {
	if i == 0 {
		return unbroadcast(c, 0, MatMul(g, swapLast(c.Input(1))))
	}
	return unbroadcast(c, 1, MatMul(swapLast(c.Input(0)), g))
}

func (matmulOp) JVP(c ad.Node, t []ad.Node) ad.Node {
	var sum ad.Node
	if t[0].Valid() {
		sum = MatMul(t[0], c.Input(1))
	}
	if t[1].Valid() {
		sum = addTangents(sum, MatMul(c.Input(0), t[1]))
	}
	return fit(sum, c)
}
