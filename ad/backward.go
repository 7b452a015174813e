package ad

import (
	"fmt"
	"math"
	"slices"

	"github.com/seed812a03d2/backprop/tensor"
)

// Backward runs backpropagation from y and returns the gradient table: the
// gradient of y with respect to every node it was computed from, as
// values. The table is seeded with ones of y's shape.
//
// With no xs, the table holds every node that needs a gradient (variables
// and the nodes computed from them). With xs, it holds xs and the nodes
// computed from them, so xs may be constants or intermediate nodes. A node
// of the table that y does not depend on has a zero gradient.
//
// Backward computes values only: what the bprop rules record is removed
// from the graph before Backward returns, and nodes computed from float64
// scalars take a fast path that allocates nothing per node. Use Gradients for gradients that can be differentiated
// again. Backward panics with a *GraphError if a node is the zero Node or from
// another graph.
func Backward(y Node, xs ...Node) *Table {
	return BackwardSeed(y, nil, xs...)
}

// BackwardSeed is Backward with the table seeded with seed instead of ones:
// it computes the vector-Jacobian product seedᵀ·∂y/∂x. A nil seed means
// ones. BackwardSeed panics with a *GraphError if seed's shape or element
// type differ from y's.
func BackwardSeed(y Node, seed *tensor.Tensor, xs ...Node) *Table {
	t := new(Table)
	BackwardInto(t, y, seed, xs...)
	return t
}

// BackwardInto is BackwardSeed that fills t, reusing its memory: a
// training loop that keeps one Table allocates no gradient table per step.
// What t held before is overwritten; tensors that t.Grad returned earlier
// stay valid until the graph is Reset (see Graph.Reset). The zero Table is
// ready to use.
func BackwardInto(t *Table, y Node, seed *tensor.Tensor, xs ...Node) {
	if t == nil {
		panic(&GraphError{Op: "BackwardInto", Reason: "nil *Table (declare one with var t ad.Table)"})
	}
	t.init("Backward", y, xs, false)
	t.seed, t.scratchFrom = seed, 0
	if p := y.g.pool; p != nil {
		t.scratchFrom = len(p.pending) // what the pool holds from here on is this table's (Move)
	}
	switch {
	case seed == nil && y.rec().flags&flagInline != 0:
		t.scalars[y.id-t.lo] = 1
	case seed == nil:
		t.setTensor(y.id, onesLike(y))
	default:
		checkSeed(y, seed.Shape(), seed.DType())
		if y.rec().flags&flagInline != 0 {
			t.scalars[y.id-t.lo] = seed.Item()
		} else {
			t.setTensor(y.id, seed)
		}
	}
	// The bprop rules of the general path record their results as
	// constants, which are removed again when the table is full.
	g := y.g
	m := g.mark()
	g.detached++
	defer func() {
		g.detached--
		g.truncate(m)
	}()
	t.fill()
}

// Gradients returns the gradients of y with respect to each of xs, as
// nodes of y's graph: the backward pass is recorded like any other
// computation, so the results can be differentiated again (Gradients of a
// gradient is a second derivative). The gradient table is seeded with ones
// of y's shape. The gradient of a node that y does not depend on is zero.
// Gradients panics with a *GraphError if a node is the zero Node or from another
// graph.
func Gradients(y Node, xs ...Node) []Node {
	return GradientsSeed(y, Node{}, xs...)
}

// GradientsSeed is Gradients with the table seeded with the node seed
// instead of ones (the zero Node means ones).
func GradientsSeed(y, seed Node, xs ...Node) []Node {
	return gradients(y, seed, nil, xs)
}

// gradients is GradientsSeed with each step handed to observe, if it is
// not nil (see Trace).
func gradients(y, seed Node, observe func(Step), xs []Node) []Node {
	t := &Table{observe: observe}
	fn := "Gradients"
	if observe != nil {
		fn = "Trace"
	}
	t.init(fn, y, xs, true)
	if !seed.Valid() {
		seed = y.g.Const(onesLike(y))
	}
	if seed.g != y.g {
		panic(mixedGraphs("Gradients", y, seed))
	}
	seed.unusable("Gradients")
	checkSeed(y, seed.Shape(), seed.DType())
	t.nodes[y.id-t.lo] = seed
	t.fill()
	out := make([]Node, len(xs))
	for i, x := range xs {
		if e := t.nodes[x.id-t.lo]; e.Valid() {
			out[i] = e
		} else {
			out[i] = x.g.Const(tensor.New(x.DType(), x.Shape()...))
		}
	}
	return out
}

