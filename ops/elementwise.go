package ops

import (
	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// Const returns a scalar constant with x's element type in x's graph, for
// use with broadcasting: Mul(x, Const(x, 2)).
func Const(x ad.Node, v float64) ad.Node {
	if x.DType() == tensor.Float32 {
		return x.Graph().Const(tensor.Scalar32(float32(v)))
	}
	return x.Graph().ScalarConst(v)
}

// mask records a constant computed from input values, such as where an
// input is positive. It carries no gradient: it is piecewise constant.
func mask(x ad.Node, m *tensor.Tensor) ad.Node {
	return x.Graph().Const(m)
}

// unbroadcast sums d, a contribution shaped like consumer c, back to the
// shape of c's input i: the bprop of broadcasting.
func unbroadcast(c ad.Node, i int, d ad.Node) ad.Node {
	return SumTo(d, c.Input(i).Shape())
}
