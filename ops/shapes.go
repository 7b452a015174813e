package ops

import (
	"slices"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// The shapes family: operations that move or copy elements, and the sums
// that undo broadcasting. All are linear, so each one's forward-mode rule
// is the operation itself applied to the tangent, and its bprop is its
// adjoint, stated here once each (g is the upstream gradient):
//
//	reshape(x, s)       reshape(g, shape(x))
//	transpose(x, p)     transpose(g, p⁻¹)
//	broadcast(x, s)     sumto(g, shape(x))
//	sumto(x, s)         broadcast(g, shape(x))
//	slice(x, r)         embed(g, shape(x), r)
//	embed(x, s, r)      slice(g, r)
//	concat(x₀, x₁, …)   for xᵢ, the slice of g where xᵢ was put
//	cumsum(x, k)        cumsum(g, k) reversed: element i gets Σ_{j≥i} g_j
//
// The adjoint pairs broadcast/sumto, slice/embed and the running sums
// forwards and backwards are one operation each, in two directions.

// Reshape returns x with a new shape of the same size; one size may be -1
// and is inferred. Its bprop reshapes the gradient back. Reshape panics
// with a *tensor.ShapeError if the sizes differ.
func Reshape(x ad.Node, shape ...int) ad.Node {
	return ad.Apply1(reshapeOpFor(shape), x)
}

type reshapeOp struct{ shape tensor.Shape }

func (o *reshapeOp) String() string { return "reshape" }

func (o *reshapeOp) Forward(x []*tensor.Tensor) *tensor.Tensor {
	return tensor.Reshape(x[0], o.shape...)
}

func (o *reshapeOp) ForwardWith(a tensor.Alloc, x []*tensor.Tensor) *tensor.Tensor {
	return tensor.ReshapeWith(a, x[0], o.shape...)
}

func (o *reshapeOp) Bprop(c ad.Node, _ int, g ad.Node) ad.Node {
	return Reshape(g, c.Input(0).Shape()...)
}

func (o *reshapeOp) JVP(_ ad.Node, t []ad.Node) ad.Node { return ad.Apply1(o, t[0]) }

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
	return ad.Apply1(transposeOpFor(perm), x)
}

type transposeOp struct{ perm []int }

func (o *transposeOp) String() string { return "transpose" }

func (o *transposeOp) Forward(x []*tensor.Tensor) *tensor.Tensor {
	return tensor.Transpose(x[0], o.perm...)
}

func (o *transposeOp) ForwardWith(a tensor.Alloc, x []*tensor.Tensor) *tensor.Tensor {
	return tensor.TransposeWith(a, x[0], o.perm...)
}

func (o *transposeOp) Bprop(_ ad.Node, _ int, g ad.Node) ad.Node {
	return Transpose(g, tensor.InversePerm(o.perm)...)
}

func (o *transposeOp) JVP(_ ad.Node, t []ad.Node) ad.Node { return ad.Apply1(o, t[0]) }

// BroadcastTo returns x broadcast to shape under NumPy's rules. Its bprop
// sums the gradient back to x's shape. It returns x itself if x already has
// that shape, and panics with a *tensor.ShapeError if x cannot be
// broadcast to shape.
func BroadcastTo(x ad.Node, shape tensor.Shape) ad.Node { return spread(x, shape, false) }

// SumTo sums x over the axes along which shape was broadcast to x's shape:
// the adjoint of BroadcastTo. Its bprop broadcasts the gradient back. It
// returns x itself if x already has that shape, and panics with a
// *tensor.ShapeError if shape does not broadcast to x's shape.
func SumTo(x ad.Node, shape tensor.Shape) ad.Node { return spread(x, shape, true) }

// spreadOp is BroadcastTo, or with sum its adjoint SumTo.
type spreadOp struct {
	shape tensor.Shape
	sum   bool
}

func spread(x ad.Node, shape tensor.Shape, sum bool) ad.Node {
	if x.Shape().Equal(shape) {
		return x
	}
	return ad.Apply1(spreadOpFor(shape, sum), x)
}

func (o *spreadOp) String() string {
	if o.sum {
		return "sumto"
	}
	return "broadcast"
}

func (o *spreadOp) Forward(x []*tensor.Tensor) *tensor.Tensor {
	if o.sum {
		return tensor.SumTo(x[0], o.shape...)
	}
	return tensor.BroadcastTo(x[0], o.shape...)
}

func (o *spreadOp) ForwardWith(a tensor.Alloc, x []*tensor.Tensor) *tensor.Tensor {
	if o.sum {
		return tensor.SumToWith(a, x[0], o.shape...)
	}
	return tensor.BroadcastToWith(a, x[0], o.shape...)
}

func (o *spreadOp) Bprop(c ad.Node, _ int, g ad.Node) ad.Node {
	return spread(g, c.Input(0).Shape(), !o.sum)
}

func (o *spreadOp) JVP(_ ad.Node, t []ad.Node) ad.Node { return ad.Apply1(o, t[0]) }

// Slice returns the part of x selected by ranges, one per leading axis;
// axes without a range are taken whole. Its bprop writes the gradient into
// zeros of x's shape (Embed). Slice panics with a *tensor.ShapeError if a
// range is out of bounds.
func Slice(x ad.Node, ranges ...tensor.Range) ad.Node {
	return ad.Apply1(&sliceOp{ranges: slices.Clone(ranges)}, x)
}

