package optim

// The update rules, one type per optimizer, each following PyTorch's
// algorithm (torch.optim, version 1.13) line by line: the same arithmetic
// in the same order, so that float64 results agree with PyTorch's to the
// last bits or nearly (the tests hold them to 1e-12).

import (
	"fmt"
	"math"

	"github.com/seed812a03d2/backprop/nn"
	"github.com/seed812a03d2/backprop/tensor"
)

// SGDConfig configures SGD. The zero value is plain SGD with learning
// rate 0.
type SGDConfig struct {
	LR          float64
	Momentum    float64 // 0 for none
	Dampening   float64
	Nesterov    bool // needs Momentum > 0 and Dampening 0
	WeightDecay float64
}

// SGD is stochastic gradient descent with optional momentum, Nesterov
// momentum and L2 weight decay: with d = grad + wd·p, the momentum buffer
// b = μ·b + (1 - dampening)·d (b = d at the first step), and the step
// p -= lr·(d + μ·b) for Nesterov, p -= lr·b otherwise.
type SGD struct {
	base
	cfg SGDConfig
	buf []*tensor.Tensor
}

// NewSGD returns an SGD optimizer of the trainable parameters of params.
// It panics if the configuration is invalid.
func NewSGD(params []*nn.Param, cfg SGDConfig) *SGD {
	if cfg.Nesterov && (cfg.Momentum <= 0 || cfg.Dampening != 0) {
		panic(fmt.Errorf("optim: SGD: Nesterov momentum needs a momentum > 0 and zero dampening"))
	}
	o := &SGD{base: newBase("SGD", params, cfg.LR), cfg: cfg}
	if cfg.Momentum != 0 {
		o.buf = o.buffers("momentum_buffer", 0)
	}
	return o
}

// Step takes one step.
func (o *SGD) Step() {
	c := o.cfg
	first := o.steps == 0
	for i, p := range o.params {
		var st []*tensor.Tensor
		if o.buf != nil {
			st = o.buf[i : i+1]
		}
		each(p, st, func(w, g []float32, s [4][]float32) {
			sgd(w, g, s, c, o.lr, first)
		}, func(w, g []float64, s [4][]float64) {
			sgd(w, g, s, c, o.lr, first)
		})
	}
	o.steps++
}

func sgd[T float](w, g []T, s [4][]T, c SGDConfig, lr float64, first bool) {
	wd, mu, damp, rate := T(c.WeightDecay), T(c.Momentum), T(1-c.Dampening), T(lr)
	g = g[:len(w)]
	if mu == 0 {
		// Plain SGD, the common case: w += -lr·g in the vector kernels,
		// one fused multiply-add (one rounding) an element where the CPU
		// has FMA, two roundings otherwise.
		if wd == 0 {
			axpy(-rate, g, w)
			return
		}
		for j, d := range g {
			w[j] -= rate * (d + wd*w[j])
		}
		return
	}
	b := s[0][:len(w)]
	for j := range w {
		d := g[j]
		if wd != 0 {
			d += wd * w[j]
		}
		if first {
			b[j] = d
		} else {
			b[j] = mu*b[j] + damp*d
		}
		if c.Nesterov {
			d += mu * b[j]
		} else {
			d = b[j]
		}
		w[j] -= rate * d
	}
}

// AdamConfig configures Adam and AdamW.
type AdamConfig struct {
	LR, Beta1, Beta2, Eps float64
	WeightDecay           float64
	AMSGrad               bool
}

// DefaultAdam returns PyTorch's defaults for Adam: learning rate 1e-3,
// betas 0.9 and 0.999, eps 1e-8, no weight decay.
func DefaultAdam() AdamConfig { return AdamConfig{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8} }

// DefaultAdamW returns PyTorch's defaults for AdamW: Adam's, with weight
// decay 0.01.
func DefaultAdamW() AdamConfig {
	c := DefaultAdam()
	c.WeightDecay = 0.01
	return c
}

// Adam is the Adam optimizer (Kingma and Ba, 2015): with d = grad + wd·p
// (L2 decay), m = β1·m + (1-β1)·d, v = β2·v + (1-β2)·d², and at step t
// p -= lr/(1-β1ᵗ) · m/(√v/√(1-β2ᵗ) + eps); with AMSGrad the running
// maximum of v replaces v. AdamW (Loshchilov and Hutter, 2019) decays the
// weights directly instead, p *= 1 - lr·wd, before the same step.
type Adam struct {
	base
	cfg        AdamConfig
	decoupled  bool
	m, v, vmax []*tensor.Tensor
}

