package export

import (
	"fmt"
	"math"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// This file lowers a Func to a program of primitives: a small set of
// operations that every format this package writes has, or builds from
// its own. Each operation of package ops is written here once in
// primitives (gelu as 0.5·x·(1 + erf(x/√2)), a convolution's windows as
// a gather from the padded image), so that the formats translate only
// the primitives, each in one place.

// elem is a value's element type.
type elem uint8

const (
	f32 elem = iota
	f64
	i64
	boolean
)

func (e elem) String() string { return [...]string{"float32", "float64", "int64", "bool"}[e] }

func elemOf(d tensor.DType) elem {
	if d == tensor.Float32 {
		return f32
	}
	return f64
}

// value is one value of a program: a static shape and an element type.
type value struct {
	shape tensor.Shape
	elem  elem
	batch bool // the first axis is the batch (Input.Batch), where a format allows a symbolic size
}

// prim is one primitive operation: out = op(in...), with its attributes.
//
// The primitives, with their attributes:
//
//	const (t: a tensor; or ints: int64s of shape, or num: a number of
//	       the result's element type, shape [])
//	neg abs sign floor ceil round sqrt exp log sin cos tan tanh asin
//	acos atan sigmoid erf relu isnan not: element-wise, one input
//	add sub mul div pow max min, gt ge lt le eq, and or: element-wise
//	       with broadcasting (comparisons and and/or give booleans)
//	where (cond, x, y), with broadcasting
//	matmul: batched over leading axes, with broadcasting
//	reshape (shape), transpose (perm), broadcast (shape)
//	sum mean max min prod (axes, keep): reductions
//	softmax log_softmax (axis)
//	slice (ranges), pad (lo, hi; num: the value around, 0 or -Inf),
//	concat (axis), argmax (axis: int64 positions of the first largest)
//	cumsum (axis, reverse)
//	gather_elements (axis; in: x, int64 positions of the result's shape)
//	scatter_add_elements (axis; in: zeros, positions, updates)
//	take (axis; in: x, int64 positions along axis): index_select
type prim struct {
	op  string
	in  []int
	out int

	t     *tensor.Tensor
	ints  []int64
	num   float64
	axes  []int
	keep  bool
	shape tensor.Shape
	perm  []int
	axis  int
	rev   bool
	rngs  []tensor.Range
	lo    []int
	hi    []int
}

// program is a Func lowered to primitives.
type program struct {
	name    string
	values  []value
	prims   []prim
	inputs  []int // the value of each Func input
	outputs []int // the value of each Func output
	f       *Func
	pooled  map[*tensor.Index]int // the positions of each max-pool found so far
}

func (p *program) newValue(s tensor.Shape, e elem) int {
	p.values = append(p.values, value{shape: s.Clone(), elem: e})
	return len(p.values) - 1
}

func (p *program) emit(op string, s tensor.Shape, e elem, pr prim, in ...int) int {
	pr.op, pr.in, pr.out = op, in, p.newValue(s, e)
	p.prims = append(p.prims, pr)
	return pr.out
}

// num is the number v of element type e, shape [].
func (p *program) num(v float64, e elem) int {
	return p.emit("const", nil, e, prim{num: v})
}

// int64s is a constant of int64s of shape s.
func (p *program) int64s(v []int64, s tensor.Shape) int {
	return p.emit("const", s, i64, prim{ints: v})
}

func (p *program) shape(v int) tensor.Shape { return p.values[v].shape }
func (p *program) elem(v int) elem          { return p.values[v].elem }

func (p *program) unary(op string, x int) int {
	e := p.elem(x)
	if op == "isnan" || op == "not" {
		e = boolean
	}
	return p.emit(op, p.shape(x), e, prim{}, x)
}

func (p *program) binary(op string, x, y int) int {
	s := tensor.BroadcastShapes("export", p.shape(x), p.shape(y)) // a *tensor.ShapeError, which node recovers
	e := p.elem(x)
	switch op {
	case "gt", "ge", "lt", "le", "eq", "and", "or":
		e = boolean
	}
	return p.emit(op, s, e, prim{}, x, y)
}

func (p *program) where(c, x, y int) int {
	s := tensor.BroadcastShapes("export", tensor.BroadcastShapes("export", p.shape(c), p.shape(x)), p.shape(y))
	return p.emit("where", s, p.elem(x), prim{}, c, x, y)
}

func (p *program) reshape(x int, s tensor.Shape) int {
	if p.shape(x).Equal(s) {
		return x
	}
	return p.emit("reshape", s, p.elem(x), prim{shape: s.Clone()}, x)
}

func (p *program) transpose(x int, perm []int) int {
	s := p.shape(x)
	out := make(tensor.Shape, len(perm))
	for i, a := range perm {
		out[i] = s[a]
	}
	return p.emit("transpose", out, p.elem(x), prim{perm: perm}, x)
}

// swapLast transposes the last two axes of x.
func (p *program) swapLast(x int) int {
	r := len(p.shape(x))
	perm := make([]int, r)
	for i := range perm {
		perm[i] = i
	}
	perm[r-2], perm[r-1] = perm[r-1], perm[r-2]
	return p.transpose(x, perm)
}

func (p *program) reduce(op string, x int, axes []int, keep bool) int {
	return p.emit(op, reducedShape(p.shape(x), axes, keep), p.elem(x), prim{axes: axes, keep: keep}, x)
}

func reducedShape(s tensor.Shape, axes []int, keep bool) tensor.Shape {
	out := tensor.Shape{}
	for i, d := range s {
		if contains(axes, i) {
			if keep {
				out = append(out, 1)
			}
			continue
		}
		out = append(out, d)
	}
	return out
}

func contains(xs []int, v int) bool {
	for _, x := range xs {
		if x == v {
			return true
		}
	}
	return false
}

// lower lowers f. It fails with an error naming the node whose operation
// or attributes no primitive expresses.
func lower(f *Func) (p *program, err error) {
	p = &program{name: f.Name, f: f}
	if f.Outputs[0].Node.Stale() {
		return nil, fmt.Errorf("export: %s: its graph was Reset after export.New: export before the graph is used again", f.Name)
	}
	val := map[int]int{} // the value of each graph node, by node id
	for _, in := range f.Inputs {
		var v int
		if in.Node.Valid() {
			v = p.newValue(in.Node.Shape(), elemOf(in.Node.DType()))
			val[in.Node.ID()] = v
		} else {
			v = p.newValue(in.Index.Shape(), i64)
		}
		p.values[v].batch = in.Batch
		p.inputs = append(p.inputs, v)
	}
	for _, n := range f.nodes {
		if n.IsLeaf() {
			val[n.ID()] = p.emit("const", n.Shape(), elemOf(n.DType()), prim{t: n.Value()})
			continue
		}
		in := make([]int, n.NumInputs())
		for i, x := range n.Inputs() {
			in[i] = val[x.ID()]
		}
		v, err := p.node(n, f.attrs[n.ID()], in)
		if err != nil {
			return nil, fmt.Errorf("export: %s: node %v (%s): %v", f.Name, n, n.Op(), err)
		}
		if got, want := p.shape(v), n.Shape(); !got.Equal(want) {
			return nil, fmt.Errorf("export: %s: node %v (%s): lowered to shape %v, but the graph has %v", f.Name, n, n.Op(), got, want)
		}
		val[n.ID()] = v
	}
	for _, o := range f.Outputs {
		v, ok := val[o.Node.ID()]
		if !ok {
			return nil, fmt.Errorf("export: %s: output %q has no value", f.Name, o.Name)
		}
		p.outputs = append(p.outputs, v)
	}
	return p, nil
}

// symbolicBatch marks the batch values (batchAxes) if an input is a
// batch, for a format whose shapes can leave the batch's size open.
func (p *program) symbolicBatch() error {
	for _, in := range p.f.Inputs {
		if in.Batch {
			if err := p.batchAxes(); err != nil {
				return fmt.Errorf("export: %s: the batch dimension cannot be symbolic: %v", p.name, err)
			}
			return nil
		}
	}
	return nil
}

// batchAxes marks the values whose first axis is the batch: computed from
// a batch input along its first axis. It fails where a primitive mixes
// the batch with a size fixed in the graph (a constant of the batch's
// size, as the backward pass of a mean has): the function is then right
// for the one batch size only.
func (p *program) batchAxes() error {
	b := func(v int) bool { return p.values[v].batch }
	for _, pr := range p.prims {
		out := p.values[pr.out]
		first := func(v int) bool { // v's first axis lines up with out's, at the same size
			s := p.shape(v)
			return len(s) == len(out.shape) && len(s) > 0 && s[0] == out.shape[0]
		}
		anyBatch := false
		for _, v := range pr.in {
			anyBatch = anyBatch || b(v)
		}
		if !anyBatch {
			continue
		}
		batch := false
		switch pr.op {
		case "sum", "mean", "max", "min", "prod":
			batch = !contains(pr.axes, 0)
		case "softmax", "log_softmax", "cumsum":
			batch = pr.axis != 0
		case "reshape":
			// The first axis kept at the batch's size, whatever the rank.
			s := p.shape(pr.in[0])
			batch = len(s) > 0 && len(out.shape) > 0 && s[0] == out.shape[0]
		case "broadcast":
			batch = first(pr.in[0])
		case "transpose":
			batch = pr.perm[0] == 0
		case "slice":
			r := tensor.Range{Start: 0, Stop: p.shape(pr.in[0])[0], Step: 1}
			batch = len(pr.rngs) == 0 || pr.rngs[0] == r || (pr.rngs[0].Step == 0 && pr.rngs[0].Start == 0 && pr.rngs[0].Stop == r.Stop)
		case "pad":
			batch = pr.lo[0] == 0 && pr.hi[0] == 0
		case "matmul":
			batch = b(pr.in[0]) && first(pr.in[0])
		case "concat":
			batch = pr.axis != 0
		default: // element-wise, where, gathers and scatters
			batch = true
		}
		if batch {
			// Every input whose first axis lines up with the batch at its
			// size must be the batch too.
			for _, v := range pr.in {
				if first(v) && !b(v) && p.values[v].shape[0] != 1 {
					if pr.op == "reshape" || pr.op == "broadcast" || pr.op == "transpose" || pr.op == "slice" || pr.op == "pad" {
						continue
					}
					return fmt.Errorf("%s of a batch value and a value of the batch's fixed size %v", pr.op, p.shape(v))
				}
			}
		}
		// A result of the batch's size that is not the batch (a gradient
		// spread over a batch of fixed size), except where the batch was
		// summed away and another axis has its size by chance.
		if !batch && len(out.shape) > 0 && out.shape[0] == p.batchSize() && pr.op != "matmul" && !contains(pr.axes, 0) {
			return fmt.Errorf("%s of a batch value to the fixed shape %v", pr.op, out.shape)
		}
		p.values[pr.out].batch = batch
	}
	return nil
}

// batchSize is the size of the batch inputs' first axis.
func (p *program) batchSize() int {
	for i, v := range p.inputs {
		if p.f.Inputs[i].Batch {
			return p.shape(v)[0]
		}
	}
	return -1
}

// positions returns the positions of a gather or scatter_add: for a
// max-pool's, the positions of the windows' maxima found again from the
// images x (the first gather of those positions; -1 for the others, which
// reuse them); for the others, index's.
func (p *program) positions(a ops.Attrs, x int) (int, error) {
	if !a.MaxPool {
		return p.index(a.Index), nil
	}
	if v, ok := p.pooled[a.Index]; ok {
		return v, nil
	}
	if x < 0 {
		return 0, fmt.Errorf("the positions of a max-pool's maxima, which were found from images that this function does not compute")
	}
	v := p.poolPositions(x, a.Window, a.Image)
	if p.pooled == nil {
		p.pooled = map[*tensor.Index]int{}
	}
	p.pooled[a.Index] = v
	return v, nil
}

// poolPositions finds, in images x flattened to [M H·W], the position of
// each window's maximum, the first of equal ones, as MaxPool2d does:
// [M H'·W'] int64 positions into H·W. The windows are gathered from the
// images padded with -Inf (so that padding is never the maximum), the
// first maximum of each taken (argmax), and its window offset mapped back
// to the position in the image.
func (p *program) poolPositions(x int, win tensor.Window, img [2]int) int {
	e := p.elem(x)
	m := p.shape(x)[0]
	hp, wp := img[0]+2*win.Padding[0], img[1]+2*win.Padding[1]
	ho, wo := outSize(img, win, 0), outSize(img, win, 1)
	k, l := win.Kernel[0]*win.Kernel[1], ho*wo
	padded := make([]int64, 0, k*l) // positions in the padded image
	inside := make([]int64, 0, k*l) // the same in the image
	for ki := range win.Kernel[0] {
		for kj := range win.Kernel[1] {
			for oi := range ho {
				for oj := range wo {
					r := oi*win.Stride[0] + ki*win.Dilation[0]
					q := oj*win.Stride[1] + kj*win.Dilation[1]
					padded = append(padded, int64(r*wp+q))
					inside = append(inside, int64((r-win.Padding[0])*img[1]+q-win.Padding[1]))
				}
			}
		}
	}
	images := p.reshape(x, tensor.Shape{m, img[0], img[1]})
	if win.Padding != [2]int{} {
		images = p.emit("pad", tensor.Shape{m, hp, wp}, e, prim{num: math.Inf(-1),
			lo: []int{0, win.Padding[0], win.Padding[1]}, hi: []int{0, win.Padding[0], win.Padding[1]}}, images)
	}
	flat := p.reshape(images, tensor.Shape{m, hp * wp})
	all := tensor.Shape{m, k * l}
	idx := p.emit("broadcast", all, i64, prim{shape: all}, p.int64s(padded, tensor.Shape{1, k * l}))
	windows := p.reshape(p.emit("gather_elements", all, e, prim{axis: 1}, flat, idx), tensor.Shape{m, k, l})
	first := p.emit("argmax", tensor.Shape{m, l}, i64, prim{axis: 1}, windows)
	iota := make([]int64, l)
	for i := range iota {
		iota[i] = int64(i)
	}
	at := p.binary("add", p.binary("mul", first, p.emit("const", nil, i64, prim{num: float64(l)})), p.int64s(iota, tensor.Shape{1, l}))
	table := p.emit("broadcast", all, i64, prim{shape: all}, p.int64s(inside, tensor.Shape{1, k * l}))
	return p.emit("gather_elements", tensor.Shape{m, l}, i64, prim{axis: 1}, table, at)
}

// index returns the value of an operation's positions: the input that
// holds them, reshaped to their shape, or a constant.
func (p *program) index(idx *tensor.Index) int {
	if i, ok := p.f.index[idx]; ok {
		return p.reshape(p.inputs[i], idx.Shape())
	}
	data := idx.Data()
	v := make([]int64, len(data))
	for i, d := range data {
		v[i] = int64(d)
	}
	return p.int64s(v, idx.Shape())
}

// node lowers one node with inputs in.
func (p *program) node(n ad.Node, a ops.Attrs, in []int) (v int, err error) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(error)
			if !ok {
				panic(r)
			}
			err = e
		}
	}()
	if a.Elementwise {
		return p.elementwise(a.Kind, in)
	}
	x := in[0]
	e := p.elem(x)
	switch a.Kind {
	case "matmul":
		y := in[1]
		if a.TransA {
			x = p.swapLast(x)
		}
		if a.TransB {
			y = p.swapLast(y)
		}
		return p.emit("matmul", n.Shape(), e, prim{}, x, y), nil
	case "where":
		c := in[0]
		if p.elem(c) != boolean {
			c = p.unary("not", p.binary("eq", c, p.num(0, p.elem(c))))
		}
		return p.where(c, in[1], in[2]), nil
	case "sum", "mean", "max", "min", "prod":
		return p.reduce(a.Kind, x, a.Axes, a.KeepDims), nil
	case "logsumexp":
		// m + log(sum(exp(x - m))), m the maximum (0 where it is ±Inf).
		m := p.reduce("max", x, a.Axes, true)
		inf := p.unary("abs", m)
		m = p.where(p.binary("eq", inf, p.num(math.Inf(1), e)), p.num(0, e), m)
		s := p.reduce("sum", p.unary("exp", p.binary("sub", x, m)), a.Axes, true)
		r := p.binary("add", p.unary("log", s), m)
		if !a.KeepDims {
			r = p.reshape(r, n.Shape())
		}
		return r, nil
	case "softmax", "log_softmax":
		return p.emit(a.Kind, n.Shape(), e, prim{axis: a.Axes[0]}, x), nil
	case "reshape":
		return p.reshape(x, n.Shape()), nil
	case "transpose":
		return p.transpose(x, a.Perm), nil
	case "broadcast":
		return p.emit("broadcast", n.Shape(), e, prim{shape: n.Shape().Clone()}, x), nil
	case "sumto":
		return p.sumTo(x, n.Shape()), nil
	case "slice":
		return p.emit("slice", n.Shape(), e, prim{rngs: a.Ranges}, x), nil
	case "embed":
		lo, hi := make([]int, len(a.Shape)), make([]int, len(a.Shape))
		for i, r := range a.Ranges {
			if r.Step > 1 && p.shape(x)[i] > 1 {
				return 0, fmt.Errorf("an embedding with step %d has no translation", r.Step)
			}
			lo[i], hi[i] = r.Start, a.Shape[i]-r.Start-p.shape(x)[i]
		}
		return p.emit("pad", n.Shape(), e, prim{lo: lo, hi: hi}, x), nil
	case "concat":
		return p.emit("concat", n.Shape(), e, prim{axis: a.Axes[0]}, in...), nil
	case "cumsum", "cumsum_reverse":
		return p.emit("cumsum", n.Shape(), e, prim{axis: a.Axes[0], rev: a.Kind == "cumsum_reverse"}, x), nil
	case "gather":
		idx, err := p.positions(a, x)
		if err != nil {
			return 0, err
		}
		return p.emit("gather_elements", n.Shape(), e, prim{axis: a.Axes[0]}, x, idx), nil
	case "scatter_add":
		idx, err := p.positions(a, -1)
		if err != nil {
			return 0, err
		}
		zeros := p.emit("broadcast", a.Shape, e, prim{shape: a.Shape.Clone()}, p.num(0, e))
		return p.emit("scatter_add_elements", a.Shape, e, prim{axis: a.Axes[0]}, zeros, idx, x), nil
	case "index_select":
		idx := p.index(a.Index)
		if len(a.Index.Shape()) != 1 {
			return 0, fmt.Errorf("index_select with positions of shape %v has no translation", a.Index.Shape())
		}
		return p.emit("take", n.Shape(), e, prim{axis: a.Axes[0]}, x, idx), nil
	case "index_add":
		// Each slice of x along axis adds into the result's slice at its
		// position: a scatter of elements with the positions broadcast
		// over the other axes.
		if len(a.Index.Shape()) != 1 {
			return 0, fmt.Errorf("index_add with positions of shape %v has no translation", a.Index.Shape())
		}
		xs := p.shape(x)
		axis := a.Axes[0]
		s := make(tensor.Shape, len(xs))
		for i := range s {
			s[i] = 1
		}
		s[axis] = xs[axis]
		pos := p.emit("broadcast", xs, i64, prim{shape: xs.Clone()}, p.reshape(p.index(a.Index), s))
		zeros := p.emit("broadcast", a.Shape, e, prim{shape: a.Shape.Clone()}, p.num(0, e))
		return p.emit("scatter_add_elements", a.Shape, e, prim{axis: axis}, zeros, pos, x), nil
	case "im2col":
		return p.im2col(x, a.Window, a.Image, false), nil
	case "col2im":
		return p.im2col(x, a.Window, a.Image, true), nil
	case "conv2d", "conv2d_input", "conv2d_filter":
		y := p.conv(a, n.Shape(), in[0], in[1])
		if len(in) == 3 { // conv2d's bias, one per output channel
			y = p.binary("add", y, p.reshape(in[2], tensor.Shape{1, n.Shape()[1], 1, 1}))
		}
		return y, nil
	}
	return 0, fmt.Errorf("no translation of %q", a.Kind)
}