// Embed returns zeros of the given shape with x written where ranges
// select: the adjoint of Slice. Its bprop slices the gradient. Embed panics
// with a *tensor.ShapeError if x does not fit the selection.
func Embed(x ad.Node, shape tensor.Shape, ranges ...tensor.Range) ad.Node {
	return ad.Apply1(&sliceOp{ranges: slices.Clone(ranges), embed: true, shape: shape.Clone()}, x)
}

// sliceOp is Slice, or with embed its adjoint Embed into zeros of shape.
type sliceOp struct {
	ranges []tensor.Range
	embed  bool
	shape  tensor.Shape
}

func (o *sliceOp) String() string {
	if o.embed {
		return "embed"
	}
	return "slice"
}

func (o *sliceOp) Forward(x []*tensor.Tensor) *tensor.Tensor {
	if o.embed {
		return tensor.Embed(x[0], o.shape, o.ranges...)
	}
	return tensor.Slice(x[0], o.ranges...)
}

func (o *sliceOp) Bprop(c ad.Node, _ int, g ad.Node) ad.Node {
	if o.embed {
		return Slice(g, o.ranges...)
	}
	return Embed(g, c.Input(0).Shape(), o.ranges...)
}

func (o *sliceOp) JVP(_ ad.Node, t []ad.Node) ad.Node { return ad.Apply1(o, t[0]) }

// Concat joins xs along axis; their other sizes must be equal. Its bprop
// hands each input its slice of the gradient. Concat panics with a
// *tensor.ShapeError if the shapes do not fit.
func Concat(axis int, xs ...ad.Node) ad.Node {
	if len(xs) == 1 {
		return xs[0]
	}
	if len(xs) > 0 {
		axis = tensor.NormAxes("Concat", []int{axis}, xs[0].Shape())[0]
	}
	return ad.Apply(&concatOp{axis: axis}, xs...)
}

// Stack joins xs, which share one shape, along a new axis at position
// axis. It is Concat of the inputs reshaped with a size-1 axis.
func Stack(axis int, xs ...ad.Node) ad.Node {
	if len(xs) == 0 {
		panic(&tensor.ShapeError{Op: "Stack", Reason: "no inputs"})
	}
	r := len(xs[0].Shape())
	if axis < 0 {
		axis += r + 1
	}
	if axis < 0 || axis > r {
		panic(&tensor.ShapeError{Op: "Stack", Shapes: []tensor.Shape{xs[0].Shape()}, Reason: "axis out of range"})
	}
	parts := make([]ad.Node, len(xs))
	for i, x := range xs {
		if !x.Shape().Equal(xs[0].Shape()) {
			panic(&tensor.ShapeError{Op: "Stack", Shapes: []tensor.Shape{xs[0].Shape(), x.Shape()}})
		}
		parts[i] = Reshape(x, slices.Insert(x.Shape().Clone(), axis, 1)...)
	}
	return ad.Apply(&concatOp{axis: axis}, parts...)
}

type concatOp struct{ axis int }

func (o *concatOp) String() string { return "concat" }

func (o *concatOp) Forward(x []*tensor.Tensor) *tensor.Tensor {
	return tensor.Concat(o.axis, x...)
}

func (o *concatOp) Bprop(c ad.Node, i int, g ad.Node) ad.Node {
	start := 0
	for j := range i {
		start += c.Input(j).Shape()[o.axis]
	}
	ranges := make([]tensor.Range, o.axis+1)
	for a := range o.axis {
		ranges[a] = tensor.Range{Start: 0, Stop: g.Shape()[a]}
	}
	ranges[o.axis] = tensor.Range{Start: start, Stop: start + c.Input(i).Shape()[o.axis]}
	return Slice(g, ranges...)
}

// JVP concatenates the tangents, with zeros for inputs that have none.
func (o *concatOp) JVP(c ad.Node, t []ad.Node) ad.Node {
	parts := make([]ad.Node, len(t))
	for i, ti := range t {
		parts[i] = orZeros(ti, c.Input(i))
	}
	return ad.Apply(o, parts...)
}

// CumSum returns the running sums of x along axis: element i is the sum of
// elements 0…i. Its bprop is the running sum of the gradient taken from
// the other end. Negative axes count from the end; CumSum panics with a
// *tensor.ShapeError if the axis is out of range.
func CumSum(x ad.Node, axis int) ad.Node {
	a := tensor.NormAxes("CumSum", []int{axis}, x.Shape())[0]
	return ad.Apply1(&cumsumOp{axis: a}, x)
}

// cumsumOp is CumSum, or with reverse the running sums from the end, its
// adjoint.
type cumsumOp struct {
	axis    int
	reverse bool
}

func (o *cumsumOp) String() string {
	if o.reverse {
		return "cumsum_reverse"
	}
	return "cumsum"
}

func (o *cumsumOp) Forward(x []*tensor.Tensor) *tensor.Tensor {
	return tensor.CumSum(x[0], o.axis, o.reverse)
}

func (o *cumsumOp) Bprop(_ ad.Node, _ int, g ad.Node) ad.Node {
	return ad.Apply1(&cumsumOp{axis: o.axis, reverse: !o.reverse}, g)
}

func (o *cumsumOp) JVP(_ ad.Node, t []ad.Node) ad.Node { return ad.Apply1(o, t[0]) }