// NewAdam returns an Adam optimizer of the trainable parameters of params.
func NewAdam(params []*nn.Param, cfg AdamConfig) *Adam { return newAdam("Adam", params, cfg, false) }

// NewAdamW returns an AdamW optimizer: Adam with decoupled weight decay.
func NewAdamW(params []*nn.Param, cfg AdamConfig) *Adam { return newAdam("AdamW", params, cfg, true) }

func newAdam(op string, params []*nn.Param, cfg AdamConfig, decoupled bool) *Adam {
	if !(cfg.Beta1 >= 0 && cfg.Beta1 < 1 && cfg.Beta2 >= 0 && cfg.Beta2 < 1 && cfg.Eps >= 0) {
		panic(fmt.Errorf("optim: %s: betas %v, %v must be in [0, 1) and eps %v ≥ 0", op, cfg.Beta1, cfg.Beta2, cfg.Eps))
	}
	o := &Adam{base: newBase(op, params, cfg.LR), cfg: cfg, decoupled: decoupled}
	o.m = o.buffers("exp_avg", 0)
	o.v = o.buffers("exp_avg_sq", 0)
	if cfg.AMSGrad {
		o.vmax = o.buffers("max_exp_avg_sq", 0)
	}
	return o
}

type adamStep struct {
	lr, wd, b1, b2, eps, bc1, bc2sqrt float64
	decoupled, ams                    bool
}

// Step takes one step.
func (o *Adam) Step() {
	o.steps++
	t := float64(o.steps)
	c := o.cfg
	a := adamStep{lr: o.lr, wd: c.WeightDecay, b1: c.Beta1, b2: c.Beta2, eps: c.Eps,
		bc1: 1 - math.Pow(c.Beta1, t), bc2sqrt: math.Sqrt(1 - math.Pow(c.Beta2, t)),
		decoupled: o.decoupled, ams: c.AMSGrad}
	for i, p := range o.params {
		st := [3]*tensor.Tensor{o.m[i], o.v[i]}
		n := 2
		if c.AMSGrad {
			st[2], n = o.vmax[i], 3
		}
		each(p, st[:n], func(w, g []float32, s [4][]float32) { adam(w, g, s, a) },
			func(w, g []float64, s [4][]float64) { adam(w, g, s, a) })
	}
}

func adam[T float](w, g []T, s [4][]T, a adamStep) {
	m, v := s[0], s[1]
	b1, b2, eps := T(a.b1), T(a.b2), T(a.eps)
	decay := T(1 - a.lr*a.wd)
	wd := T(a.wd)
	stepSize := T(a.lr / a.bc1)
	bc2 := T(a.bc2sqrt)
	for j := range w {
		d := g[j]
		if a.decoupled {
			w[j] *= decay
		} else if wd != 0 {
			d += wd * w[j]
		}
		m[j] = b1*m[j] + (1-b1)*d
		v[j] = b2*v[j] + (1-b2)*d*d
		vv := v[j]
		if a.ams {
			s[2][j] = max(s[2][j], vv)
			vv = s[2][j]
		}
		denom := T(math.Sqrt(float64(vv)))/bc2 + eps
		w[j] -= stepSize * (m[j] / denom)
	}
}

// RMSPropConfig configures RMSProp.
type RMSPropConfig struct {
	LR, Alpha, Eps, Momentum, WeightDecay float64
	Centered                              bool
}

// DefaultRMSProp returns PyTorch's defaults: learning rate 0.01, alpha
// 0.99, eps 1e-8, no momentum or decay, not centred.
func DefaultRMSProp() RMSPropConfig { return RMSPropConfig{LR: 0.01, Alpha: 0.99, Eps: 1e-8} }

// RMSProp divides the gradient by a running root mean square: with
// d = grad + wd·p, s = α·s + (1-α)·d², the denominator r = √s + eps (√(s -
// ḡ²) + eps when centred, with ḡ the running mean of d), and the step
// p -= lr·d/r, or with momentum b = μ·b + d/r and p -= lr·b.
type RMSProp struct {
	base
	cfg          RMSPropConfig
	sq, avg, buf []*tensor.Tensor
}

