package ad

import "github.com/seed812a03d2/backprop/tensor"

// AllocOp is an Op whose forward rule takes the memory of its result from
// the graph. Once a graph has been Reset, it recycles the values its
// operations computed before: a loop that builds, differentiates and
// Resets the same graph each step allocates its tensors in the first steps
// only.
type AllocOp interface {
	Op
	// ForwardWith is Forward with its result, and any scratch tensor,
	// allocated by alloc. The result must be a tensor that alloc returned
	// (Get), a view that alloc made of an input (View, as a reshape
	// returns), or one not from alloc at all, never a view of a tensor from
	// Get: every other tensor from alloc is taken to be scratch and reused
	// once ForwardWith returns.
	ForwardWith(alloc tensor.Alloc, x []*tensor.Tensor) *tensor.Tensor
}

// pool recycles the tensors of a graph that is Reset and built again.
// Values computed while the pool exists are owned by it; at Reset every
// owned value is dead, by the contract of Reset, and becomes free for the
// next build.
type pool struct {
	tensor.Pool
	pending      []*tensor.Tensor // owned values of nodes removed before Reset (the backward pass's), still readable until then
	pendingViews []*tensor.Tensor // likewise, views whose headers the pool owns
	ints         map[int][][]int  // free buffers of Graph.Ints, by length
	intsHanded   [][]int          // those Ints handed out since the last Reset
	tensors      []*tensor.Tensor // those Tensors handed out since the last Reset
}

// How a graph's value is held (Graph.owned): by the caller, or by the
// pool, storage and all, or as a view whose header only is the pool's.
const (
	notOwned uint8 = iota
	ownedValue
	ownedView
)

// forward computes op on the input values, with the pool's memory where op
// allows it, and reports how the result is owned (notOwned, ownedValue or
// ownedView).
func (g *Graph) forward(op Op, x []*tensor.Tensor) (*tensor.Tensor, uint8) {
	a, ok := op.(AllocOp)
	if !ok || g.pool == nil {
		v := op.Forward(x)
		if v == nil {
			panic(&GraphError{Op: op.String(), Reason: "the forward rule returned nil"})
		}
		return v, notOwned
	}
	p := g.pool
	p.ClearHanded()
	v := a.ForwardWith(&p.Pool, x)
	if v == nil {
		panic(&GraphError{Op: op.String(), Reason: "the forward rule returned nil"})
	}
	owned := notOwned
	for _, h := range p.Handed() {
		if h == v {
			owned = ownedValue
		} else {
			p.Put(h) // scratch: dead once ForwardWith returns
		}
	}
	for _, h := range p.Viewed() {
		if h == v {
			owned = ownedView
		} else {
			p.PutView(h)
		}
	}
	p.ClearHanded()
	return v, owned
}

// keep holds what was handed out until the next Reset: a gradient table's
// sums, readable until then.
func (p *pool) keep() {
	p.pending = append(p.pending, p.Handed()...)
	p.ClearHanded()
}

// Ints returns a slice of n ints, its contents unspecified, that stays
// valid until the graph's next Reset and is recycled after it: integer
// data that an operation builds along with its node, such as a max-pool's
// positions (ops.MaxPool2d), which then cost no allocation once the graph
// has been Reset and built again. Before the first Reset the slice is
// newly allocated. Ints panics with a *GraphError if n is negative.
func (g *Graph) Ints(n int) []int {
	if g == nil {
		nilGraph("Ints")
	}
	if n < 0 {
		panic(&GraphError{Op: "Ints", Reason: "a negative length"})
	}
	p := g.pool
	if p == nil {
		return make([]int, n)
	}
	var s []int
	if l := p.ints[n]; len(l) > 0 {
		s, p.ints[n] = l[len(l)-1], l[:len(l)-1]
	} else {
		s = make([]int, n)
	}
	p.intsHanded = append(p.intsHanded, s)
	return s
}

// Tensor returns a zeroed tensor of the element type and shape that stays
// valid until the graph's next Reset and is recycled after it: the value
// of a constant that an operation draws along with its node, such as a
// dropout mask (ops.Dropout), which then costs no allocation once the
// graph has been Reset and built again. Before the first Reset the tensor
// is newly allocated. Tensor panics with a *tensor.ShapeError if the shape
// is invalid.
func (g *Graph) Tensor(dtype tensor.DType, shape ...int) *tensor.Tensor {
	if g == nil {
		nilGraph("Tensor")
	}
	p := g.pool
	if p == nil || len(p.Handed()) != 0 || len(p.Viewed()) != 0 {
		// No pool yet, or (never outside an operation's forward rule)
		// one whose lists of handed tensors and views are in use.
		return tensor.New(dtype, shape...)
	}
	t := p.Get(dtype, shape)
	p.ClearHanded() // neither a value nor scratch of an operation
	p.tensors = append(p.tensors, t)
	return t
}

// freeInts makes the slices that Ints handed out free for the next build.
func (p *pool) freeInts() {
	if len(p.intsHanded) == 0 {
		return
	}
	if p.ints == nil {
		p.ints = map[int][][]int{}
	}
	for _, s := range p.intsHanded {
		p.ints[len(s)] = append(p.ints[len(s)], s)
	}
	clear(p.intsHanded)
	p.intsHanded = p.intsHanded[:0]
}

// freeTensors makes the tensors that Tensor handed out free for the next
// build.
func (p *pool) freeTensors() {
	for _, t := range p.tensors {
		p.Put(t)
	}
	clear(p.tensors)
	p.tensors = p.tensors[:0]
}
