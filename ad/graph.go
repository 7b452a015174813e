package ad

import (
	"math"
	"reflect"
	"sync"

	"github.com/seed812a03d2/backprop/tensor"
)

// Graph is a tape of nodes, recorded as operations are applied (define by
// run). Nodes are numbered in the order they are created, which is a
// topological order: a node's inputs always come before it. The zero value
// is an empty graph ready to use.
//
// A Graph must not be copied after first use. It is not safe for
// concurrent use, and that includes Backward and Gradients, which record
// on it. Independent graphs may be built and
// differentiated from different goroutines at once.
type Graph struct {
	chunks  [][]record       // the tape, chunkSize records a chunk
	n       int32            // number of nodes
	gen     uint32           // how many times the tape was emptied (Reset); nodes carry it
	tensors []*tensor.Tensor // values that are not float64 scalars
	lists   []int32          // inputs of nodes with more than two inputs
	names   []string         // names by node id, where given

	ops       []Op       // the operations, by code; code 0 is for leaves
	scalarOps []ScalarOp // ops[code] as a ScalarOp, or nil
	recent    [4]recentOp
	next      int           // the slot of recent to replace next
	codes     map[Op]uint32 // codes of comparable ops beyond recent

	detached int // > 0 while results are recorded as constants

	anomaly *anomalyState // non-nil in anomaly mode

	pool  *pool   // recycles values once the graph has been Reset
	owned []uint8 // by index in tensors: whether the pool owns the value (notOwned, ownedValue, ownedView)

	// args holds the input values handed to a forward rule, so that
	// applying an operation allocates no slice; argsBusy is set while a
	// forward rule runs, and a rule that applies operations itself gets a
	// new slice.
	args     [2]*tensor.Tensor
	argsBusy bool

	noCopy noCopy // a Graph holds pointers into itself

	// Storage for small graphs, so that building one allocates only the
	// Graph itself.
	firstChunk [8]record
	chunkList  [1][]record
	firstOps   [4]Op
	firstSOps  [4]ScalarOp
	firstNames [2]string
}

// record is one node on the tape. It holds no pointers, so the garbage
// collector never scans the tape and writing it needs no write barriers:
// recording a scalar operation costs a few stores.
type record struct {
	in    [2]int32 // input ids; with nin == naryInputs, an offset and a count in lists
	op    uint32   // index into Graph.ops
	nin   uint8    // number of inputs, or naryInputs
	flags uint8
	v     uint64 // the value's bits if flagInline, else an index into Graph.tensors
}

const (
	flagVar       = 1 << iota // created by Var
	flagNeedsGrad             // a variable or computed from one
	flagInline                // the value is the float64 scalar in v
	flagScalarOp              // computed by ScalarOp.ScalarForward from float64 scalars
	flagTraced                // a constant computed from other nodes' values (TracedConst)
)

const naryInputs = 255

// recentOp caches the code of a recently recorded operation, so that an
// operation applied again reuses its code.
type recentOp struct {
	op         Op
	code       uint32
	comparable bool  // op's dynamic type supports ==
	arity      uint8 // arityOf(op)
}

// The tape lives in chunks of chunkSize records, so growing it copies
// little: only the first chunk grows by doubling, which keeps small graphs
// small.
const (
	chunkLog  = 12
	chunkSize = 1 << chunkLog
)

// at returns the record of node id. Records never change once written, so
// the pointer stays good to read even if the first chunk grows.
func (g *Graph) at(id int32) *record {
	return &g.chunks[id>>chunkLog][id&(chunkSize-1)]
}

// Len returns the number of nodes in g, 0 for a nil *Graph.
func (g *Graph) Len() int {
	if g == nil {
		return 0
	}
	return int(g.n)
}

// nilGraph panics with a *GraphError for the method fn called on a nil
// *Graph.
func nilGraph(fn string) {
	panic(&GraphError{Op: fn, Reason: "nil *Graph (declare a graph with var g ad.Graph, or g := new(ad.Graph))"})
}