// NewRMSProp returns an RMSProp optimizer of the trainable parameters of
// params.
func NewRMSProp(params []*nn.Param, cfg RMSPropConfig) *RMSProp {
	o := &RMSProp{base: newBase("RMSProp", params, cfg.LR), cfg: cfg}
	o.sq = o.buffers("square_avg", 0)
	if cfg.Momentum > 0 {
		o.buf = o.buffers("momentum_buffer", 0)
	}
	if cfg.Centered {
		o.avg = o.buffers("grad_avg", 0)
	}
	return o
}

// Step takes one step.
func (o *RMSProp) Step() {
	o.steps++
	c := o.cfg
	for i, p := range o.params {
		st := [3]*tensor.Tensor{o.sq[i]}
		n := 1
		if c.Momentum > 0 {
			st[n] = o.buf[i]
			n++
		}
		if c.Centered {
			st[n] = o.avg[i]
			n++
		}
		each(p, st[:n], func(w, g []float32, s [4][]float32) { rmsprop(w, g, s, c, o.lr) },
			func(w, g []float64, s [4][]float64) { rmsprop(w, g, s, c, o.lr) })
	}
}

func rmsprop[T float](w, g []T, s [4][]T, c RMSPropConfig, lr float64) {
	alpha, eps, mu, wd, rate := T(c.Alpha), T(c.Eps), T(c.Momentum), T(c.WeightDecay), T(lr)
	sq := s[0]
	var buf, avg []T
	k := 1
	if c.Momentum > 0 {
		buf = s[k]
		k++
	}
	if c.Centered {
		avg = s[k]
	}
	for j := range w {
		d := g[j]
		if wd != 0 {
			d += wd * w[j]
		}
		sq[j] = alpha*sq[j] + (1-alpha)*d*d
		var r T
		if avg != nil {
			avg[j] = alpha*avg[j] + (1-alpha)*d
			r = T(math.Sqrt(float64(sq[j]-avg[j]*avg[j]))) + eps
		} else {
			r = T(math.Sqrt(float64(sq[j]))) + eps
		}
		if buf != nil {
			buf[j] = mu*buf[j] + d/r
			w[j] -= rate * buf[j]
		} else {
			w[j] -= rate * (d / r)
		}
	}
}

// AdagradConfig configures Adagrad.
type AdagradConfig struct {
	LR, LRDecay, WeightDecay, InitialAccumulator, Eps float64
}

// DefaultAdagrad returns PyTorch's defaults: learning rate 0.01, eps
// 1e-10, no decay, accumulators starting at 0.
func DefaultAdagrad() AdagradConfig { return AdagradConfig{LR: 0.01, Eps: 1e-10} }

// Adagrad scales each element's step by the root of its summed squared
// gradients (Duchi et al., 2011): with d = grad + wd·p, s += d², and at
// step t the rate lr/(1 + (t-1)·lr_decay), p -= rate·d/(√s + eps).
type Adagrad struct {
	base
	cfg AdagradConfig
	sum []*tensor.Tensor
}

// NewAdagrad returns an Adagrad optimizer of the trainable parameters of
// params.
func NewAdagrad(params []*nn.Param, cfg AdagradConfig) *Adagrad {
	o := &Adagrad{base: newBase("Adagrad", params, cfg.LR), cfg: cfg}
	o.sum = o.buffers("sum", cfg.InitialAccumulator)
	return o
}

// Step takes one step.
func (o *Adagrad) Step() {
	o.steps++
	c := o.cfg
	clr := o.lr / (1 + float64(o.steps-1)*c.LRDecay)
	for i, p := range o.params {
		each(p, o.sum[i:i+1], func(w, g []float32, s [4][]float32) { adagrad(w, g, s[0], c, clr) },
			func(w, g []float64, s [4][]float64) { adagrad(w, g, s[0], c, clr) })
	}
}

func adagrad[T float](w, g, sum []T, c AdagradConfig, clr float64) {
	wd, eps, rate := T(c.WeightDecay), T(c.Eps), T(clr)
	for j := range w {
		d := g[j]
		if wd != 0 {
			d += wd * w[j]
		}
		sum[j] += d * d
		w[j] -= rate * (d / (T(math.Sqrt(float64(sum[j]))) + eps))
	}
}

// axpy sets y += alpha·x with tensor's vector kernels.
func axpy[T float](alpha T, x, y []T) {
	switch yv := any(y).(type) {
	case []float32:
		tensor.AxpyFloat32(float32(alpha), any(x).([]float32), yv)
	case []float64:
		tensor.AxpyFloat64(float64(alpha), any(x).([]float64), yv)
	default:
		x = x[:len(y)]
		for j, v := range x {
			y[j] += alpha * v
		}
	}
}
