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
	// allocated by alloc. The result must be a tensor that alloc returned,
	// or one not from alloc at all, never a view of one: every other tensor
	// from alloc is taken to be scratch and reused once ForwardWith returns.
	ForwardWith(alloc tensor.Alloc, x []*tensor.Tensor) *tensor.Tensor
}

// pool recycles the tensors of a graph that is Reset and built again.
// Values computed while the pool exists are owned by it; at Reset every
// owned value is dead, by the contract of Reset, and becomes free for the
// next build.
type pool struct {
	free    map[poolKey][]*tensor.Tensor
	pending []*tensor.Tensor // owned values of nodes removed before Reset (the backward pass's), still readable until then
	handed  []*tensor.Tensor // handed out by the current ForwardWith
	alloc   tensor.Alloc     // p.get, made once
}

type poolKey struct {
	dtype tensor.DType
	size  int
}

func newPool() *pool {
	p := &pool{free: map[poolKey][]*tensor.Tensor{}}
	p.alloc = p.get
	return p
}

// get hands out a zeroed tensor, recycled if one of that size is free.
func (p *pool) get(dtype tensor.DType, shape ...int) *tensor.Tensor {
	k := poolKey{dtype, tensor.Shape(shape).Size()}
	var t *tensor.Tensor
	if l := p.free[k]; len(l) > 0 && tensor.Reuse(l[len(l)-1], dtype, shape...) {
		t = l[len(l)-1]
		p.free[k] = l[:len(l)-1]
	} else {
		t = tensor.New(dtype, shape...)
	}
	p.handed = append(p.handed, t)
	return t
}

// put makes t free.
func (p *pool) put(t *tensor.Tensor) {
	k := poolKey{t.DType(), t.Size()}
	p.free[k] = append(p.free[k], t)
}

// forward computes op on the input values, with the pool's memory where op
// allows it, and reports whether the result is owned by the pool.
func (g *Graph) forward(op Op, x []*tensor.Tensor) (*tensor.Tensor, bool) {
	a, ok := op.(AllocOp)
	if !ok || g.pool == nil {
		v := op.Forward(x)
		if v == nil {
			panic(&GraphError{Op: op.String(), Reason: "the forward rule returned nil"})
		}
		return v, false
	}
	p := g.pool
	p.handed = p.handed[:0]
	v := a.ForwardWith(p.alloc, x)
	if v == nil {
		panic(&GraphError{Op: op.String(), Reason: "the forward rule returned nil"})
	}
	owned := false
	for _, h := range p.handed {
		if h == v {
			owned = true
		} else {
			p.put(h) // scratch: dead once ForwardWith returns
		}
	}
	p.handed = p.handed[:0]
	return v, owned
}

// keep holds what was handed out until the next Reset: a gradient table's
// sums, readable until then.
func (p *pool) keep() {
	p.pending = append(p.pending, p.handed...)
	clear(p.handed)
	p.handed = p.handed[:0]
}