// Node returns the node with the given id, 0 ≤ id < g.Len(). It panics with
// a *GraphError if id is out of range.
func (g *Graph) Node(id int) Node {
	if g == nil {
		nilGraph("Node")
	}
	if id < 0 || id >= int(g.n) {
		panic(&GraphError{Op: "Node", Reason: "node id out of range"})
	}
	return g.node(int32(id))
}

// push appends a record for the operation with the given code and returns
// it with its id.
func (g *Graph) push(code uint32) (*record, int32) {
	id := g.n
	c, off := int(id>>chunkLog), int(id&(chunkSize-1))
	if c == len(g.chunks) || off == len(g.chunks[c]) {
		g.grow()
	}
	r := &g.chunks[c][off]
	*r = record{op: code}
	g.n++
	return r, id
}

// grow makes room for record g.n: it doubles the first chunk up to
// chunkSize records, then adds chunks, reusing those that Reset kept.
func (g *Graph) grow() {
	if g.ops == nil {
		g.ops, g.scalarOps = g.firstOps[:1], g.firstSOps[:1]
	}
	c := int(g.n >> chunkLog)
	switch {
	case c < len(g.chunks) && g.n&(chunkSize-1) < int32(len(g.chunks[c])):
		// Reset kept this chunk.
	case c == 0 && len(g.chunks) == 1:
		g.chunks[0] = append(g.chunks[0], make([]record, min(len(g.chunks[0]), chunkSize-len(g.chunks[0])))...)
	case c == 0:
		g.chunks = append(g.chunkList[:0], g.firstChunk[:])
	default:
		if c == len(g.chunks) {
			g.chunks = append(g.chunks, make([]record, chunkSize))
		}
	}
}

// code returns the code of op in g.ops, adding it if it is new, and the
// number of inputs op takes (see arityOf). Leaves (a nil op) and results
// recorded as constants have code 0.
func (g *Graph) code(op Op) (uint32, uint8) {
	if g.detached > 0 {
		return 0, arityOf(op)
	}
	for i := range g.recent {
		// Comparing with an op of another dynamic type is false without
		// looking further, so only the cached op must be comparable.
		if r := &g.recent[i]; r.comparable && r.op == op {
			if r.code == noCode {
				// Known, but truncate took it off the table (as Reset does
				// every step): add it again without asking about it again.
				r.code = g.addOp(op, true)
			}
			return r.code, r.arity
		}
	}
	comparable := comparableOp(op)
	var code uint32
	ok := false
	switch {
	case !comparable:
	case len(g.ops) <= smallOps:
		// A few operations: look through them rather than keep a map.
		for c := 1; c < len(g.ops); c++ {
			if comparableOp(g.ops[c]) && g.ops[c] == op {
				code, ok = uint32(c), true
				break
			}
		}
	default:
		code, ok = g.codes[op]
	}
	if !ok {
		code = g.addOp(op, comparable)
	}
	arity := arityOf(op)
	g.recent[g.next] = recentOp{op: op, code: code, comparable: comparable, arity: arity}
	g.next = (g.next + 1) % len(g.recent)
	return code, arity
}

// noCode marks an entry of Graph.recent whose op truncate removed from the
// table.
const noCode = ^uint32(0)

// addOp appends op, which is not on the table, to it and returns its code.
func (g *Graph) addOp(op Op, comparable bool) uint32 {
	code := uint32(len(g.ops))
	g.ops = append(g.ops, op)
	so, _ := op.(ScalarOp)
	g.scalarOps = append(g.scalarOps, so)
	if comparable && len(g.ops) > smallOps {
		if g.codes == nil {
			g.codes = map[Op]uint32{}
		}
		if len(g.codes) == 0 {
			// The map takes over from the linear search: index what is there.
			for c := 1; c < len(g.ops); c++ {
				if comparableOp(g.ops[c]) {
					if _, dup := g.codes[g.ops[c]]; !dup {
						g.codes[g.ops[c]] = uint32(c)
					}
				}
			}
		}
		g.codes[op] = code
	}
	return code
}

// comparableOp reports whether == on op is safe. Pointers and empty
// structs, the usual operations, are answered without allocating; other
// values are checked field by field, interfaces included.
func comparableOp(op Op) bool {
	t := reflect.TypeOf(op)
	if t.Kind() == reflect.Pointer || t.Size() == 0 {
		return true
	}
	if !t.Comparable() {
		return false
	}
	// Only a value holding interfaces can fail == at run time; asking the
	// value allocates, so ask the type first.
	return !holdsInterface(t) || reflect.ValueOf(op).Comparable()
}

