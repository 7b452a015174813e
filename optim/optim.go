package optim

import (
	"fmt"
	"math"

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
// step count and named state.
type base struct {
	params []*nn.Param
	lr     float64
	steps  int
	state  []*nn.Param
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
	return base{params: ps, lr: lr}
}

func (b *base) LR() float64        { return b.lr }
func (b *base) SetLR(lr float64)   { b.lr = lr }
func (b *base) Steps() int         { return b.steps }
func (b *base) SetSteps(n int)     { b.steps = n }
func (b *base) State() []*nn.Param { return b.state }

// buffers returns one zero tensor per parameter, named after it with the
// suffix, and records them in the state.
func (b *base) buffers(suffix string, fill float64) []*tensor.Tensor {
	ts := make([]*tensor.Tensor, len(b.params))
	for i, p := range b.params {
		t := tensor.Full(p.Value.DType(), fill, p.Value.Shape()...)
		ts[i] = t
		b.state = append(b.state, nn.NewBuffer(p.Name+"."+suffix, t))
	}
	return ts
}

// each calls f32 or f64 with the float slices of parameter i's value,
// gradient and the state tensors, by element type.
func each(p *nn.Param, st []*tensor.Tensor, f32 func(w, g []float32, s [4][]float32), f64 func(w, g []float64, s [4][]float64)) {
	if p.Value.DType() == tensor.Float32 {
		var s [4][]float32
		for i, t := range st {
			s[i] = t.Float32s()
		}
		f32(p.Value.Float32s(), p.Grad.Float32s(), s)
		return
	}
	var s [4][]float64
	for i, t := range st {
		s[i] = t.Float64s()
	}
	f64(p.Value.Float64s(), p.Grad.Float64s(), s)
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
