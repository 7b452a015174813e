package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// Linear is the affine layer y = x·Wᵀ + b of PyTorch's Linear: x is
// [..., in], W is [out in] and b is [out].
type Linear struct {
	Weight *Param
	Bias   *Param // nil for a layer without bias
}

// NewLinear returns a Linear layer from in to out features with PyTorch's
// default initialisation, drawn from rng: W and b from
// U(-1/√in, 1/√in).
func NewLinear(rng *rand.Rand, dtype tensor.DType, in, out int) *Linear {
	return &Linear{
		Weight: NewParam("weight", defaultWeight(rng, dtype, out, in)),
		Bias:   NewParam("bias", defaultBias(rng, dtype, in, out)),
	}
}

// Forward returns x·Wᵀ + b. It panics with a *tensor.ShapeError if x's
// last axis is not the layer's input size.
func (l *Linear) Forward(x ad.Node) ad.Node {
	g := x.Graph()
	w := l.Weight.Node(g)
	var y ad.Node
	if len(x.Shape()) == 2 {
		y = ops.MatMulTransB(x, w)
	} else {
		s := x.Shape()
		in := 1
		if len(s) > 0 {
			in = s[len(s)-1]
		}
		out := w.Shape()[0]
		flat := ops.MatMulTransB(ops.Reshape(x, -1, in), w)
		y = ops.Reshape(flat, append(s[:len(s)-1:len(s)-1], out)...)
	}
	if l.Bias != nil {
		y = ops.Add(y, l.Bias.Node(g))
	}
	return y
}

// Params returns the weight and the bias.
func (l *Linear) Params() []*Param { return params(l.Weight, l.Bias) }

func params(ps ...*Param) []*Param {
	var out []*Param
	for _, p := range ps {
		if p != nil {
			out = append(out, p)
		}
	}
	return out
}

// Conv2d is the 2-d convolution layer of PyTorch's Conv2d on [N C H W]
// images: the weight is [out in/groups kH kW] and the bias [out].
type Conv2d struct {
	Weight  *Param
	Bias    *Param // nil for a layer without bias
	Options ops.Conv2dOptions
}

// NewConv2d returns a Conv2d layer from in to out channels with square
// kernels of the given size and PyTorch's default initialisation, drawn
// from rng: U(-1/√fan_in, 1/√fan_in) with fan_in = in/groups·k². Zero
// strides and dilations in opt mean 1, zero groups 1. It panics if the
// groups do not divide the channels.
func NewConv2d(rng *rand.Rand, dtype tensor.DType, in, out, kernel int, opt ops.Conv2dOptions) *Conv2d {
	if opt.Groups == 0 {
		opt.Groups = 1
	}
	for i := range 2 {
		if opt.Stride[i] == 0 {
			opt.Stride[i] = 1
		}
		if opt.Dilation[i] == 0 {
			opt.Dilation[i] = 1
		}
	}
	if opt.Groups < 0 || in%opt.Groups != 0 || out%opt.Groups != 0 {
		panic(fmt.Errorf("nn: NewConv2d: %d groups do not divide %d input and %d output channels", opt.Groups, in, out))
	}
	w := defaultWeight(rng, dtype, out, in/opt.Groups, kernel, kernel)
	fanIn, _ := Fans(w.Shape())
	return &Conv2d{
		Weight:  NewParam("weight", w),
		Bias:    NewParam("bias", defaultBias(rng, dtype, fanIn, out)),
		Options: opt,
	}
}

// Forward convolves x, [N C H W], with the filters and adds the bias to
// each output channel.
func (c *Conv2d) Forward(x ad.Node) ad.Node {
	g := x.Graph()
	if c.Bias != nil {
		return ops.Conv2dBias(x, c.Weight.Node(g), c.Bias.Node(g), c.Options)
	}
	return ops.Conv2d(x, c.Weight.Node(g), c.Options)
}

// Params returns the weight and the bias.
func (c *Conv2d) Params() []*Param { return params(c.Weight, c.Bias) }

// Pool2d is a max- or average-pooling layer over [N C H W] images.
type Pool2d struct {
	Options ops.Pool2dOptions
	average bool
}

// NewMaxPool2d returns a max-pooling layer with square windows of the
// given size, stride (0 means the window size, as PyTorch) and padding.
func NewMaxPool2d(kernel, stride, padding int) *Pool2d {
	return newPool(kernel, stride, padding, false)
}

// NewAvgPool2d returns an average-pooling layer, as NewMaxPool2d; padding
// counts as zeros in the mean.
func NewAvgPool2d(kernel, stride, padding int) *Pool2d { return newPool(kernel, stride, padding, true) }