// interfaceTypes caches holdsInterface by type: a property of the type,
// shared safely by all graphs.
var interfaceTypes sync.Map // reflect.Type → bool

// holdsInterface reports whether values of t contain an interface value.
func holdsInterface(t reflect.Type) bool {
	if v, ok := interfaceTypes.Load(t); ok {
		return v.(bool)
	}
	var has bool
	switch t.Kind() {
	case reflect.Interface:
		has = true
	case reflect.Array:
		has = holdsInterface(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if holdsInterface(t.Field(i).Type) {
				has = true
				break
			}
		}
	}
	interfaceTypes.Store(t, has)
	return has
}

// smallOps is the size of the operation table up to which code searches it
// instead of keeping a map.
const smallOps = 16

// noCopy makes go vet report copies of a Graph.
type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}

// setValue stores x as the value of r.
func (g *Graph) setValue(r *record, x *tensor.Tensor) { g.setOwnedValue(r, x, notOwned) }

// setOwnedValue is setValue for a value that the pool may own.
func (g *Graph) setOwnedValue(r *record, x *tensor.Tensor, owned uint8) {
	if x.Rank() == 0 && x.DType() == tensor.Float64 {
		r.v = math.Float64bits(x.Item())
		r.flags |= flagInline
		if owned == ownedValue {
			g.pool.Put(x) // the value is copied into the record
		}
		// A view's header stays until Reset: the storage it shows is
		// another value's, which may still be read.
		if owned == ownedView {
			g.pool.pendingViews = append(g.pool.pendingViews, x)
		}
		return
	}
	r.v = uint64(len(g.tensors))
	g.tensors = append(g.tensors, x)
	if g.pool != nil {
		g.owned = append(g.owned, owned)
	}
}

// mark is a position on the tape, for truncate.
type mark struct{ n, tensors, lists, ops int }

func (g *Graph) mark() mark {
	return mark{int(g.n), len(g.tensors), len(g.lists), max(len(g.ops), 1)}
}

// truncate removes the nodes recorded since m, and the operations first
// used by them.
func (g *Graph) truncate(m mark) {
	m.ops = max(m.ops, 1) // code 0, for leaves, stays
	if len(g.ops) > m.ops {
		if m.ops <= smallOps {
			clear(g.codes) // rebuilt from g.ops once the table is big again
		} else {
			for _, op := range g.ops[m.ops:] {
				if !comparableOp(op) {
					continue
				}
				if c, ok := g.codes[op]; ok && int(c) >= m.ops {
					delete(g.codes, op)
				}
			}
		}
		clear(g.ops[m.ops:])
		clear(g.scalarOps[m.ops:])
		g.ops, g.scalarOps = g.ops[:m.ops], g.scalarOps[:m.ops]
		for i := range g.recent {
			if r := &g.recent[i]; r.code != noCode && int(r.code) >= m.ops {
				r.code = noCode // the op stays known: see code
			}
		}
	}
	g.n = int32(m.n)
	if m.n == 0 {
		// The tape is empty: every node made so far is stale, so none
		// can stand for the node that takes its position next.
		g.gen++
	}
	if p := g.pool; p != nil {
		// Values the pool owns stay readable until Reset (a gradient table
		// may hold them); then they are free.
		for i := m.tensors; i < len(g.owned); i++ {
			switch g.owned[i] {
			case ownedValue:
				p.pending = append(p.pending, g.tensors[i])
			case ownedView:
				p.pendingViews = append(p.pendingViews, g.tensors[i])
			}
		}
		g.owned = g.owned[:min(m.tensors, len(g.owned))]
	}
	clear(g.tensors[m.tensors:])
	g.tensors = g.tensors[:m.tensors]
	g.lists = g.lists[:m.lists]
	if len(g.names) > m.n {
		g.names = g.names[:m.n]
	}
	if g.anomaly != nil {
		for id := range g.anomaly.sites {
			if int(id) >= m.n {
				delete(g.anomaly.sites, id)
			}
		}
	}
}