// sumTo sums x over the axes that broadcasting to its shape added or
// spread, leaving shape s.
func (p *program) sumTo(x int, s tensor.Shape) int {
	xs := p.shape(x)
	lead := len(xs) - len(s)
	var axes []int
	for i := range xs {
		if i < lead || (s[i-lead] == 1 && xs[i] != 1) {
			axes = append(axes, i)
		}
	}
	if len(axes) == 0 {
		return p.reshape(x, s)
	}
	return p.reshape(p.reduce("sum", x, axes, true), s)
}

// im2col takes the windows of images x, [N C H W], as columns
// [N C kH·kW H'·W'] (the layout of tensor.Im2Col: for each channel, the
// window offsets outer and the output positions inner), as a gather from
// the padded images flattened to [N C Hp·Wp]; with back, it is the
// adjoint, col2im, which adds columns into images: a scatter-add into the
// padded images, then their inside.
func (p *program) im2col(x int, win tensor.Window, img [2]int, back bool) int {
	e := p.elem(x)
	n, c := p.shape(x)[0], p.shape(x)[1]
	hp, wp := img[0]+2*win.Padding[0], img[1]+2*win.Padding[1]
	ho, wo := outSize(img, win, 0), outSize(img, win, 1)
	kh, kw := win.Kernel[0], win.Kernel[1]
	cols := kh * kw * ho * wo
	pos := make([]int64, 0, cols)
	for ki := range kh {
		for kj := range kw {
			for oi := range ho {
				for oj := range wo {
					r := oi*win.Stride[0] + ki*win.Dilation[0]
					q := oj*win.Stride[1] + kj*win.Dilation[1]
					pos = append(pos, int64(r*wp+q))
				}
			}
		}
	}
	idx := p.int64s(pos, tensor.Shape{1, 1, cols})
	full := tensor.Shape{n, c, cols}
	idx = p.emit("broadcast", full, i64, prim{shape: full}, idx)
	if !back {
		padded := x
		if win.Padding != [2]int{} {
			padded = p.emit("pad", tensor.Shape{n, c, hp, wp}, e, prim{lo: []int{0, 0, win.Padding[0], win.Padding[1]}, hi: []int{0, 0, win.Padding[0], win.Padding[1]}}, x)
		}
		flat := p.reshape(padded, tensor.Shape{n, c, hp * wp})
		g := p.emit("gather_elements", full, e, prim{axis: 2}, flat, idx)
		return p.reshape(g, tensor.Shape{n, c, kh * kw, ho * wo})
	}
	updates := p.reshape(x, full)
	zs := tensor.Shape{n, c, hp * wp}
	zeros := p.emit("broadcast", zs, e, prim{shape: zs}, p.num(0, e))
	sum := p.emit("scatter_add_elements", zs, e, prim{axis: 2}, zeros, idx, updates)
	images := p.reshape(sum, tensor.Shape{n, c, hp, wp})
	if win.Padding == [2]int{} {
		return images
	}
	return p.emit("slice", tensor.Shape{n, c, img[0], img[1]}, e, prim{rngs: []tensor.Range{
		{Start: 0, Stop: n, Step: 1}, {Start: 0, Stop: c, Step: 1},
		{Start: win.Padding[0], Stop: win.Padding[0] + img[0], Step: 1},
		{Start: win.Padding[1], Stop: win.Padding[1] + img[1], Step: 1}}}, images)
}