func newPool(kernel, stride, padding int, average bool) *Pool2d {
	if stride == 0 {
		stride = kernel
	}
	return &Pool2d{Options: ops.Pool2dOptions{
		Kernel:  [2]int{kernel, kernel},
		Stride:  [2]int{stride, stride},
		Padding: [2]int{padding, padding},
	}, average: average}
}

// Forward pools x.
func (p *Pool2d) Forward(x ad.Node) ad.Node {
	if p.average {
		return ops.AvgPool2d(x, p.Options)
	}
	return ops.MaxPool2d(x, p.Options)
}

// Params returns nil: pooling has no parameters.
func (*Pool2d) Params() []*Param { return nil }

// Flatten returns a module that reshapes [N d1 d2 ...] to [N d1·d2·...],
// as PyTorch's Flatten with its defaults.
func Flatten() Module {
	return Func(func(x ad.Node) ad.Node {
		s := x.Shape()
		if len(s) < 2 {
			return x
		}
		return ops.Reshape(x, s[0], -1)
	})
}

// Dropout zeroes elements with probability P in training mode and scales
// the others by 1/(1 - P) (see ops.Dropout); in evaluation mode it passes
// its input through. Its masks come from its own seeded generator, whose
// state a checkpoint saves (MarshalBinary).
type Dropout struct {
	P        float64
	src      *rand.PCG
	rng      *rand.Rand
	training bool
	mask     ad.Node // the mask of the last Forward in training mode
}

// NewDropout returns a Dropout layer with probability p and a generator
// seeded with seed. It panics if p is outside [0, 1].
func NewDropout(p float64, seed uint64) *Dropout {
	if !(p >= 0 && p <= 1) {
		panic(fmt.Errorf("nn: NewDropout: probability %v outside [0, 1]", p))
	}
	src := rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)
	return &Dropout{P: p, src: src, rng: rand.New(src), training: true}
}

// Forward applies dropout in training mode and returns x in evaluation.
func (d *Dropout) Forward(x ad.Node) ad.Node {
	if !d.training {
		return x
	}
	y := ops.Dropout(x, d.P, d.rng)
	d.mask = ad.Node{}
	if y != x && y.NumInputs() == 2 {
		d.mask = y.Input(1) // x times the mask
	}
	return y
}

// Mask returns the mask, a constant of g, that the last Forward in
// training mode recorded in g (the scaled ones and zeros it multiplied
// by), and false if there is none: an exported training step takes it as
// an input (package export).
func (d *Dropout) Mask(g *ad.Graph) (ad.Node, bool) {
	m := d.mask
	if !m.Valid() || m.Graph() != g || m.Stale() {
		return ad.Node{}, false
	}
	return m, true
}

// Params returns nil: dropout has no parameters.
func (*Dropout) Params() []*Param { return nil }

// SetTraining sets the mode.
func (d *Dropout) SetTraining(on bool) { d.training = on }

// MarshalBinary returns the state of d's generator.
func (d *Dropout) MarshalBinary() ([]byte, error) { return d.src.MarshalBinary() }

// UnmarshalBinary restores the state of d's generator.
func (d *Dropout) UnmarshalBinary(b []byte) error { return d.src.UnmarshalBinary(b) }

// Embedding is a lookup table of PyTorch's Embedding: row i of the weight,
// [n dim], is the vector of id i.
type Embedding struct {
	Weight *Param
}

// NewEmbedding returns an Embedding of n vectors of size dim drawn from
// N(0, 1), PyTorch's default.
func NewEmbedding(rng *rand.Rand, dtype tensor.DType, n, dim int) *Embedding {
	return &Embedding{Weight: NewParam("weight", tensor.RandNormal(rng, dtype, 0, 1, n, dim))}
}

// Lookup returns the vectors of ids in g: ids' shape with dim added.
func (e *Embedding) Lookup(g *ad.Graph, ids *tensor.Index) ad.Node {
	return ops.Embedding(e.Weight.Node(g), ids)
}

// Forward looks up the ids that x holds as numbers, for use in a
// Sequence. It panics with a *tensor.ShapeError if an element of x is not
// a whole number.
func (e *Embedding) Forward(x ad.Node) ad.Node {
	v := x.Value().Data()
	ids := make([]int, len(v))
	for i, f := range v {
		if f != math.Trunc(f) || math.Abs(f) > 1<<53 {
			panic(&tensor.ShapeError{Op: "Embedding", Shapes: []tensor.Shape{x.Shape()}, Reason: fmt.Sprintf("id %v is not a whole number", f)})
		}
		ids[i] = int(f)
	}
	return e.Lookup(x.Graph(), tensor.NewIndex(ids, x.Shape()...))
}

// Params returns the weight.
func (e *Embedding) Params() []*Param { return params(e.Weight) }
