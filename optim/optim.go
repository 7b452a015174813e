package optim

import (
	"fmt"
	"math"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/nn"
	"github.com/seed812a03d2/backprop/tensor"
)

// An Optimizer updates parameters in place from their gradients.
type Optimizer interface {
	// Step updates every parameter from its Grad, in place; it
	// allocates nothing.
	Step()
	// LR returns the learning rate of the next step.
	LR() float64
	// SetLR sets the learning rate of the steps that follow (what a
	// schedule does).
	SetLR(lr float64)
	// Steps returns the number of steps taken.
	Steps() int
	// State returns the optimizer's own tensors (moments, buffers), named
	// after their parameters ("fc1.weight.exp_avg"), as buffers: with
	// Steps and SetSteps, what a checkpoint saves and loads.
	State() []*nn.Param
	// SetSteps sets the number of steps taken, when a checkpoint is loaded.
	SetSteps(n int)
}

type float interface{ ~float32 | ~float64 }

// base is what every optimizer keeps: its parameters, learning rate,
// step count and named state, and the algebras that run its rule.
type base struct {
	params []*nn.Param
	lr     float64
	steps  int
	state  []*nn.Param
	// slots[i] lists, in the order the rule takes them, the indices in
	// state of parameter i's state tensors.
	slots [][]int

	a32 inPlace[float32]
	a64 inPlace[float64]
}

func newBase(op string, params []*nn.Param, lr float64) base {
	if !(lr >= 0) {
		panic(fmt.Errorf("optim: %s: learning rate %v is not ≥ 0", op, lr))
	}
	var ps []*nn.Param
	for _, p := range params {
		if !p.Buffer {
			ps = append(ps, p)
		}
	}
	return base{params: ps, lr: lr, slots: make([][]int, len(ps))}
}

func (b *base) LR() float64        { return b.lr }
func (b *base) SetLR(lr float64)   { b.lr = lr }
func (b *base) Steps() int         { return b.steps }
func (b *base) SetSteps(n int)     { b.steps = n }
func (b *base) State() []*nn.Param { return b.state }

// buffers adds to each parameter's state a tensor filled with fill, named
// after the parameter with the suffix.
func (b *base) buffers(suffix string, fill float64) {
	for i, p := range b.params {
		t := tensor.Full(p.Value.DType(), fill, p.Value.Shape()...)
		b.slots[i] = append(b.slots[i], len(b.state))
		b.state = append(b.state, nn.NewBuffer(p.Name+"."+suffix, t))
	}
}

// step runs one step of the rule, given as its instances for float32 and
// float64 elements, on every parameter in place, and counts it.
func (b *base) step(r32 func(a algebra[[]float32, float64], w, g []float32, s [][]float32), r64 func(a algebra[[]float64, float64], w, g []float64, s [][]float64)) {
	t := float64(b.steps + 1)
	b.a32.rate, b.a32.t = b.lr, t
	b.a64.rate, b.a64.t = b.lr, t
	for i, p := range b.params {
		if p.Value.DType() == tensor.Float32 {
			full := b.a32.full[:len(b.slots[i])]
			for k, j := range b.slots[i] {
				full[k] = b.state[j].Value.Float32s()
			}
			runChunks(&b.a32, r32, p.Value.Float32s(), p.Grad.Float32s(), full)
			continue
		}
		full := b.a64.full[:len(b.slots[i])]
		for k, j := range b.slots[i] {
			full[k] = b.state[j].Value.Float64s()
		}
		runChunks(&b.a64, r64, p.Value.Float64s(), p.Grad.Float64s(), full)
	}
	b.steps++
}

// chunk is the number of elements a rule runs on at a time in place: its
// passes over a chunk's parameter, gradient, state and scratch values
// stay in the core's caches. The rules are element-wise, so the chunks
// give the numbers that whole tensors would.
const chunk = 2048

// runChunks runs the rule r on w, its gradient g and its state full, a
// chunk at a time. The state's chunks are kept in the algebra: passed to a
// function value, a local array would escape to the heap.
func runChunks[T float](a *inPlace[T], r func(a algebra[[]T, float64], w, g []T, s [][]T), w, g []T, full [][]T) {
	s := a.state[:len(full)]
	for lo := 0; lo < len(w); lo += chunk {
		hi := min(lo+chunk, len(w))
		for k, f := range full {
			s[k] = f[lo:hi]
		}
		a.begin()
		r(a, w[lo:hi], g[lo:hi], s)
	}
}

