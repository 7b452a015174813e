package optim

// The update rules, one type per optimizer, each following PyTorch's
// algorithm (torch.optim, version 1.13) line by line: the same arithmetic
// in the same order, so that float64 results agree with PyTorch's to the
// last bits or nearly (the tests hold them to 1e-12). Each rule is one
// function of an algebra (algebra.go), which Step runs in place and
// StepGraph records in a graph.

import (
	"fmt"

	"github.com/seed812a03d2/backprop/ad"
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
}

// NewSGD returns an SGD optimizer of the trainable parameters of params.
// It panics if the configuration is invalid.
func NewSGD(params []*nn.Param, cfg SGDConfig) *SGD {
	if cfg.Nesterov && (cfg.Momentum <= 0 || cfg.Dampening != 0) {
		panic(fmt.Errorf("optim: SGD: Nesterov momentum needs a momentum > 0 and zero dampening"))
	}
	o := &SGD{base: newBase("SGD", params, cfg.LR), cfg: cfg}
	if cfg.Momentum != 0 {
		o.buffers("momentum_buffer", 0)
	}
	return o
}

// Step takes one step.
func (o *SGD) Step() {
	c := o.cfg
	o.step(func(a algebra[[]float32, float64], w, g []float32, s [][]float32) { sgd(a, c, w, g, s) },
		func(a algebra[[]float64, float64], w, g []float64, s [][]float64) { sgd(a, c, w, g, s) })
}

// StepGraph records one step in a graph (see GraphStepper).
func (o *SGD) StepGraph(s *GraphStep) {
	c := o.cfg
	o.stepGraph("SGD", s, func(a algebra[ad.Node, ad.Node], w, g ad.Node, st []ad.Node) { sgd(a, c, w, g, st) })
}

// sgd is SGD's rule for the parameter w, with gradient g and state s (the
// momentum buffer, with momentum).
func sgd[V, S any](a algebra[V, S], c SGDConfig, w, g V, s []V) {
	d := g
	if c.WeightDecay != 0 {
		d = a.axpy(d, a.num(c.WeightDecay), w)
	}
	if c.Momentum != 0 {
		b := a.set(s[0], a.ifFirst(d, a.axpby(a.num(c.Momentum), s[0], a.num(1-c.Dampening), d)))
		if c.Nesterov {
			d = a.axpy(d, a.num(c.Momentum), b)
		} else {
			d = b
		}
	}
	a.update(w, a.ssub(a.num(0), a.lr()), d)
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
	cfg       AdamConfig
	decoupled bool
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
	o.buffers("exp_avg", 0)
	o.buffers("exp_avg_sq", 0)
	if cfg.AMSGrad {
		o.buffers("max_exp_avg_sq", 0)
	}
	return o
}

// Step takes one step.
func (o *Adam) Step() {
	c, dec := o.cfg, o.decoupled
	o.step(func(a algebra[[]float32, float64], w, g []float32, s [][]float32) { adam(a, c, dec, w, g, s) },
		func(a algebra[[]float64, float64], w, g []float64, s [][]float64) { adam(a, c, dec, w, g, s) })
}

// StepGraph records one step in a graph (see GraphStepper).
func (o *Adam) StepGraph(s *GraphStep) {
	c, dec := o.cfg, o.decoupled
	o.stepGraph("Adam", s, func(a algebra[ad.Node, ad.Node], w, g ad.Node, st []ad.Node) { adam(a, c, dec, w, g, st) })
}

// adam is the rule of Adam and, if decoupled, AdamW, for the parameter w
// with gradient g and state s: the first and second moments, and with
// AMSGrad the maximum of the second.
func adam[V, S any](a algebra[V, S], c AdamConfig, decoupled bool, w, g V, s []V) {
	t := a.step()
	one := a.num(1)
	b1, b2 := a.num(c.Beta1), a.num(c.Beta2)
	bc1 := a.ssub(one, a.spow(b1, t))
	bc2sqrt := a.ssqrt(a.ssub(one, a.spow(b2, t)))
	stepSize := a.sdiv(a.lr(), bc1)
	d := g
	if decoupled {
		w = a.set(w, a.scale(w, a.ssub(one, a.smul(a.lr(), a.num(c.WeightDecay)))))
	} else if c.WeightDecay != 0 {
		d = a.axpy(d, a.num(c.WeightDecay), w)
	}
	m := a.set(s[0], a.axpby(b1, s[0], a.num(1-c.Beta1), d))
	v := a.set(s[1], a.addcmul(b2, s[1], a.num(1-c.Beta2), d, d))
	if c.AMSGrad {
		v = a.set(s[2], a.maximum(s[2], v))
	}
	denom := a.root(v, bc2sqrt, a.num(c.Eps))
	a.update(w, a.ssub(a.num(0), stepSize), a.div(m, denom))
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
	cfg RMSPropConfig
}