// Reset empties g for reuse, keeping its memory: building a graph of the
// same size again allocates almost nothing. Nodes of g created before
// Reset and gradient tables filled from g are stale after it: using them
// panics with a *StaleError. The values that g's operations computed and
// the tensors of its gradient tables are recycled from the first Reset
// on: a value computed after a Reset is overwritten by the build that
// follows the next Reset (copy with Clone what must outlive it). Tensors given to
// Var and Const stay the caller's. The package documentation says in
// full what outlives Reset.
func (g *Graph) Reset() {
	if g == nil {
		nilGraph("Reset")
	}
	if g.pool == nil {
		g.pool = new(pool) // a zero tensor.Pool is ready
	}
	g.truncate(mark{})
	g.argsBusy, g.args = false, [2]*tensor.Tensor{}
	p := g.pool
	for _, t := range p.pending {
		p.Put(t)
	}
	clear(p.pending)
	p.pending = p.pending[:0]
	for _, t := range p.pendingViews {
		p.PutView(t)
	}
	clear(p.pendingViews)
	p.pendingViews = p.pendingViews[:0]
	p.freeInts()
	p.freeTensors()
	g.names = g.names[:0]
}

// Var records a variable: an input of the graph whose gradient is wanted.
// Var panics with a *GraphError if x is nil.
func (g *Graph) Var(name string, x *tensor.Tensor) Node {
	n := g.leaf("Var", x, flagVar|flagNeedsGrad)
	if name != "" {
		g.setName(n.id, name)
	}
	return n
}

// Const records a constant: an input of the graph that gradients do not
// flow into unless it is named in Backward's or Gradients' list of nodes.
// Const panics with a *GraphError if x is nil.
func (g *Graph) Const(x *tensor.Tensor) Node {
	return g.leaf("Const", x, 0)
}

// TracedConst records a constant that was computed from the values of
// other nodes, such as the mask of a comparison or of a piecewise
// derivative: a constant to gradients, as Const, but one that holds only
// for the values it was computed from. Tools that turn a graph into a
// function of its inputs (package export) refuse it, since the function
// would keep it fixed (Node.Traced reports it). TracedConst panics with a
// *GraphError if x is nil.
func (g *Graph) TracedConst(x *tensor.Tensor) Node {
	return g.leaf("TracedConst", x, flagTraced)
}

// ScalarVar is Var for a float64 scalar; it allocates nothing.
func (g *Graph) ScalarVar(name string, v float64) Node {
	if g == nil {
		nilGraph("ScalarVar")
	}
	r, id := g.push(0)
	r.flags, r.v = flagVar|flagNeedsGrad|flagInline, math.Float64bits(v)
	n := g.node(id)
	if name != "" {
		g.setName(n.id, name)
	}
	return n
}

// ScalarConst is Const for a float64 scalar; it allocates nothing.
func (g *Graph) ScalarConst(v float64) Node {
	if g == nil {
		nilGraph("ScalarConst")
	}
	r, id := g.push(0)
	r.flags, r.v = flagInline, math.Float64bits(v)
	return g.node(id)
}

func (g *Graph) leaf(fn string, x *tensor.Tensor, flags uint8) Node {
	if g == nil {
		nilGraph(fn)
	}
	if x == nil {
		panic(&GraphError{Op: fn, Reason: "nil tensor"})
	}
	r, id := g.push(0)
	r.flags = flags
	g.setValue(r, x)
	return g.node(id)
}

// NoRecord runs f with recording turned off on g: operations applied to
// g's nodes inside f compute their values, and their results are recorded
// as constants, so no gradient flows through them.
func (g *Graph) NoRecord(f func()) {
	if g == nil {
		nilGraph("NoRecord")
	}
	if f == nil {
		panic(&GraphError{Op: "NoRecord", Reason: "nil function"})
	}
	g.detached++
	defer func() { g.detached-- }()
	f()
}

// Recording reports whether operations on g are being recorded.
func (g *Graph) Recording() bool {
	if g == nil {
		nilGraph("Recording")
	}
	return g.detached == 0
}
