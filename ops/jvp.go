package ops

import (
	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// An element-wise operation is defined by its local derivatives: Local
// returns ∂c/∂(input i) for consumer c, broadcastable to c's shape. Its
// bprop and its forward-mode rule both come from them, so the two cannot
// disagree, and the engine's trace shows them (it is an ad.LocalOp).
type elementwise interface {
	Local(c ad.Node, i int) ad.Node
}

// bpropLocal is the bprop of an element-wise operation: the upstream
// gradient times the local derivative (gated: a zero gradient contributes
// zero), summed back to the input's shape.
func bpropLocal(o elementwise, c ad.Node, i int, g ad.Node) ad.Node {
	return unbroadcast(c, i, GatedMul(g, o.Local(c, i)))
}

// jvpLocal is the forward-mode rule of an element-wise operation: the sum
// over inputs of the tangent times the local derivative.
func jvpLocal(o elementwise, c ad.Node, t []ad.Node) ad.Node {
	var sum ad.Node
	for i, ti := range t {
		if ti.Valid() {
			sum = addTangents(sum, GatedMul(ti, o.Local(c, i)))
		}
	}
	return fit(sum, c)
}

// addTangents adds two tangents, either of which may be the zero Node.
func addTangents(a, b ad.Node) ad.Node {
	switch {
	case !a.Valid():
		return b
	case !b.Valid():
		return a
	}
	return Add(a, b)
}

// fit broadcasts a tangent to consumer c's shape.
func fit(t, c ad.Node) ad.Node {
	if !t.Valid() {
		return t
	}
	return BroadcastTo(t, c.Shape())
}

// orZeros returns t, or zeros shaped like x if t is the zero Node.
func orZeros(t, x ad.Node) ad.Node {
	if t.Valid() {
		return t
	}
	return x.Graph().Const(tensor.New(x.DType(), x.Shape()...))
}
