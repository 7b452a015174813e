package optim

import (
	"math"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// Each optimizer's update rule is written once (rules.go), against an
// algebra: the element-wise arithmetic of one parameter's tensors (V)
// with scalars (S) computed from the learning rate and the step number.
// Two algebras run the rules. inPlace computes on the tensors' elements,
// writing the parameter and the optimizer's state in place (Step);
// graphAlgebra records the same arithmetic as operations of a graph
// (StepGraph), which package export writes out as part of a training
// step. The arithmetic and its order are the same in both, and follow
// PyTorch's, except that inPlace's update may fuse its multiply-add into
// one rounding where the CPU has FMA (tensor.AxpyFloat32).
type algebra[V, S any] interface {
	num(c float64) S // a constant
	lr() S           // the learning rate
	step() S         // the number of this step: 1 at the first
	sadd(x, y S) S
	ssub(x, y S) S
	smul(x, y S) S
	sdiv(x, y S) S
	spow(x, y S) S
	ssqrt(x S) S

	axpy(y V, a S, x V) V            // y + a·x
	axpby(a S, x V, b S, y V) V      // a·x + b·y
	addcmul(a S, x V, c S, y, z V) V // a·x + (c·y)·z (a = 1: x + (c·y)·z)
	scale(x V, c S) V                // x·c
	root(x V, c, e S) V              // √x / c + e (c = 1: √x + e)
	div(x, y V) V                    // x / y
	maximum(x, y V) V                // the larger, NaN if either is
	ifFirst(first, later V) V        // first at the first step, later after it
	set(dst, v V) V                  // v becomes dst's value; returns dst's new value
	update(w V, a S, d V) V          // set(w, axpy(w, a, d)), in one pass where it can be
}

// inPlace is the algebra of Step on float32 or float64 elements: values
// are slices of one chunk of a parameter (runChunks), of the parameter,
// its gradient and state or scratch ones reused from step to step, and scalars are float64s, converted to T
// where they meet the elements, as PyTorch converts its Python numbers.
//
// Each operation is computed when the next one begins, not at once: set
// of the last result writes it straight into the state tensor, in the
// one pass that computes it, and update of the last result adds it into
// the parameter in the same pass, so that a rule costs no more passes
// over memory than a loop written for it by hand would.
type inPlace[T float] struct {
	rate, t float64
	scratch [][]T
	used    int    // scratch slices handed out for the current chunk
	state   [4][]T // the current chunk's state slices
	full    [4][]T // the current parameter's state slices
	last    deferred[T]
}

// deferred is an operation not yet computed: out = kind(x, y, z; c, d, e).
type deferred[T float] struct {
	kind    opKind
	out     []T
	x, y, z []T
	c, d, e T
}

type opKind uint8

const (
	none      opKind = iota
	axpyOp           // x + c·y
	axpbyOp          // c·x + d·y
	addcmulOp        // e·x + (c·y)·z
	scaleOp          // x·c
	rootOp           // √x / c + e
	divOp            // x / y
	maxOp            // max(x, y)
)

// eval computes op into out; out may be one of its inputs.
func (op *deferred[T]) eval(out []T) {
	x, y, z, c, d, e := op.x, op.y, op.z, op.c, op.d, op.e
	switch op.kind {
	case axpyOp:
		y = y[:len(x)]
		for i, v := range x {
			out[i] = v + c*y[i]
		}
	case axpbyOp:
		y = y[:len(x)]
		for i, v := range x {
			out[i] = c*v + d*y[i]
		}
	case addcmulOp:
		y, z = y[:len(x)], z[:len(x)]
		for i, v := range x {
			out[i] = e*v + c*y[i]*z[i]
		}
	case scaleOp:
		for i, v := range x {
			out[i] = v * c
		}
	case rootOp:
		for i, v := range x {
			out[i] = T(math.Sqrt(float64(v)))/c + e
		}
	case divOp:
		y = y[:len(x)]
		for i, v := range x {
			out[i] = v / y[i]
		}
	case maxOp:
		y = y[:len(x)]
		for i, v := range x {
			out[i] = max(v, y[i])
		}
	}
}

// begin starts a chunk: every scratch slice is free again. An operation
// still deferred from the last chunk's rule is dropped: nothing read its
// result.
func (a *inPlace[T]) begin() { a.last, a.used = deferred[T]{}, 0 }

// flush computes the deferred operation into its scratch slice.
func (a *inPlace[T]) flush() {
	if a.last.kind != none {
		a.last.eval(a.last.out)
		a.last = deferred[T]{}
	}
}

// later returns the scratch slice of an operation that is computed when
// the next begins, or by set or update of it.
func (a *inPlace[T]) later(kind opKind, x, y, z []T, c, d, e float64) []T {
	a.flush()
	o := a.out(len(x))
	a.last = deferred[T]{kind: kind, out: o, x: x, y: y, z: z, c: T(c), d: T(d), e: T(e)}
	return o
}

// pending reports whether v is the deferred operation's result.
func (a *inPlace[T]) pending(v []T) bool {
	return a.last.kind != none && len(v) > 0 && len(a.last.out) > 0 && &v[0] == &a.last.out[0]
}

// out returns a scratch slice of n elements.
func (a *inPlace[T]) out(n int) []T {
	if a.used == len(a.scratch) {
		a.scratch = append(a.scratch, nil)
	}
	s := a.scratch[a.used]
	if cap(s) < n {
		s = make([]T, n)
		a.scratch[a.used] = s
	}
	a.used++
	return s[:n]
}

func (a *inPlace[T]) num(c float64) float64     { return c }
func (a *inPlace[T]) lr() float64               { return a.rate }
func (a *inPlace[T]) step() float64             { return a.t }
func (a *inPlace[T]) sadd(x, y float64) float64 { return x + y }
func (a *inPlace[T]) ssub(x, y float64) float64 { return x - y }
func (a *inPlace[T]) smul(x, y float64) float64 { return x * y }
func (a *inPlace[T]) sdiv(x, y float64) float64 { return x / y }
func (a *inPlace[T]) spow(x, y float64) float64 { return math.Pow(x, y) }
func (a *inPlace[T]) ssqrt(x float64) float64   { return math.Sqrt(x) }

func (a *inPlace[T]) axpy(y []T, c float64, x []T) []T { return a.later(axpyOp, y, x, nil, c, 0, 0) }
func (a *inPlace[T]) axpby(c float64, x []T, d float64, y []T) []T {
	return a.later(axpbyOp, x, y, nil, c, d, 0)
}
func (a *inPlace[T]) addcmul(e float64, x []T, c float64, y, z []T) []T {
	return a.later(addcmulOp, x, y, z, c, 0, e)
}
func (a *inPlace[T]) scale(x []T, c float64) []T   { return a.later(scaleOp, x, nil, nil, c, 0, 0) }
func (a *inPlace[T]) root(x []T, c, e float64) []T { return a.later(rootOp, x, nil, nil, c, 0, e) }
func (a *inPlace[T]) div(x, y []T) []T             { return a.later(divOp, x, y, nil, 0, 0, 0) }
func (a *inPlace[T]) maximum(x, y []T) []T         { return a.later(maxOp, x, y, nil, 0, 0, 0) }

func (a *inPlace[T]) ifFirst(first, later []T) []T {
	if a.t == 1 {
		return first
	}
	return later
}

// set writes v into dst: if v is the deferred result, computed straight
// into dst (the operation reads each element before it writes it, so
// dst may be one of its inputs).
func (a *inPlace[T]) set(dst, v []T) []T {
	if a.pending(v) {
		a.last.eval(dst)
		a.last = deferred[T]{}
		return dst
	}
	a.flush()
	copy(dst, v)
	return dst
}

// update adds c·d into w; for a deferred division d, in the pass that
// divides.
func (a *inPlace[T]) update(w []T, c float64, d []T) []T {
	if a.pending(d) && a.last.kind == divOp {
		x, y, k := a.last.x[:len(w)], a.last.y[:len(w)], T(c)
		for i := range w {
			w[i] += k * (x[i] / y[i])
		}
		a.last = deferred[T]{}
		return w
	}
	a.flush()
	axpy(T(c), d, w)
	return w
}

// graphAlgebra is the algebra of StepGraph: values and scalars are nodes
// of a graph, scalars of shape [] and the parameters' element type.
type graphAlgebra struct {
	g       *ad.Graph
	dtype   tensor.DType
	rate, t ad.Node
	// owner maps each node that set or update made the value of a
	// parameter or a state tensor to its slot; values holds each slot's
	// latest value.
	owner  map[int]int
	values []ad.Node
}

// slot registers n, a parameter's or state tensor's node before the step,
// as the slot i.
func (a *graphAlgebra) slot(n ad.Node) {
	a.owner[n.ID()] = len(a.values)
	a.values = append(a.values, n)
}

func (a *graphAlgebra) num(c float64) ad.Node { return a.g.Const(tensor.Full(a.dtype, c)) }
func (a *graphAlgebra) lr() ad.Node           { return a.rate }
func (a *graphAlgebra) step() ad.Node         { return a.t }
func (a *graphAlgebra) sadd(x, y ad.Node) ad.Node {
	return ops.Add(x, y)
}
func (a *graphAlgebra) ssub(x, y ad.Node) ad.Node { return ops.Sub(x, y) }
func (a *graphAlgebra) smul(x, y ad.Node) ad.Node { return ops.Mul(x, y) }
func (a *graphAlgebra) sdiv(x, y ad.Node) ad.Node { return ops.Div(x, y) }
func (a *graphAlgebra) spow(x, y ad.Node) ad.Node { return ops.Pow(x, y) }
func (a *graphAlgebra) ssqrt(x ad.Node) ad.Node   { return ops.Sqrt(x) }

func (a *graphAlgebra) axpy(y, c, x ad.Node) ad.Node { return ops.Add(y, ops.Mul(c, x)) }
func (a *graphAlgebra) axpby(c, x, d, y ad.Node) ad.Node {
	return ops.Add(ops.Mul(c, x), ops.Mul(d, y))
}
func (a *graphAlgebra) addcmul(e, x, c, y, z ad.Node) ad.Node {
	return ops.Add(ops.Mul(x, e), ops.Mul(ops.Mul(c, y), z))
}
func (a *graphAlgebra) scale(x, c ad.Node) ad.Node   { return ops.Mul(x, c) }
func (a *graphAlgebra) root(x, c, e ad.Node) ad.Node { return ops.Add(ops.Div(ops.Sqrt(x), c), e) }
func (a *graphAlgebra) div(x, y ad.Node) ad.Node     { return ops.Div(x, y) }
func (a *graphAlgebra) maximum(x, y ad.Node) ad.Node {
	return ops.Maximum(x, y)
}

// ifFirst chooses where relu(2 - t) is nonzero: at t = 1 only, for the
// whole-numbered steps. (A comparison would give a mask computed once,
// as a constant; relu is an operation of the graph, which an exported
// step computes anew each time.)
func (a *graphAlgebra) ifFirst(first, later ad.Node) ad.Node {
	return ops.Where(ops.ReLU(ops.Sub(a.num(2), a.t)), first, later)
}

func (a *graphAlgebra) set(dst, v ad.Node) ad.Node {
	i, ok := a.owner[dst.ID()]
	if !ok {
		panic("optim: set of a value that is no parameter's or state's")
	}
	a.owner[v.ID()] = i
	a.values[i] = v
	return v
}

func (a *graphAlgebra) update(w, c, d ad.Node) ad.Node { return a.set(w, a.axpy(w, c, d)) }