// conv lowers a convolution, without its bias, or one of its adjoints
// (ops.Attrs) with inputs x and y to the windows of images (im2col) and matrix products,
// per image and group: conv2d(x, f) is F·S, conv2d_input(g, f) adds
// Fᵀ·G into images (col2im), and conv2d_filter(x, g) sums G·Sᵀ over the
// images, with S the windows of an image, F a group's filters [O/groups
// K] and G an image's gradients [O/groups H'·W'].
func (p *program) conv(a ops.Attrs, out tensor.Shape, x, y int) int {
	win, img, groups := a.Window, a.Image, max(a.Groups, 1)
	ho, wo := outSize(img, win, 0), outSize(img, win, 1)
	kk := win.Kernel[0] * win.Kernel[1]
	// images [N C H W] to their windows, [N groups K H'·W'].
	windows := func(images int) int {
		s := p.shape(images)
		cols := p.im2col(images, win, img, false)
		return p.reshape(cols, tensor.Shape{s[0], groups, s[1] / groups * kk, ho * wo})
	}
	// filters [O C/groups kH kW] as matrices [groups O/groups K].
	filters := func(f int) int {
		s := p.shape(f)
		return p.reshape(f, tensor.Shape{groups, s[0] / groups, s[1] * kk})
	}
	// gradients [N O H' W'] as matrices [N groups O/groups H'·W'].
	grads := func(g int) int {
		s := p.shape(g)
		return p.reshape(g, tensor.Shape{s[0], groups, s[1] / groups, ho * wo})
	}
	e := p.elem(x)
	switch a.Kind {
	case "conv2d":
		f := filters(y)
		prod := p.emit("matmul", tensor.Shape{out[0], groups, out[1] / groups, ho * wo}, e, prim{}, f, windows(x))
		return p.reshape(prod, out)
	case "conv2d_input":
		f := p.swapLast(filters(y))
		g := grads(x)
		k := p.shape(f)[1]
		cols := p.emit("matmul", tensor.Shape{out[0], groups, k, ho * wo}, e, prim{}, f, g)
		cols = p.reshape(cols, tensor.Shape{out[0], out[1], kk, ho * wo})
		return p.im2col(cols, win, img, true)
	}
	g := grads(y)
	cols := p.swapLast(windows(x))
	n := p.shape(g)[0]
	prod := p.emit("matmul", tensor.Shape{n, groups, p.shape(g)[2], p.shape(cols)[3]}, e, prim{}, g, cols)
	return p.reshape(p.reduce("sum", prod, []int{0}, false), out)
}

