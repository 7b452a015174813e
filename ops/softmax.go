package ops

import (
	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// LogSumExp returns log(Σ exp(x)) over axis, computed stably by subtracting
// the maximum first; the axis is removed. Its bprop is the gradient times
// softmax(x). LogSumExp panics with a *tensor.ShapeError if axis is out of
// range.
func LogSumExp(x ad.Node, axis int) ad.Node { return lse(x, axis, false) }

// LogSumExpKeepDims is LogSumExp with the axis kept as size 1.
func LogSumExpKeepDims(x ad.Node, axis int) ad.Node { return lse(x, axis, true) }

func lse(x ad.Node, axis int, keep bool) ad.Node {
	a := tensor.NormAxes("LogSumExp", []int{axis}, x.Shape())[0]
	return ad.Apply1(&lseOp{axis: a, keep: keep}, x)
}

type lseOp struct {
	axis int
	keep bool
}

func (o *lseOp) String() string { return "logsumexp" }

func (o *lseOp) Forward(x []*tensor.Tensor) *tensor.Tensor {
	return tensor.LogSumExp(x[0], o.axis, o.keep)
}

func (o *lseOp) Bprop(c ad.Node, _ int, g ad.Node) ad.Node {
	x := c.Input(0)
	kept := tensor.ReducedShape(x.Shape(), []int{o.axis}, true)
	return Mul(BroadcastTo(Reshape(g, kept...), x.Shape()), Softmax(x, o.axis))
}

// Softmax returns exp(x)/Σ exp(x) over axis, computed stably. Its bprop is
// z·(g - Σ g·z) with z the softmax. Softmax panics with a
// *tensor.ShapeError if axis is out of range.
func Softmax(x ad.Node, axis int) ad.Node {
	a := tensor.NormAxes("Softmax", []int{axis}, x.Shape())[0]
	return ad.Apply1(&softmaxOp{axis: a}, x)
}

type softmaxOp struct{ axis int }

func (o *softmaxOp) String() string { return "softmax" }

func (o *softmaxOp) Forward(x []*tensor.Tensor) *tensor.Tensor {
	return tensor.Softmax(x[0], o.axis)
}

func (o *softmaxOp) Bprop(c ad.Node, _ int, g ad.Node) ad.Node {
	return Mul(c, Sub(g, SumKeepDims(Mul(g, c), o.axis)))
}

// LogSoftmax returns x - LogSumExp(x) over axis, computed stably. Its bprop
// is g - softmax(x)·Σ g. LogSoftmax panics with a *tensor.ShapeError if
// axis is out of range.
func LogSoftmax(x ad.Node, axis int) ad.Node {
	a := tensor.NormAxes("LogSoftmax", []int{axis}, x.Shape())[0]
	return ad.Apply1(&logSoftmaxOp{axis: a}, x)
}

type logSoftmaxOp struct{ axis int }

func (o *logSoftmaxOp) String() string { return "log_softmax" }

func (o *logSoftmaxOp) Forward(x []*tensor.Tensor) *tensor.Tensor {
	return tensor.LogSoftmax(x[0], o.axis)
}

func (o *logSoftmaxOp) Bprop(c ad.Node, _ int, g ad.Node) ad.Node {
	return Sub(g, Mul(Exp(c), SumKeepDims(g, o.axis)))
}

func (o *lseOp) JVP(c ad.Node, t []ad.Node) ad.Node {
	return ad.Apply1(&reduceOp{kind: redSum, axes: []int{o.axis}, keep: o.keep}, Mul(Softmax(c.Input(0), o.axis), t[0]))
}

func (o *softmaxOp) JVP(c ad.Node, t []ad.Node) ad.Node {
	return Mul(c, Sub(t[0], SumKeepDims(Mul(c, t[0]), o.axis)))
}

func (o *logSoftmaxOp) JVP(c ad.Node, t []ad.Node) ad.Node {
	return Sub(t[0], SumKeepDims(Mul(Exp(c), t[0]), o.axis))
}

func (o *softmaxOp) ForwardWith(a tensor.Alloc, x []*tensor.Tensor) *tensor.Tensor {
	return tensor.SoftmaxWith(a, x[0], o.axis)
}

func (o *logSoftmaxOp) ForwardWith(a tensor.Alloc, x []*tensor.Tensor) *tensor.Tensor {
	return tensor.LogSoftmaxWith(a, x[0], o.axis)
}
