package ops

import (
	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// The indexing family: operations that take elements or slices of x at
// integer positions (a *tensor.Index, which is never differentiated), and
// their adjoints, which add into zeros at the same positions. All are
// linear in x, so each one's forward-mode rule is itself applied to the
// tangent, and its bprop is its adjoint:
//
//	gather(x, k, idx)          scatter_add(g, k, idx, shape(x))
//	scatter_add(x, k, idx, s)  gather(g, k, idx)
//	index_select(x, k, idx)    index_add(g, k, idx, shape(x))
//	index_add(x, k, idx, s)    index_select(g, k, idx)
//
// Each pair is one operation in two directions. Embedding is
// index_select of rows; ArgMax, ArgMin and OneHot give indices and masks,
// which carry no gradient.

// Gather takes elements of x along axis at the positions idx gives, as
// NumPy's take_along_axis (see tensor.Gather): the log-probabilities of
// the labels are Gather(logp, 1, labels) for labels of shape [n 1]. Its
// bprop adds the gradient back at those positions (ScatterAdd). Gather
// panics with a *tensor.ShapeError if the shapes do not fit or an index is
// out of range.
func Gather(x ad.Node, axis int, idx *tensor.Index) ad.Node {
	a := tensor.NormAxis("Gather", axis, x.Shape())
	return ad.Apply1(gatherOpFor(a, idx, false, nil), x)
}

// ScatterAdd returns zeros of the given shape with the elements of x added
// along axis at the positions idx gives: the adjoint of Gather (see
// tensor.ScatterAdd). Its bprop gathers the gradient.
func ScatterAdd(x ad.Node, axis int, idx *tensor.Index, shape tensor.Shape) ad.Node {
	a := tensor.NormAxis("ScatterAdd", axis, shape)
	return ad.Apply1(gatherOpFor(a, idx, true, shape), x)
}

// gatherOp is Gather, or with scatter its adjoint ScatterAdd into zeros of
// shape.
type gatherOp struct {
	axis    int
	idx     *tensor.Index
	scatter bool
	shape   tensor.Shape
	pool    *maxPool // for MaxPool2d's gathers and their adjoints
	// found, for MaxPool2d's gather, holds the maxima that
	// tensor.MaxPoolInto took along with their positions from from, the
	// images: the gather's result when applied to from itself.
	found, from *tensor.Tensor
}

// maxPool marks the gathers of MaxPool2d and their adjoints: idx holds
// the position of each window's maximum in images of size h×w, found from
// the values, so that a translation (package export) can find them again
// from the image.
type maxPool struct {
	win  tensor.Window
	h, w int
}

// adjoint returns the adjoint of o, the scatter of a gather and the gather
// of a scatter, with shape the scatter's result.
func (o *gatherOp) adjoint(shape tensor.Shape) *gatherOp {
	if o.pool != nil {
		return &gatherOp{axis: o.axis, idx: o.idx, scatter: !o.scatter, shape: shape.Clone(), pool: o.pool}
	}
	return gatherOpFor(o.axis, o.idx, !o.scatter, shape)
}

func (o *gatherOp) String() string {
	if o.scatter {
		return "scatter_add"
	}
	return "gather"
}

func (o *gatherOp) Forward(x []*tensor.Tensor) *tensor.Tensor { return o.ForwardWith(nil, x) }

func (o *gatherOp) ForwardWith(a tensor.Alloc, x []*tensor.Tensor) *tensor.Tensor {
	if o.found != nil && x[0] == o.from {
		return o.found
	}
	if o.scatter {
		return tensor.ScatterAddWith(a, x[0], o.axis, o.idx, o.shape)
	}
	return tensor.GatherWith(a, x[0], o.axis, o.idx)
}

func (o *gatherOp) Bprop(c ad.Node, _ int, g ad.Node) ad.Node {
	if o.scatter {
		return ad.Apply1(o.adjoint(nil), g)
	}
	return ad.Apply1(o.adjoint(c.Input(0).Shape()), g)
}

func (o *gatherOp) JVP(_ ad.Node, t []ad.Node) ad.Node { return ad.Apply1(o, t[0]) }

// IndexSelect returns the slices of x along axis at the positions of the
// vector idx (see tensor.IndexSelect). Its bprop adds the gradient's
// slices back at those positions (IndexAdd), so a slice selected twice
// gets both.
func IndexSelect(x ad.Node, axis int, idx *tensor.Index) ad.Node {
	a := tensor.NormAxes("IndexSelect", []int{axis}, x.Shape())[0]
	return ad.Apply1(&selectOp{axis: a, idx: idx}, x)
}

// IndexAdd returns zeros of the given shape with slice j of x along axis
// added at position idx[j]: the adjoint of IndexSelect. Its bprop selects
// the gradient's slices.
func IndexAdd(x ad.Node, axis int, idx *tensor.Index, shape tensor.Shape) ad.Node {
	a := tensor.NormAxes("IndexAdd", []int{axis}, shape)[0]
	return ad.Apply1(&selectOp{axis: a, idx: idx, add: true, shape: shape.Clone()}, x)
}

// selectOp is IndexSelect, or with add its adjoint IndexAdd into zeros of
// shape.
type selectOp struct {
	axis  int
	idx   *tensor.Index
	add   bool
	shape tensor.Shape
}

func (o *selectOp) String() string {
	if o.add {
		return "index_add"
	}
	return "index_select"
}

func (o *selectOp) Forward(x []*tensor.Tensor) *tensor.Tensor {
	if o.add {
		return tensor.IndexAdd(x[0], o.axis, o.idx, o.shape)
	}
	return tensor.IndexSelect(x[0], o.axis, o.idx)
}

func (o *selectOp) Bprop(c ad.Node, _ int, g ad.Node) ad.Node {
	if o.add {
		return IndexSelect(g, o.axis, o.idx)
	}
	return IndexAdd(g, o.axis, o.idx, c.Input(0).Shape())
}

func (o *selectOp) JVP(_ ad.Node, t []ad.Node) ad.Node { return ad.Apply1(o, t[0]) }

// Embedding looks up the rows of weight, a [vocabulary, dimension] table,
// for each id: the result has ids' shape with the dimension added. Its
// bprop adds each row's gradient into the rows looked up, a row looked up
// twice getting both. Embedding panics with a *tensor.ShapeError if
// weight is not a matrix or an id is out of range.
func Embedding(weight ad.Node, ids *tensor.Index) ad.Node {
	ws := weight.Shape()
	if len(ws) != 2 {
		panic(&tensor.ShapeError{Op: "Embedding", Shapes: []tensor.Shape{ws}, Reason: "the table must be a matrix [vocabulary, dimension]"})
	}
	if ids == nil {
		panic(&tensor.ShapeError{Op: "Embedding", Reason: "nil Index"})
	}
	flat := tensor.NewIndex(ids.Data())
	rows := IndexSelect(weight, 0, flat)
	return Reshape(rows, append(ids.Shape().Clone(), ws[1])...)
}

// ArgMax returns the positions of the largest elements of x's value along
// axis (see tensor.ArgMax). Positions are not differentiable: the result
// is an index, not a node.
func ArgMax(x ad.Node, axis int) *tensor.Index { return tensor.ArgMax(x.Value(), axis) }

// ArgMin returns the positions of the smallest elements of x's value
// along axis, as ArgMax.
func ArgMin(x ad.Node, axis int) *tensor.Index { return tensor.ArgMin(x.Value(), axis) }

// OneHot records idx as a constant of like's graph, with a new last axis of
// size n: 1 at each index's position and 0 elsewhere, of like's element
// type. It carries no gradient.
func OneHot(like ad.Node, idx *tensor.Index, n int) ad.Node {
	return like.Graph().Const(tensor.OneHot(idx, n, like.DType()))
}
