package ops

import (
	"fmt"
	"math/bits"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// A convolution is one operation, conv2d, bilinear in its images and its
// filters; its two adjoints, conv2d_input (in the images) and
// conv2d_filter (in the filters), are its bprops, and each of the three is
// a bprop of the others, so the derivatives hold to any order:
//
//	y = conv2d(x, f)        x̄ = conv2d_input(ȳ, f)   f̄ = conv2d_filter(x, ȳ)
//	x = conv2d_input(g, f)  ḡ = conv2d(x̄, f)          f̄ = conv2d_filter(x̄, g)
//	f = conv2d_filter(x, g) x̄ = conv2d_input(g, f̄)   ḡ = conv2d(x, f̄)
//
// (each from ⟨ȳ, conv2d(x, f)⟩ = ⟨conv2d_input(ȳ, f), x⟩ =
// ⟨conv2d_filter(x, ȳ), f⟩). The tensor kernels multiply each image's
// windows by the filters with the fast matrix multiply, one image at a
// time. Average-pooling takes the windows of its input with one linear
// operation, im2col, whose bprop is its adjoint col2im and back, and
// averages them with Mean. Max-pooling gathers each window's largest
// element (Gather at the positions tensor.MaxPoolInto finds along with
// the maxima), so its gradient is Gather's.

// Pad returns x with zeros added before and after each of its leading
// axes: pads[i] is the number before and after axis i. Its bprop slices the
// gradient back. Pad panics with a *tensor.ShapeError if a width is
// negative or there are more widths than axes.
func Pad(x ad.Node, pads ...[2]int) ad.Node {
	s := x.Shape()
	if len(pads) > len(s) {
		panic(&tensor.ShapeError{Op: "Pad", Shapes: []tensor.Shape{s}, Reason: fmt.Sprintf("%d widths for rank %d", len(pads), len(s))})
	}
	shape := s.Clone()
	ranges := make([]tensor.Range, len(pads))
	pad := false
	for i, p := range pads {
		if p[0] < 0 || p[1] < 0 {
			panic(&tensor.ShapeError{Op: "Pad", Shapes: []tensor.Shape{s}, Reason: fmt.Sprintf("negative width %v on axis %d", p, i)})
		}
		shape[i] += p[0] + p[1]
		ranges[i] = tensor.Range{Start: p[0], Stop: p[0] + s[i]}
		pad = pad || p != [2]int{}
	}
	if !pad {
		return x
	}
	return Embed(x, shape, ranges...)
}

// Conv2dOptions are the stride, padding (zeros on each side), dilation and
// groups of a 2-d convolution, each [height, width]. Zero values mean
// stride 1, no padding, dilation 1 and one group, as PyTorch's defaults.
type Conv2dOptions struct {
	Stride, Padding, Dilation [2]int
	Groups                    int
}

// Conv2d returns the 2-d cross-correlation of x, [N C H W], with the
// filters w, [O C/groups kH kW], as PyTorch's conv2d without bias:
// [N O H' W'] with H' = (H + 2·padding - dilation·(kH - 1) - 1)/stride + 1,
// likewise W'. Groups split the channels: output channels of group k see
// only input channels of group k. It panics with a *tensor.ShapeError if
// the shapes or options do not fit.
func Conv2d(x, w ad.Node, opt Conv2dOptions) ad.Node { return conv2d("Conv2d", x, w, ad.Node{}, opt) }

// Conv2dBias is Conv2d plus the bias b, [O], for each output channel,
// added as the convolution computes each image: PyTorch's conv2d with a
// bias. The bias's gradient is the upstream gradient summed over the
// images and their positions. It panics with a *tensor.ShapeError if the
// shapes or options do not fit.
func Conv2dBias(x, w, b ad.Node, opt Conv2dOptions) ad.Node {
	if !b.Valid() {
		panic(&tensor.ShapeError{Op: "Conv2dBias", Reason: "no bias"})
	}
	return conv2d("Conv2dBias", x, w, b, opt)
}

// conv2d is Conv2d, with the bias b unless it is the zero Node; op names
// the function in errors.
func conv2d(op string, x, w, b ad.Node, opt Conv2dOptions) ad.Node {
	xs, ws := x.Shape(), w.Shape()
	if opt.Groups < 0 {
		panic(&tensor.ShapeError{Op: op, Shapes: []tensor.Shape{xs, ws}, Reason: fmt.Sprintf("%d groups", opt.Groups)})
	}
	g := max(opt.Groups, 1)
	if len(xs) != 4 || len(ws) != 4 {
		panic(&tensor.ShapeError{Op: op, Shapes: []tensor.Shape{xs, ws}, Reason: "want an input [N C H W] and filters [O C/groups kH kW]"})
	}
	// The channels, groups and bias are checked by tensor.Conv2d, which
	// records the node.
	stride, dilation := opt.Stride, opt.Dilation
	for i := range 2 {
		if stride[i] == 0 {
			stride[i] = 1 // negative ones are refused by checkWindows
		}
		if dilation[i] == 0 {
			dilation[i] = 1
		}
	}
	kernel := [2]int{ws[2], ws[3]}
	checkWindows(op, xs, kernel, stride, opt.Padding, dilation)
	win := tensor.Window{Kernel: kernel, Stride: stride, Padding: opt.Padding, Dilation: dilation}
	if b.Valid() {
		return ad.Apply(convOpFor(convForward, true, win, g, xs[2], xs[3]), x, w, b)
	}
	return ad.Apply2(convOpFor(convForward, false, win, g, xs[2], xs[3]), x, w)
}

// Pool2dOptions are the window, stride and padding of a 2-d pooling, each
// [height, width]; a zero stride means the window's size, as PyTorch's
// default.
type Pool2dOptions struct {
	Kernel, Stride, Padding [2]int
}

// MaxPool2d returns the largest element of each window of x, [N C H W],
// as PyTorch's max_pool2d: padding is never chosen, the first of equal
// elements wins and NaN wins over any number. The maxima are a gather
// from x at the positions tensor.MaxPoolInto finds (with the maxima, in
// the same pass), so the gradient goes to those elements (Gather's bprop)
// and is differentiable again. It
// panics with a *tensor.ShapeError if the shapes or options do not fit.
func MaxPool2d(x ad.Node, opt Pool2dOptions) ad.Node {
	return pool("MaxPool2d", x, opt, nil)
}

// AvgPool2d returns the mean of each window of x, [N C H W], as PyTorch's
// avg_pool2d with its defaults: padding counts as zeros in the mean. It
// panics with a *tensor.ShapeError if the shapes or options do not fit.
func AvgPool2d(x ad.Node, opt Pool2dOptions) ad.Node {
	return pool("AvgPool2d", x, opt, func(p ad.Node) ad.Node { return Mean(p, 2) })
}

// pool takes the windows of x and reduces each with reduce, or with nil
// gathers each window's largest element.
func pool(op string, x ad.Node, opt Pool2dOptions, reduce func(ad.Node) ad.Node) ad.Node {
	xs := x.Shape()
	if len(xs) != 4 {
		panic(&tensor.ShapeError{Op: op, Shapes: []tensor.Shape{xs}, Reason: "want an input [N C H W]"})
	}
	stride := opt.Stride
	for i := range 2 {
		if stride[i] == 0 {
			stride[i] = opt.Kernel[i] // PyTorch's default: the window
		}
	}
	if xs[2] == 0 || xs[3] == 0 {
		panic(&tensor.ShapeError{Op: op, Shapes: []tensor.Shape{xs}, Reason: "an empty image has no windows"})
	}
	for i := range 2 {
		if opt.Padding[i] > opt.Kernel[i]/2 {
			panic(&tensor.ShapeError{Op: op, Shapes: []tensor.Shape{xs}, Reason: fmt.Sprintf("padding %v is more than half the window %v", opt.Padding, opt.Kernel)})
		}
	}
	n, c := xs[0], xs[1]
	if reduce == nil {
		ho, wo := checkWindows(op, xs, opt.Kernel, stride, opt.Padding, [2]int{1, 1})
		win := tensor.Window{Kernel: opt.Kernel, Stride: stride, Padding: opt.Padding, Dilation: [2]int{1, 1}}
		// The positions and the maxima in one pass over the images; the
		// gather then returns those maxima, in storage that the graph
		// recycles, as the positions.
		g := x.Graph()
		planes := Reshape(x, n*c, xs[2]*xs[3])
		found := g.Tensor(x.DType(), n*c, ho*wo)
		idx := tensor.MaxPoolInto(g.Ints(n*c*ho*wo), found, x.Value(), win)
		op := &gatherOp{axis: 1, idx: idx, pool: &maxPool{win: win, h: xs[2], w: xs[3]}, found: found, from: planes.Value()}
		return Reshape(ad.Apply1(op, planes), n, c, ho, wo)
	}
	cols, ho, wo := windows(op, x, opt.Kernel, stride, opt.Padding, [2]int{1, 1})
	patches := Reshape(cols, n, c, opt.Kernel[0]*opt.Kernel[1], ho*wo)
	return Reshape(reduce(patches), n, c, ho, wo)
}

// windows pads x, [N C H W], and takes its windows of size kernel, with
// stride and dilation: [N C kH·kW·H'·W'], the window offsets outer and the
// output positions inner, and H', W'.
func windows(op string, x ad.Node, kernel, stride, padding, dilation [2]int) (ad.Node, int, int) {
	xs := x.Shape()
	for i := range 2 {
		if stride[i] == 0 {
			stride[i] = 1 // negative ones are refused by checkWindows
		}
		if dilation[i] == 0 {
			dilation[i] = 1
		}
	}
	ho, wo := checkWindows(op, xs, kernel, stride, padding, dilation)
	win := tensor.Window{Kernel: kernel, Stride: stride, Padding: padding, Dilation: dilation}
	cols := ad.Apply1(&im2colOp{win: win, h: xs[2], w: xs[3]}, x)
	return Reshape(cols, xs[0], xs[1], -1), ho, wo
}

// checkWindows checks the geometry of windows over images of shape xs,
// [N C H W], with positive strides and dilations, and returns the number
// of windows down and across.
func checkWindows(op string, xs tensor.Shape, kernel, stride, padding, dilation [2]int) (int, int) {
	for i := range 2 {
		if stride[i] == 0 {
			stride[i] = 1
		}
		if dilation[i] == 0 {
			dilation[i] = 1
		}
		if kernel[i] < 1 || stride[i] < 1 || dilation[i] < 1 || padding[i] < 0 {
			panic(&tensor.ShapeError{Op: op, Shapes: []tensor.Shape{xs}, Reason: fmt.Sprintf("window %v, stride %v, dilation %v and padding %v must be positive (padding may be 0)", kernel, stride, dilation, padding)})
		}
	}
	if xs[2] == 0 || xs[3] == 0 {
		panic(&tensor.ShapeError{Op: op, Shapes: []tensor.Shape{xs}, Reason: "an empty image has no windows"})
	}
	for i := range 2 {
		// Sizes beyond any image: refused before they overflow.
		if kernel[i] > tensor.MaxSize || dilation[i] > tensor.MaxSize || padding[i] > tensor.MaxSize || (kernel[i]-1) > tensor.MaxSize/dilation[i] {
			panic(&tensor.ShapeError{Op: op, Shapes: []tensor.Shape{xs}, Reason: fmt.Sprintf("window %v, dilation %v or padding %v beyond any image", kernel, dilation, padding)})
		}
	}
	hp, wp := xs[2]+2*padding[0], xs[3]+2*padding[1]
	span := [2]int{dilation[0]*(kernel[0]-1) + 1, dilation[1]*(kernel[1]-1) + 1}
	if span[0] > hp || span[1] > wp {
		panic(&tensor.ShapeError{Op: op, Shapes: []tensor.Shape{xs}, Reason: fmt.Sprintf("a window spanning %v does not fit the padded image [%d %d]", span, hp, wp)})
	}
	return (hp-span[0])/stride[0] + 1, (wp-span[1])/stride[1] + 1
}

// im2colOp takes the windows of [N C H W] images as columns (Im2Col), or
// with back adds such columns into images (Col2Im): each is linear and the
// other's adjoint, so each one's bprop is the other, to any order.
type im2colOp struct {
	win  tensor.Window
	h, w int // the images' size
	back bool
}

func (o *im2colOp) String() string {
	if o.back {
		return "col2im"
	}
	return "im2col"
}

func (o *im2colOp) Forward(x []*tensor.Tensor) *tensor.Tensor { return o.ForwardWith(nil, x) }

func (o *im2colOp) ForwardWith(a tensor.Alloc, x []*tensor.Tensor) *tensor.Tensor {
	if o.back {
		return tensor.Col2ImWith(a, x[0], o.win, o.h, o.w)
	}
	return tensor.Im2ColWith(a, x[0], o.win)
}

func (o *im2colOp) Bprop(_ ad.Node, _ int, g ad.Node) ad.Node {
	return ad.Apply1(&im2colOp{win: o.win, h: o.h, w: o.w, back: !o.back}, g)
}

func (o *im2colOp) JVP(_ ad.Node, t []ad.Node) ad.Node { return ad.Apply1(o, t[0]) }

// convKind is which of a convolution's operations a convOp is.
type convKind uint8

const (
	convForward convKind = iota // conv2d(images, filters)
	convInput                   // conv2d_input(gradients, filters): the adjoint in the images
	convFilter                  // conv2d_filter(images, gradients): the adjoint in the filters
)

// convOp is a 2-d convolution of images of size h×w, with a bias as
// its third input if bias, or one of its adjoints (see the table at the
// head of this file).
type convOp struct {
	kind   convKind
	bias   bool
	win    tensor.Window
	groups int
	h, w   int
}

// convOpFor returns the convOp of these parameters, interned where they
// fit a key.
func convOpFor(kind convKind, bias bool, win tensor.Window, groups, h, w int) *convOp {
	mk := func() ad.Op { return &convOp{kind: kind, bias: bias, win: win, groups: groups, h: h, w: w} }
	// Each pair packs into one int: half its bits each.
	const half = bits.UintSize/2 - 1
	pairs := [][2]int{win.Kernel, win.Stride, win.Padding, win.Dilation, {h, w}}
	k := internKey{kind: internConv, sub: uint8(kind), flag: bias, n: groups}
	for i, p := range pairs {
		if p[0] < 0 || p[1] < 0 || p[0] >= 1<<half || p[1] >= 1<<half {
			return mk().(*convOp)
		}
		k.d[i] = p[0]<<half | p[1]
	}
	return intern(k, mk).(*convOp)
}

func (o *convOp) String() string {
	return [...]string{"conv2d", "conv2d_input", "conv2d_filter"}[o.kind]
}

func (o *convOp) Arity() int {
	if o.bias {
		return 3
	}
	return 2
}

func (o *convOp) Forward(x []*tensor.Tensor) *tensor.Tensor { return o.ForwardWith(nil, x) }

func (o *convOp) ForwardWith(a tensor.Alloc, x []*tensor.Tensor) *tensor.Tensor {
	switch o.kind {
	case convForward:
		var bias *tensor.Tensor
		if o.bias {
			bias = x[2]
		}
		return tensor.Conv2dWith(a, x[0], x[1], bias, o.win, o.groups)
	case convInput:
		return tensor.Conv2dInputWith(a, x[0], x[1], o.win, o.groups, o.h, o.w)
	}
	return tensor.Conv2dFilterWith(a, x[0], x[1], o.win, o.groups)
}

// apply records the operation kind of o's family, without a bias, on p
// and q.
func (o *convOp) apply(kind convKind, p, q ad.Node) ad.Node {
	return ad.Apply2(convOpFor(kind, false, o.win, o.groups, o.h, o.w), p, q)
}

// Bprop is the table at the head of this file; a bias's gradient is g
// summed over the images and their positions.
func (o *convOp) Bprop(c ad.Node, i int, g ad.Node) ad.Node {
	a, b := c.Input(0), c.Input(1)
	switch {
	case i == 2:
		return Sum(g, 0, 2, 3)
	case o.kind == convForward && i == 0:
		return o.apply(convInput, g, b)
	case o.kind == convForward:
		return o.apply(convFilter, a, g)
	case o.kind == convInput && i == 0:
		return o.apply(convForward, g, b)
	case o.kind == convInput:
		return o.apply(convFilter, g, a)
	case i == 0:
		return o.apply(convInput, b, g)
	}
	return o.apply(convForward, a, g)
}

// JVP is the product rule of a bilinear operation, op(ṫa, b) + op(a,
// ṫb), plus a bias's tangent.
func (o *convOp) JVP(c ad.Node, t []ad.Node) ad.Node {
	var sum ad.Node
	if t[0].Valid() {
		sum = o.apply(o.kind, t[0], c.Input(1))
	}
	if t[1].Valid() {
		sum = addTangents(sum, o.apply(o.kind, c.Input(0), t[1]))
	}
	if o.bias && t[2].Valid() {
		sum = addTangents(sum, Reshape(t[2], 1, -1, 1, 1))
	}
	return fit(sum, c)
}