// outSize is the number of windows along axis i.
func outSize(img [2]int, win tensor.Window, i int) int {
	span := win.Dilation[i]*(win.Kernel[i]-1) + 1
	return (img[i]+2*win.Padding[i]-span)/win.Stride[i] + 1
}

// elementwise lowers the operation of the rule table named kind.
func (p *program) elementwise(kind string, in []int) (int, error) {
	x := in[0]
	e := p.elem(x)
	y := -1
	if len(in) > 1 {
		y = in[1]
	}
	c := func(v float64) int { return p.num(v, e) }
	u := p.unary
	b := p.binary
	switch kind {
	case "add", "sub", "mul", "div", "pow":
		return b(kind, x, y), nil
	case "neg", "sqrt", "exp", "log", "sin", "cos", "tan", "tanh", "asin", "acos", "atan",
		"sigmoid", "relu", "erf", "abs", "sign", "floor", "ceil", "round":
		return u(kind, x), nil
	case "identity":
		return p.emit("reshape", p.shape(x), e, prim{shape: p.shape(x).Clone()}, x), nil
	case "square":
		return b("mul", x, x), nil
	case "gatedmul":
		// x·y, but 0 wherever x or y is 0.
		zero := b("or", b("eq", x, c(0)), b("eq", y, c(0)))
		return p.where(zero, c(0), b("mul", x, y)), nil
	case "log1p":
		return p.log1p(x), nil
	case "expm1":
		return p.expm1(x), nil
	case "atan2":
		return p.atan2(x, y), nil
	case "relugrad":
		return p.where(b("gt", y, c(0)), x, c(0)), nil
	case "silu":
		return b("mul", x, u("sigmoid", x)), nil
	case "leaky_relu":
		return p.where(b("gt", x, c(0)), x, b("mul", x, y)), nil
	case "elu":
		return p.where(b("gt", x, c(0)), x, b("mul", y, p.expm1(x))), nil
	case "softplus":
		// max(x, 0) + log1p(exp(-|x|)), as the engine computes it.
		return b("add", u("relu", x), p.log1p(u("exp", u("neg", u("abs", x))))), nil
	case "log_sigmoid":
		// min(x, 0) - log1p(exp(-|x|)).
		return b("sub", u("neg", u("relu", u("neg", x))), p.log1p(u("exp", u("neg", u("abs", x))))), nil
	case "gelu":
		// 0.5·x·(1 + erf(x/√2)).
		return b("mul", b("mul", c(0.5), x), b("add", c(1), u("erf", b("mul", x, c(1/math.Sqrt2))))), nil
	case "clamp_min":
		return p.where(b("or", b("ge", x, y), u("isnan", x)), x, y), nil
	case "clamp_max":
		return p.where(b("or", b("le", x, y), u("isnan", x)), x, y), nil
	case "maximum":
		return p.where(b("or", b("gt", x, y), u("isnan", x)), x, y), nil
	case "minimum":
		return p.where(b("or", b("lt", x, y), u("isnan", x)), x, y), nil
	}
	return 0, fmt.Errorf("no translation of the element-wise operation %q", kind)
}