// NewRMSProp returns an RMSProp optimizer of the trainable parameters of
// params.
func NewRMSProp(params []*nn.Param, cfg RMSPropConfig) *RMSProp {
	o := &RMSProp{base: newBase("RMSProp", params, cfg.LR), cfg: cfg}
	o.buffers("square_avg", 0)
	if cfg.Momentum > 0 {
		o.buffers("momentum_buffer", 0)
	}
	if cfg.Centered {
		o.buffers("grad_avg", 0)
	}
	return o
}

// Step takes one step.
func (o *RMSProp) Step() {
	c := o.cfg
	o.step(func(a algebra[[]float32, float64], w, g []float32, s [][]float32) { rmsprop(a, c, w, g, s) },
		func(a algebra[[]float64, float64], w, g []float64, s [][]float64) { rmsprop(a, c, w, g, s) })
}

// StepGraph records one step in a graph (see GraphStepper).
func (o *RMSProp) StepGraph(s *GraphStep) {
	c := o.cfg
	o.stepGraph("RMSProp", s, func(a algebra[ad.Node, ad.Node], w, g ad.Node, st []ad.Node) { rmsprop(a, c, w, g, st) })
}

// rmsprop is RMSProp's rule for the parameter w with gradient g and state
// s: the squares' running mean, then with momentum its buffer, then when
// centred the gradients' running mean.
func rmsprop[V, S any](a algebra[V, S], c RMSPropConfig, w, g V, s []V) {
	alpha := a.num(c.Alpha)
	d := g
	if c.WeightDecay != 0 {
		d = a.axpy(d, a.num(c.WeightDecay), w)
	}
	sq := a.set(s[0], a.addcmul(alpha, s[0], a.num(1-c.Alpha), d, d))
	k := 1
	var buf V
	if c.Momentum > 0 {
		buf, k = s[k], k+1
	}
	var r V
	if c.Centered {
		avg := a.set(s[k], a.axpby(alpha, s[k], a.num(1-c.Alpha), d))
		r = a.root(a.addcmul(a.num(1), sq, a.num(-1), avg, avg), a.num(1), a.num(c.Eps))
	} else {
		r = a.root(sq, a.num(1), a.num(c.Eps))
	}
	rate := a.ssub(a.num(0), a.lr())
	if c.Momentum > 0 {
		b := a.set(buf, a.axpy(a.scale(buf, a.num(c.Momentum)), a.num(1), a.div(d, r)))
		a.update(w, rate, b)
		return
	}
	a.update(w, rate, a.div(d, r))
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
}

// NewAdagrad returns an Adagrad optimizer of the trainable parameters of
// params.
func NewAdagrad(params []*nn.Param, cfg AdagradConfig) *Adagrad {
	o := &Adagrad{base: newBase("Adagrad", params, cfg.LR), cfg: cfg}
	o.buffers("sum", cfg.InitialAccumulator)
	return o
}

// Step takes one step.
func (o *Adagrad) Step() {
	c := o.cfg
	o.step(func(a algebra[[]float32, float64], w, g []float32, s [][]float32) { adagrad(a, c, w, g, s) },
		func(a algebra[[]float64, float64], w, g []float64, s [][]float64) { adagrad(a, c, w, g, s) })
}

// StepGraph records one step in a graph (see GraphStepper).
func (o *Adagrad) StepGraph(s *GraphStep) {
	c := o.cfg
	o.stepGraph("Adagrad", s, func(a algebra[ad.Node, ad.Node], w, g ad.Node, st []ad.Node) { adagrad(a, c, w, g, st) })
}

// adagrad is Adagrad's rule for the parameter w with gradient g and state
// s, the sum of squares: at step t the rate lr/(1 + (t-1)·lr_decay).
func adagrad[V, S any](a algebra[V, S], c AdagradConfig, w, g V, s []V) {
	one := a.num(1)
	clr := a.sdiv(a.lr(), a.sadd(one, a.smul(a.ssub(a.step(), one), a.num(c.LRDecay))))
	d := g
	if c.WeightDecay != 0 {
		d = a.axpy(d, a.num(c.WeightDecay), w)
	}
	sum := a.set(s[0], a.addcmul(one, s[0], one, d, d))
	a.update(w, a.ssub(a.num(0), clr), a.div(d, a.root(sum, one, a.num(c.Eps))))
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
