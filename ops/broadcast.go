package ops

import (
	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// BroadcastTo returns x broadcast to shape under NumPy's rules. Its bprop
// sums the gradient back to x's shape. It returns x itself if x already has
// that shape, and panics with a *tensor.ShapeError if x cannot be
// broadcast to shape.
func BroadcastTo(x ad.Node, shape tensor.Shape) ad.Node {
	if x.Shape().Equal(shape) {
		return x
	}
	return ad.Apply1(&broadcastOp{shape: shape.Clone()}, x)
}

type broadcastOp struct{ shape tensor.Shape }

func (o *broadcastOp) String() string { return "broadcast" }

func (o *broadcastOp) Forward(x []*tensor.Tensor) *tensor.Tensor {
	return tensor.BroadcastTo(x[0], o.shape...)
}

func (o *broadcastOp) Bprop(c ad.Node, _ int, g ad.Node) ad.Node {
	return SumTo(g, c.Input(0).Shape())
}

// SumTo sums x over the axes along which shape was broadcast to x's shape:
// the adjoint of BroadcastTo. Its bprop broadcasts the gradient back. It
// returns x itself if x already has that shape, and panics with a
// *tensor.ShapeError if shape does not broadcast to x's shape.
func SumTo(x ad.Node, shape tensor.Shape) ad.Node {
	if x.Shape().Equal(shape) {
		return x
	}
	return ad.Apply1(&sumToOp{shape: shape.Clone()}, x)
}

type sumToOp struct{ shape tensor.Shape }

func (o *sumToOp) String() string { return "sumto" }

func (o *sumToOp) Forward(x []*tensor.Tensor) *tensor.Tensor {
	return tensor.SumTo(x[0], o.shape...)
}

func (o *sumToOp) Bprop(c ad.Node, _ int, g ad.Node) ad.Node {
	return BroadcastTo(g, c.Input(0).Shape())
}

func (o *broadcastOp) JVP(_ ad.Node, t []ad.Node) ad.Node { return ad.Apply1(o, t[0]) }

func (o *sumToOp) JVP(_ ad.Node, t []ad.Node) ad.Node { return ad.Apply1(o, t[0]) }
