package ops

import (
	"reflect"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// Attrs describes an operation of this package for programs that
// translate graphs into other systems' formats (package export): its
// kind and the parameters that its inputs do not carry. Only the fields
// of the kind are set.
type Attrs struct {
	// Kind names the operation: the Name of its Rule for an element-wise
	// one ("sin", "add", "leaky_relu"), and otherwise one of "matmul",
	// "where", "sum", "mean", "max", "min", "prod", "logsumexp",
	// "softmax", "log_softmax", "reshape", "transpose", "broadcast",
	// "sumto", "slice", "embed", "concat", "cumsum", "cumsum_reverse",
	// "gather", "scatter_add", "index_select", "index_add", "im2col",
	// "col2im", "conv2d", "conv2d_input" and "conv2d_filter".
	Kind string
	// Elementwise is set for the operations of the rule table (Rules),
	// which broadcast their inputs.
	Elementwise bool

	// Axes are the axes of a reduction (sorted, at least one) and the one
	// axis of softmax, log_softmax, concat, cumsum, gather, scatter_add,
	// index_select and index_add.
	Axes []int
	// KeepDims keeps a reduction's axes, with size 1.
	KeepDims bool
	// Shape is the result's shape for reshape, broadcast, sumto, embed,
	// scatter_add and index_add.
	Shape tensor.Shape
	// Perm is transpose's permutation: axis i of the result is axis
	// Perm[i] of the input.
	Perm []int
	// TransA and TransB are matmul's transposes of its inputs' last two
	// axes.
	TransA, TransB bool
	// Ranges are slice's ranges of the input, one per axis, and embed's
	// ranges of the result that its input fills.
	Ranges []tensor.Range
	// Index holds the positions of gather, scatter_add, index_select and
	// index_add.
	Index *tensor.Index
	// Window and Image are the windows of im2col, col2im, the
	// convolutions and a max-pool's gather, over images of size Image
	// (height, width). The convolutions' inputs are (images, filters)
	// or (images, filters, bias [O]) for conv2d, (gradients, filters) for
	// conv2d_input, whose result is
	// images, and (images, gradients) for conv2d_filter, whose result is
	// filters (see tensor.Conv2d, tensor.Conv2dInput and
	// tensor.Conv2dFilter).
	Window tensor.Window
	Image  [2]int
	// Groups is the convolutions' number of groups.
	Groups int
	// MaxPool marks the gather of MaxPool2d, from images flattened to
	// [N·C H·W], and the scatter_add and gather of its derivatives: Index
	// holds the position of each window's maximum, which the values
	// decided (the first of equal ones); Window and Image describe the
	// windows. That Index lives in the graph's recycled storage
	// (ad.Graph.Ints): it is valid until the graph's next Reset.
	MaxPool bool
}

// Describe returns the description of op, and false if op is not an
// operation of this package.
func Describe(op ad.Op) (Attrs, bool) {
	switch o := op.(type) {
	case matmulOp:
		return Attrs{Kind: "matmul", TransA: o.ta, TransB: o.tb}, true
	case whereOp:
		return Attrs{Kind: "where"}, true
	case *reduceOp:
		return Attrs{Kind: reductions[o.kind].name, Axes: o.axes, KeepDims: o.keep}, true
	case *normOp:
		return Attrs{Kind: normalisations[o.kind].name, Axes: []int{o.axis}}, true
	case *reshapeOp:
		return Attrs{Kind: "reshape", Shape: o.shape}, true
	case *transposeOp:
		return Attrs{Kind: "transpose", Perm: o.perm}, true
	case *spreadOp:
		return Attrs{Kind: o.String(), Shape: o.shape}, true
	case *sliceOp:
		a := Attrs{Kind: o.String(), Ranges: o.ranges}
		if o.embed {
			a.Shape = o.shape
		}
		return a, true
	case *concatOp:
		return Attrs{Kind: "concat", Axes: []int{o.axis}}, true
	case *cumsumOp:
		return Attrs{Kind: o.String(), Axes: []int{o.axis}}, true
	case *gatherOp:
		a := Attrs{Kind: o.String(), Axes: []int{o.axis}, Index: o.idx}
		if o.scatter {
			a.Shape = o.shape
		}
		if o.pool != nil {
			a.MaxPool, a.Window, a.Image = true, o.pool.win, [2]int{o.pool.h, o.pool.w}
		}
		return a, true
	case *selectOp:
		a := Attrs{Kind: o.String(), Axes: []int{o.axis}, Index: o.idx}
		if o.add {
			a.Shape = o.shape
		}
		return a, true
	case *im2colOp:
		return Attrs{Kind: o.String(), Window: o.win, Image: [2]int{o.h, o.w}}, true
	case *convOp:
		return Attrs{Kind: o.String(), Window: o.win, Image: [2]int{o.h, o.w}, Groups: o.groups}, true
	}
	if name := op.String(); ruleNames[name] && reflect.TypeOf(op).PkgPath() == pkgPath {
		return Attrs{Kind: name, Elementwise: true}, true
	}
	return Attrs{}, false
}

// pkgPath is this package's import path.
var pkgPath = reflect.TypeOf(whereOp{}).PkgPath()

// ruleNames holds the Name of each rule.
var ruleNames = func() map[string]bool {
	m := make(map[string]bool, len(rules))
	for _, r := range rules {
		m[r.Name] = true
	}
	return m
}()