// log1p is log(1 + x) accurate for small x: with u = 1 + x rounded,
// x·log(u)/(u - 1), which cancels the rounding of u (Goldberg, "What every
// computer scientist should know about floating-point arithmetic",
// Theorem 4); x itself where u is 1.
func (p *program) log1p(x int) int {
	e := p.elem(x)
	one := p.num(1, e)
	u := p.binary("add", one, x)
	d := p.binary("sub", u, one)
	r := p.binary("div", p.binary("mul", x, p.unary("log", u)), d)
	r = p.where(p.binary("eq", u, p.num(math.Inf(1), e)), u, r)
	return p.where(p.binary("eq", d, p.num(0, e)), x, r)
}

// expm1 is exp(x) - 1 accurate for small x: with u = exp(x) rounded,
// (u - 1)·x/log(u) (Kahan's trick); x where u is 1, -1 where u - 1 is,
// and u where it is +Inf.
func (p *program) expm1(x int) int {
	e := p.elem(x)
	one := p.num(1, e)
	u := p.unary("exp", x)
	d := p.binary("sub", u, one)
	r := p.binary("div", p.binary("mul", d, x), p.unary("log", u))
	r = p.where(p.binary("eq", u, p.num(math.Inf(1), e)), u, r)
	r = p.where(p.binary("eq", d, p.num(-1, e)), d, r)
	return p.where(p.binary("eq", u, one), x, r)
}

