package nn

import (
	"fmt"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// BatchNorm normalises each feature (axis 1) of [N C] or [N C H W] inputs
// over the batch and, for images, over H and W, as PyTorch's BatchNorm1d
// and BatchNorm2d: y = (x - mean)/√(var + Eps)·weight + bias. In training
// mode mean and var are the batch's (var biased), and the running
// statistics move towards them by Momentum (the running variance with the
// unbiased batch variance); in evaluation mode the running statistics are
// used instead.
type BatchNorm struct {
	Weight, Bias            *Param
	RunningMean, RunningVar *Param // buffers
	Eps, Momentum           float64
	training                bool
	// The batch statistics of the last Forward in training mode, and the
	// number of elements each was over.
	mean, variance ad.Node
	count          int
}

// NewBatchNorm returns a BatchNorm over the given number of features, with
// weight 1, bias 0, running mean 0 and running variance 1, Eps 1e-5 and
// Momentum 0.1 (PyTorch's defaults).
func NewBatchNorm(dtype tensor.DType, features int) *BatchNorm {
	return &BatchNorm{
		Weight:      NewParam("weight", tensor.Ones(dtype, features)),
		Bias:        NewParam("bias", tensor.New(dtype, features)),
		RunningMean: NewBuffer("running_mean", tensor.New(dtype, features)),
		RunningVar:  NewBuffer("running_var", tensor.Ones(dtype, features)),
		Eps:         1e-5,
		Momentum:    0.1,
		training:    true,
	}
}

// Forward normalises x. It panics with a *tensor.ShapeError if x is not
// [N C] or [N C H W] with C the layer's features.
func (b *BatchNorm) Forward(x ad.Node) ad.Node {
	s := x.Shape()
	c := b.Weight.Value.Size()
	var axes []int
	var bshape []int
	switch {
	case len(s) == 2 && s[1] == c:
		axes, bshape = []int{0}, []int{1, c}
	case len(s) == 4 && s[1] == c:
		axes, bshape = []int{0, 2, 3}, []int{1, c, 1, 1}
	default:
		panic(&tensor.ShapeError{Op: "BatchNorm", Shapes: []tensor.Shape{s, {c}}, Reason: "want [N C] or [N C H W] with C the features"})
	}
	if x.DType() != b.Weight.Value.DType() {
		panic(&tensor.ShapeError{Op: "BatchNorm", Shapes: []tensor.Shape{s, {c}}, Reason: fmt.Sprintf("a %v input for a %v layer", x.DType(), b.Weight.Value.DType())})
	}
	g := x.Graph()
	var mean, variance ad.Node
	if b.training {
		mean = ops.MeanKeepDims(x, axes...)
		variance = ops.VarKeepDims(x, 0, axes...)
		n := s.Size() / c
		unbiased := 1.0
		if n > 1 {
			unbiased = float64(n) / float64(n-1)
		}
		lerpTo(b.RunningMean.Value, mean.Value(), b.Momentum, 1)
		lerpTo(b.RunningVar.Value, variance.Value(), b.Momentum, unbiased)
		b.mean, b.variance, b.count = mean, variance, n
	} else {
		mean = ops.Reshape(b.RunningMean.Node(g), bshape...)
		variance = ops.Reshape(b.RunningVar.Node(g), bshape...)
	}
	xhat := ops.Div(ops.Sub(x, mean), ops.Sqrt(ops.Add(variance, ops.Const(x, b.Eps))))
	return ops.Add(ops.Mul(xhat, ops.Reshape(b.Weight.Node(g), bshape...)), ops.Reshape(b.Bias.Node(g), bshape...))
}

// lerpTo sets dst to (1 - m)·dst + m·scale·src, element by element; src
// has dst's size.
func lerpTo(dst, src *tensor.Tensor, m, scale float64) {
	if dst.DType() == tensor.Float32 {
		d, s := dst.Float32s(), src.Float32s()
		for i := range d {
			d[i] = float32((1-m)*float64(d[i]) + m*scale*float64(s[i]))
		}
		return
	}
	d, s := dst.Float64s(), src.Float64s()
	for i := range d {
		d[i] = (1-m)*d[i] + m*scale*s[i]
	}
}

// RunningUpdate returns, as nodes of g, the running statistics after the
// last Forward in training mode recorded in g, computed from the nodes of
// the statistics before it (RunningMean.Node(g) and RunningVar.Node(g)) by
// the arithmetic that Forward applies to the values: what an exported
// training step returns as its new state (package export). It returns
// false if that Forward was not in g.
func (b *BatchNorm) RunningUpdate(g *ad.Graph) (mean, variance ad.Node, ok bool) {
	if !b.mean.Valid() || b.mean.Graph() != g || b.mean.Stale() {
		return ad.Node{}, ad.Node{}, false
	}
	c := b.Weight.Value.Size()
	unbiased := 1.0
	if b.count > 1 {
		unbiased = float64(b.count) / float64(b.count-1)
	}
	lerp := func(old, batch ad.Node, scale float64) ad.Node {
		return ops.Add(ops.Mul(old, ops.Const(old, 1-b.Momentum)), ops.Mul(ops.Reshape(batch, c), ops.Const(old, b.Momentum*scale)))
	}
	return lerp(b.RunningMean.Node(g), b.mean, 1), lerp(b.RunningVar.Node(g), b.variance, unbiased), true
}

// Params returns the weight, the bias and the running statistics.
func (b *BatchNorm) Params() []*Param {
	return params(b.Weight, b.Bias, b.RunningMean, b.RunningVar)
}

// SetTraining sets the mode.
func (b *BatchNorm) SetTraining(on bool) { b.training = on }

// LayerNorm normalises over the last axes of its input, as PyTorch's
// LayerNorm: y = (x - mean)/√(var + Eps)·weight + bias, with mean and the
// biased var over those axes and weight and bias of their shape.
type LayerNorm struct {
	Weight, Bias *Param
	Eps          float64
}

// NewLayerNorm returns a LayerNorm over trailing axes of the given shape,
// with weight 1, bias 0 and Eps 1e-5.
func NewLayerNorm(dtype tensor.DType, shape ...int) *LayerNorm {
	return &LayerNorm{
		Weight: NewParam("weight", tensor.Ones(dtype, shape...)),
		Bias:   NewParam("bias", tensor.New(dtype, shape...)),
		Eps:    1e-5,
	}
}

// Forward normalises x. It panics with a *tensor.ShapeError if x's
// trailing axes are not the layer's shape.
func (l *LayerNorm) Forward(x ad.Node) ad.Node {
	s, ws := x.Shape(), l.Weight.Value.Shape()
	if len(s) < len(ws) || !s[len(s)-len(ws):].Equal(ws) {
		panic(&tensor.ShapeError{Op: "LayerNorm", Shapes: []tensor.Shape{s, ws}, Reason: "the trailing axes must be the normalised shape"})
	}
	axes := make([]int, len(ws))
	for i := range axes {
		axes[i] = len(s) - len(ws) + i
	}
	g := x.Graph()
	mean := ops.MeanKeepDims(x, axes...)
	variance := ops.VarKeepDims(x, 0, axes...)
	xhat := ops.Div(ops.Sub(x, mean), ops.Sqrt(ops.Add(variance, ops.Const(x, l.Eps))))
	return ops.Add(ops.Mul(xhat, l.Weight.Node(g)), l.Bias.Node(g))
}

// Params returns the weight and the bias.
func (l *LayerNorm) Params() []*Param { return params(l.Weight, l.Bias) }
