package ops

import (
	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

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