// atan2 is the angle of the point (y, x) = (first, second input), from
// atan of the quotient and the quadrant.
func (p *program) atan2(y, x int) int {
	e := p.elem(y)
	c := func(v float64) int { return p.num(v, e) }
	b := p.binary
	a := p.unary("atan", b("div", y, x))
	// x < 0: add π with y's sign (y = -0 and y < 0 take -π).
	neg := b("or", b("lt", y, c(0)), b("and", b("eq", y, c(0)), b("lt", b("div", c(1), y), c(0))))
	pi := p.where(neg, c(-math.Pi), c(math.Pi))
	r := p.where(b("lt", x, c(0)), b("add", a, pi), a)
	// x = ±0: ±π/2 with y's sign, or y itself (±0) where y is ±0, and π
	// with y's sign where x is -0.
	half := p.where(neg, c(-math.Pi/2), c(math.Pi/2))
	xZero := b("eq", x, c(0))
	yZero := b("eq", y, c(0))
	xNeg0 := b("lt", b("div", c(1), x), c(0))
	atZero := p.where(yZero, p.where(xNeg0, pi, y), half)
	r = p.where(xZero, atZero, r)
	// Both infinite: ±π/4 or ±3π/4.
	inf := c(math.Inf(1))
	xInf := b("eq", p.unary("abs", x), inf)
	yInf := b("eq", p.unary("abs", y), inf)
	q := p.where(b("lt", x, c(0)), c(3*math.Pi/4), c(math.Pi/4))
	q = p.where(neg, p.unary("neg", q), q)
	r = p.where(b("and", xInf, yInf), q, r)
	// NaN in either: NaN.
	nan := b("add", y, x)
	return p.where(b("or", p.unary("isnan", y), p.unary("isnan", x)), nan, r)
}
