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
// PyTorch's.
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

	axpy(y V, a S, x V) V       // y + a·x
	axpby(a S, x V, b S, y V) V // a·x + b·y
	addcmul(x V, c S, y, z V) V // x + (c·y)·z
	scale(x V, c S) V           // x·c
	shift(x V, c S) V           // x + c
	divs(x V, c S) V            // x / c
	div(x, y V) V               // x / y
	sqrt(x V) V                 // √x
	maximum(x, y V) V           // the larger, NaN if either is
	ifFirst(first, later V) V   // first at the first step, later after it
	set(dst, v V) V             // v becomes dst's value; returns dst's new value
	update(w V, a S, d V) V     // set(w, axpy(w, a, d)), in one pass where it can be
}

// inPlace is the algebra of Step on float32 or float64 elements: values
// are slices of one parameter's length, state slices or scratch ones
// reused from step to step, and scalars are float64s, converted to T
// where they meet the elements, as PyTorch converts its Python numbers.
type inPlace[T float] struct {
	rate, t float64
	scratch [][]T
	used    int    // scratch slices handed out for the current parameter
	state   [4][]T // the current parameter's state slices
}

// begin starts a parameter: every scratch slice is free again.
func (a *inPlace[T]) begin() { a.used = 0 }

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

func (a *inPlace[T]) axpy(y []T, c float64, x []T) []T {
	o, k := a.out(len(y)), T(c)
	for i, v := range y {
		o[i] = v + k*x[i]
	}
	return o
}

func (a *inPlace[T]) axpby(c float64, x []T, d float64, y []T) []T {
	o, k, l := a.out(len(x)), T(c), T(d)
	for i, v := range x {
		o[i] = k*v + l*y[i]
	}
	return o
}

func (a *inPlace[T]) addcmul(x []T, c float64, y, z []T) []T {
	o, k := a.out(len(x)), T(c)
	for i, v := range x {
		o[i] = v + k*y[i]*z[i]
	}
	return o
}

func (a *inPlace[T]) scale(x []T, c float64) []T {
	o, k := a.out(len(x)), T(c)
	for i, v := range x {
		o[i] = v * k
	}
	return o
}

func (a *inPlace[T]) shift(x []T, c float64) []T {
	o, k := a.out(len(x)), T(c)
	for i, v := range x {
		o[i] = v + k
	}
	return o
}

func (a *inPlace[T]) divs(x []T, c float64) []T {
	o, k := a.out(len(x)), T(c)
	for i, v := range x {
		o[i] = v / k
	}
	return o
}

func (a *inPlace[T]) div(x, y []T) []T {
	o := a.out(len(x))
	for i, v := range x {
		o[i] = v / y[i]
	}
	return o
}

func (a *inPlace[T]) sqrt(x []T) []T {
	o := a.out(len(x))
	for i, v := range x {
		o[i] = T(math.Sqrt(float64(v)))
	}
	return o
}

func (a *inPlace[T]) maximum(x, y []T) []T {
	o := a.out(len(x))
	for i, v := range x {
		o[i] = max(v, y[i])
	}
	return o
}

func (a *inPlace[T]) ifFirst(first, later []T) []T {
	if a.t == 1 {
		return first
	}
	return later
}

func (a *inPlace[T]) set(dst, v []T) []T {
	copy(dst, v)
	return dst
}

func (a *inPlace[T]) update(w []T, c float64, d []T) []T {
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
func (a *graphAlgebra) addcmul(x, c, y, z ad.Node) ad.Node {
	return ops.Add(x, ops.Mul(ops.Mul(c, y), z))
}
func (a *graphAlgebra) scale(x, c ad.Node) ad.Node { return ops.Mul(x, c) }
func (a *graphAlgebra) shift(x, c ad.Node) ad.Node { return ops.Add(x, c) }
func (a *graphAlgebra) divs(x, c ad.Node) ad.Node  { return ops.Div(x, c) }
func (a *graphAlgebra) div(x, y ad.Node) ad.Node   { return ops.Div(x, y) }
func (a *graphAlgebra) sqrt(x ad.Node) ad.Node     { return ops.Sqrt(x) }
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
