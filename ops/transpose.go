package ops

import (
	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// Transpose permutes the axes of x: axis i of the result is axis perm[i] of
// x; with no perm it reverses the axes. Its bprop applies the inverse
// permutation. Transpose panics with a *tensor.ShapeError if perm is not a
// permutation of x's axes.
func Transpose(x ad.Node, perm ...int) ad.Node {
	r := x.Shape()
	if len(perm) == 0 {
		perm = make([]int, len(r))
		for i := range perm {
			perm[i] = len(r) - 1 - i
		}
	}
	return ad.Apply1(&transposeOp{perm: append([]int(nil), perm...)}, x)
}

type transposeOp struct{ perm []int }

func (o *transposeOp) String() string { return "transpose" }

func (o *transposeOp) Forward(x []*tensor.Tensor) *tensor.Tensor {
	return tensor.Transpose(x[0], o.perm...)
}

func (o *transposeOp) Bprop(_ ad.Node, _ int, g ad.Node) ad.Node {
	return Transpose(g, tensor.InversePerm(o.perm)...)
}

func (o *transposeOp) JVP(_ ad.Node, t []ad.Node) ad.Node { return ad.Apply1(o, t[0]) }
