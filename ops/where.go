package ops

import (
	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// Where returns x where cond is nonzero and y elsewhere, with all three
// broadcast together. The gradient flows to x where cond is nonzero and to
// y elsewhere; cond gets none. Where panics with a *tensor.ShapeError if
// the shapes do not broadcast.
func Where(cond, x, y ad.Node) ad.Node { return ad.Apply(whereOp{}, cond, x, y) }

type whereOp struct{}

func (whereOp) String() string { return "where" }

func (whereOp) Forward(x []*tensor.Tensor) *tensor.Tensor { return tensor.Where(x[0], x[1], x[2]) }

func (whereOp) Bprop(c ad.Node, i int, g ad.Node) ad.Node {
	if i == 0 {
		return ad.Node{}
	}
	zero := Const(g, 0)
	cond := c.Input(0)
	if i == 1 {
		return unbroadcast(c, 1, Where(cond, g, zero))
	}
	return unbroadcast(c, 2, Where(cond, zero, g))
}

func (whereOp) JVP(c ad.Node, t []ad.Node) ad.Node {
	if !t[1].Valid() && !t[2].Valid() {
		return ad.Node{} // cond carries no tangent
	}
	return fit(Where(c.Input(0), orZeros(t[1], c.Input(1)), orZeros(t[2], c.Input(2))), c)
}