// Table is a gradient table: the gradient of one node y with respect to
// the nodes it was computed from. Backward returns it.
type Table struct {
	g    *Graph
	y    Node
	lo   int32  // the table covers node ids lo…y.id
	mask []bool // with xs: the nodes on paths from xs to y, by id-lo

	record  bool
	observe func(Step)               // with record: handed each step (Trace)
	scalars []float64                // entries of float64 scalar nodes, by id-lo (values)
	tensors map[int32]*tensor.Tensor // entries of the other nodes (values)
	nodes   []Node                   // entries by id-lo (recorded)

	small [8]float64 // storage for scalars in small graphs

	seed        *tensor.Tensor // BackwardInto's seed, never moved
	scratchFrom int            // the pool's pending values from this index on are this table's scratch (Move)
}

// init empties t for backpropagation from y, keeping its memory.
func (t *Table) init(fn string, y Node, xs []Node, record bool) {
	if y.g == nil {
		panic(&GraphError{Op: fn, Reason: "zero Node as the output"})
	}
	y.unusable(fn)
	for _, x := range xs {
		if x.g != y.g {
			if x.g == nil {
				panic(&GraphError{Op: fn, Reason: "zero Node in the list of nodes"})
			}
			panic(mixedGraphs(fn, y, x))
		}
		x.unusable(fn)
	}
	t.g, t.y, t.record, t.lo, t.mask = y.g, y, record, 0, t.mask[:0]
	clear(t.tensors)
	if len(xs) > 0 {
		t.lo = y.id
		for _, x := range xs {
			t.lo = min(t.lo, x.id)
		}
		if t.lo < 0 {
			t.lo = 0
		}
		t.mask = reuse(t.mask, int(y.id-t.lo+1))
		for _, x := range xs {
			if x.id <= y.id {
				t.mask[x.id-t.lo] = true
			}
		}
		for id := t.lo; id <= y.id; id++ {
			r := t.g.at(id)
			for i := range r.numInputs() {
				if in := t.g.inputID(r, i); in >= t.lo && t.mask[in-t.lo] {
					t.mask[id-t.lo] = true
					break
				}
			}
		}
	}
	size := 0
	if y.id >= t.lo {
		size = int(y.id - t.lo + 1)
	}
	if record {
		t.nodes = make([]Node, max(size, int(maxID(xs)-t.lo+1)))
	} else if size <= len(t.small) && cap(t.scalars) < size {
		t.scalars = t.small[:size]
		clear(t.scalars)
	} else {
		t.scalars = reuse(t.scalars, size)
	}
	if len(xs) == 0 {
		t.mask = nil
	}
}