// GraphStep is one optimizer step recorded as operations of a graph (see
// StepGraph). StepGraph reads the fields marked in and sets those marked
// out.
type GraphStep struct {
	// Params are the trainable parameters' nodes, in the order the
	// optimizer was given them (in), and their values after the step
	// (out).
	Params []ad.Node
	// Grads are their gradients (in).
	Grads []ad.Node
	// State are the optimizer's state tensors, in the order of State (in),
	// and their values after the step (out).
	State []ad.Node
	// LR and Step are the learning rate and the number of this step, 1
	// at the first: scalars (shape []) of the parameters' element type
	// (in).
	LR, Step ad.Node
}

// A GraphStepper is an Optimizer whose step can be recorded in a graph:
// each of this package's. The graph computes what Step computes, with the
// same arithmetic in the same order, from one definition of the rule
// (Step may fuse the update's multiply-add where the CPU has FMA).
type GraphStepper interface {
	Optimizer
	// StepGraph records one step as operations on s's nodes (see
	// GraphStep). It panics if the numbers of nodes do not match the
	// optimizer's parameters and state.
	StepGraph(s *GraphStep)
}

// stepGraph runs the rule r with the graph algebra on s.
func (b *base) stepGraph(op string, s *GraphStep, r func(a algebra[ad.Node, ad.Node], w, g ad.Node, st []ad.Node)) {
	if len(s.Params) != len(b.params) || len(s.Grads) != len(b.params) || len(s.State) != len(b.state) {
		panic(fmt.Errorf("optim: %s.StepGraph: %d parameters, %d gradients and %d state tensors; the optimizer has %d parameters and %d state tensors",
			op, len(s.Params), len(s.Grads), len(s.State), len(b.params), len(b.state)))
	}
	if !s.LR.Valid() || !s.Step.Valid() {
		panic(fmt.Errorf("optim: %s.StepGraph: no learning rate or step node", op))
	}
	a := &graphAlgebra{g: s.LR.Graph(), dtype: s.LR.DType(), rate: s.LR, t: s.Step, owner: map[int]int{}}
	for _, n := range s.Params {
		a.slot(n)
	}
	for _, n := range s.State {
		a.slot(n)
	}
	for i := range b.params {
		st := make([]ad.Node, len(b.slots[i]))
		for k, j := range b.slots[i] {
			st[k] = a.values[len(b.params)+j]
		}
		r(a, a.values[i], s.Grads[i], st)
	}
	copy(s.Params, a.values[:len(b.params)])
	copy(s.State, a.values[len(b.params):])
}

// ClipGradNorm scales the gradients of params so that their global L2
// norm, over all of them as one vector, is at most maxNorm, as PyTorch's
// clip_grad_norm_: each gradient is multiplied by
// min(1, maxNorm/(norm + 1e-6)). It returns the norm before clipping.
func ClipGradNorm(params []*nn.Param, maxNorm float64) float64 {
	var sum float64
	for _, p := range params {
		if p.Buffer {
			continue
		}
		if p.Grad.DType() == tensor.Float32 {
			sum += sumSquares(p.Grad.Float32s())
		} else {
			sum += sumSquares(p.Grad.Float64s())
		}
	}
	norm := math.Sqrt(sum)
	c := maxNorm / (norm + 1e-6)
	if c < 1 {
		for _, p := range params {
			if !p.Buffer {
				scale(p.Grad, c)
			}
		}
	}
	return norm
}

func scale(t *tensor.Tensor, c float64) {
	if t.DType() == tensor.Float32 {
		d := t.Float32s()
		for i := range d {
			d[i] *= float32(c)
		}
		return
	}
	d := t.Float64s()
	for i := range d {
		d[i] *= c
	}
}

// ClipGradValue clamps every gradient element of params to [-v, v], as
// PyTorch's clip_grad_value_.
func ClipGradValue(params []*nn.Param, v float64) {
	for _, p := range params {
		if p.Buffer {
			continue
		}
		if p.Grad.DType() == tensor.Float32 {
			clampTo(p.Grad.Float32s(), float32(v))
		} else {
			clampTo(p.Grad.Float64s(), v)
		}
	}
}

func sumSquares[T float](d []T) float64 {
	var s float64
	for _, x := range d {
		s += float64(x) * float64(x)
	}
	return s
}

func clampTo[T float](d []T, v T) {
	for i, x := range d {
		d[i] = min(max(x, -v), v)
	}
}