// reuse returns s resized to n zeroed elements, reallocating only if its
// capacity is short.
func reuse[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

func maxID(xs []Node) int32 {
	m := int32(-1)
	for _, x := range xs {
		m = max(m, x.id)
	}
	return m
}

// wanted reports whether the table holds an entry for node id, whose
// record is r.
func (t *Table) wanted(id int32, r *record) bool {
	if id < t.lo || id > t.y.id {
		return false
	}
	if t.mask != nil {
		return t.mask[id-t.lo]
	}
	return r.flags&flagNeedsGrad != 0
}

func (t *Table) setTensor(id int32, v *tensor.Tensor) {
	if t.tensors == nil {
		t.tensors = make(map[int32]*tensor.Tensor)
	}
	t.tensors[id] = v
}

// fill is the backpropagation algorithm. In the textbook form, the entry of
// a node V is the sum over V's consumers C of C's bprop applied to the
// entry of C, computed once and memoized. The tape is in topological order,
// so walking it backwards from y reaches every consumer C before the nodes
// it consumes: when the loop arrives at C its entry is complete, and the
// loop adds C's contribution to the entry of each of C's inputs. Every
// entry is therefore the same sum over consumers, each computed once,
// without recursion and without lists of consumers.
func (t *Table) fill() {
	g, lo := t.g, t.lo
	if a := g.anomaly; a != nil {
		a.backward++
		defer func() { a.backward-- }()
	}
	for top := t.y.id; top >= lo; {
		// The nodes top, top-1, … down to lo or the chunk's start.
		chunk, off := g.chunks[top>>chunkLog], int(top&(chunkSize-1))
		bottom := max(0, off-int(top-lo))
		for k := off; k >= bottom; k-- {
			id := top - int32(off-k)
			r := &chunk[k]
			if r.nin == 0 || !t.wanted(id, r) {
				continue
			}
			if !t.record && r.flags&flagScalarOp != 0 {
				t.scalarBprop(id, r)
				continue
			}
			c := g.node(id)
			gc := t.entry(c, r)
			if !gc.Valid() {
				continue
			}
			op := g.ops[r.op]
			var all []Node
			if m, ok := op.(bpropAller); ok {
				all = m.bpropAll(c, gc)
			}
			for i := range r.numInputs() {
				v := g.node(g.inputID(r, i))
				if !t.wanted(v.id, v.rec()) {
					continue
				}
				var contrib Node
				if all != nil {
					contrib = all[i]
				} else {
					contrib = op.Bprop(c, i, gc)
				}
				if !contrib.Valid() {
					continue
				}
				checkContribution(c, i, v, contrib)
				if g.anomaly != nil {
					g.checkBackward(c, i, gc.Value(), contrib.Value())
				}
				t.add(v, contrib)
				if t.observe != nil {
					t.traceStep(c, i, v, gc, contrib)
				}
			}
		}
		top -= int32(off - bottom + 1)
	}
}

// scalarBprop is the fast path of fill for node id, computed from float64
// scalars: the contributions are the upstream gradient times the local
// derivatives from ScalarDeriv, added in place.
func (t *Table) scalarBprop(id int32, r *record) {
	lo := t.lo
	gc := t.scalars[id-lo]
	if gc == 0 {
		return // a zero upstream gradient contributes zero
	}
	op := t.g.scalarOps[r.op]
	z := math.Float64frombits(r.v)
	x := t.g.at(r.in[0])
	var dx, dy float64
	var y *record
	if r.nin == 1 {
		dx, _ = op.ScalarDeriv(math.Float64frombits(x.v), 0, z)
	} else {
		y = t.g.at(r.in[1])
		dx, dy = op.ScalarDeriv(math.Float64frombits(x.v), math.Float64frombits(y.v), z)
	}
	// Without a mask every input is in the table's range, and adding to the
	// entry of a constant is harmless: Grad refuses to read it.
	// A zero local derivative contributes zero, as GatedMul has it, even
	// of a NaN or infinite upstream gradient.
	if dx != 0 && (t.mask == nil || t.wanted(r.in[0], x)) {
		if t.g.anomaly != nil && (t.mask != nil || x.flags&flagNeedsGrad != 0) {
			t.g.checkBackward(t.g.node(id), 0, tensor.Scalar(gc), tensor.Scalar(gc*dx))
		}
		t.scalars[r.in[0]-lo] += gc * dx
	}
	if y != nil && dy != 0 && (t.mask == nil || t.wanted(r.in[1], y)) {
		if t.g.anomaly != nil && (t.mask != nil || y.flags&flagNeedsGrad != 0) {
			t.g.checkBackward(t.g.node(id), 1, tensor.Scalar(gc), tensor.Scalar(gc*dy))
		}
		t.scalars[r.in[1]-lo] += gc * dy
	}
}

// entry returns the gradient table's entry for node n with record r as a
// node, or the zero Node if it is zero.
func (t *Table) entry(n Node, r *record) Node {
	if t.record {
		return t.nodes[n.id-t.lo]
	}
	if r.flags&flagInline != 0 {
		v := t.scalars[n.id-t.lo]
		if v == 0 {
			return Node{} // a zero upstream gradient contributes zero
		}
		return t.g.ScalarConst(v)
	}
	v := t.tensors[n.id]
	if v == nil {
		return Node{}
	}
	return t.g.Const(v)
}

// add adds a contribution to n's entry.
func (t *Table) add(n Node, contrib Node) {
	if t.record {
		if old := t.nodes[n.id-t.lo]; old.Valid() {
			contrib = Apply2(accumulate{}, old, contrib)
		}
		t.nodes[n.id-t.lo] = contrib
		return
	}
	if n.rec().flags&flagInline != 0 {
		t.scalars[n.id-t.lo] += contrib.Scalar()
		return
	}
	if old := t.tensors[n.id]; old != nil {
		if p := t.g.pool; p != nil {
			t.setTensor(n.id, tensor.AddWith(&p.Pool, old, contrib.Value()))
			p.keep()
		} else {
			t.setTensor(n.id, tensor.Add(old, contrib.Value()))
		}
	} else {
		t.setTensor(n.id, contrib.Value())
	}
}

// Grad returns the gradient of y with respect to n: zeros of n's shape if
// y does not depend on n. The caller must not modify the result: it may be
// shared with other entries or with the seed. Grad panics with a
// *GraphError if the table does not cover n: a constant when Backward was
// given no xs, or a node not computed from xs.
func (t *Table) Grad(n Node) *tensor.Tensor {
	t.check(n)
	if n.rec().flags&flagInline != 0 {
		if n.id <= t.y.id {
			return tensor.Scalar(t.scalars[n.id-t.lo])
		}
		return tensor.Scalar(0)
	}
	if v := t.tensors[n.id]; v != nil {
		return v
	}
	return tensor.New(n.DType(), n.Shape()...)
}

// Move makes dst hold the gradient of y with respect to n, as copying
// Grad(n) into it would, without copying where it can, and reports
// whether it could: when the table's gradient of n is scratch of this
// table's own backward pass, which only the graph's pool holds (recycled
// at the next Reset), dst and it exchange their storage (tensor.Exchange),
// the table's entries that held it hold dst from then on, and the pool
// recycles dst's old storage at the next Reset, so that nothing may use it
// after. A tensor that Grad(n) returned before the Move then holds dst's
// old elements. Otherwise, or if dst does not have n's element type and
// shape, Move changes nothing and reports false. It panics as Grad does.
func (t *Table) Move(n Node, dst *tensor.Tensor) bool {
	t.check(n)
	if n.rec().flags&flagInline != 0 || dst == nil || t.record {
		return false
	}
	v := t.tensors[n.id]
	p := t.g.pool
	if v == nil || p == nil || v == dst || v == t.seed || v.DType() != dst.DType() || !v.Shape().Equal(dst.Shape()) ||
		t.scratchFrom > len(p.pending) || !slices.Contains(p.pending[t.scratchFrom:], v) {
		return false
	}
	tensor.Exchange(v, dst)
	for id, e := range t.tensors {
		if e == v {
			t.tensors[id] = dst
		}
	}
	return true
}

// Scalar returns the gradient of y with respect to a node of size 1 as a
// float64. It panics as Grad does, and with a *tensor.ShapeError if n has
// another size.
func (t *Table) Scalar(n Node) float64 {
	t.check(n)
	if n.rec().flags&flagInline != 0 {
		if n.id <= t.y.id {
			return t.scalars[n.id-t.lo]
		}
		return 0
	}
	return t.Grad(n).Item()
}

func (t *Table) check(n Node) {
	if t == nil {
		panic(&GraphError{Op: "Table.Grad", Reason: "nil *Table"})
	}
	if t.g == nil {
		panic(&GraphError{Op: "Table.Grad", Reason: "empty gradient table: fill it with BackwardInto first"})
	}
	if !t.y.usable() {
		panic(&StaleError{Op: "Table.Grad", ID: int(t.y.id), Table: true, Made: t.y.gen, Now: t.g.gen})
	}
	if n.g != t.g {
		if n.g == nil {
			panic(&GraphError{Op: "Table.Grad", Reason: "zero Node"})
		}
		panic(mixedGraphs("Table.Grad", t.y, n))
	}
	n.unusable("Table.Grad")
	if n.id > t.y.id && (t.mask != nil || n.rec().flags&flagNeedsGrad != 0) {
		return // created after y: y does not depend on it
	}
	if !t.wanted(n.id, n.rec()) {
		if t.mask != nil {
			panic(&GraphError{Op: "Table.Grad", Reason: fmt.Sprintf("node %v is not on a path from the nodes given to Backward to %v", n, t.y)})
		}
		panic(&GraphError{Op: "Table.Grad", Reason: fmt.Sprintf("node %v does not depend on a variable; pass it to Backward to get its gradient", n)})
	}
}

func onesLike(y Node) *tensor.Tensor {
	if len(y.Shape()) == 0 {
		// A scalar loss, each step: one shared 1, which nothing writes.
		if y.DType() == tensor.Float32 {
			return one32
		}
		return one64
	}
	return tensor.Ones(y.DType(), y.Shape()...)
}

var one32, one64 = tensor.Scalar32(1), tensor.Scalar(1)

func checkSeed(y Node, shape tensor.Shape, dtype tensor.DType) {
	if !shape.Equal(y.Shape()) || dtype != y.DType() {
		panic(&GraphError{Op: "Backward", Reason: fmt.Sprintf("seed of shape %v %v for node of shape %v %v", shape, dtype, y.Shape(), y.DType())})
	}
}

func checkContribution(c Node, i int, v, contrib Node) {
	if contrib.g != c.g {
		panic(&GraphError{Op: c.Op().String(), Reason: fmt.Sprintf("bprop for input %d of %v returned %v of graph %p, a node of another graph than %p", i, c, contrib, contrib.g, c.g)})
	}
	if !contrib.usable() {
		contrib.unusable(c.Op().String() + " bprop")
	}
	if !contrib.Shape().Equal(v.Shape()) || contrib.DType() != v.DType() {
		panic(&GraphError{Op: c.Op().String(), Reason: fmt.Sprintf("bprop for input %d returned shape %v %v for an input of shape %v %v", i, contrib.Shape(), contrib.DType(), v.Shape(), v.DType())})
	}
}
