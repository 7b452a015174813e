package ops

import (
	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// ReLU returns max(x, 0) element-wise. Its derivative is 1 where x > 0 and
// 0 elsewhere, including at x == 0.
func ReLU(x ad.Node) ad.Node { return ad.Apply1(reluOp{}, x) }

type reluOp struct{}

func (reluOp) String() string                            { return "relu" }
func (reluOp) Forward(x []*tensor.Tensor) *tensor.Tensor { return tensor.ReLU(x[0]) }
func (reluOp) ForwardWith(a tensor.Alloc, x []*tensor.Tensor) *tensor.Tensor {
	return tensor.ReLUWith(a, x[0])
}
func (reluOp) ScalarForward(x, _ float64) float64 { return tensor.ReLUFloat(x) }

func (reluOp) ScalarDeriv(x, _, z float64) (float64, float64) { return step(x), 0 }

// Bprop passes g where x > 0, in one fused pass (reluGrad); where x ≤ 0
// nothing passes, not even a NaN in g.
func (reluOp) Bprop(c ad.Node, _ int, g ad.Node) ad.Node {
	return ad.Apply2(reluGradOp{}, g, c.Input(0))
}
func (reluOp) JVP(c ad.Node, t []ad.Node) ad.Node { return ad.Apply2(reluGradOp{}, t[0], c.Input(0)) }

// reluGradOp is g where x > 0 and 0 elsewhere: ReLU's bprop and JVP. It is
// linear in g with a piecewise constant mask, so its own rules are itself,
// and x gets no gradient.
type reluGradOp struct{}

func (reluGradOp) String() string                            { return "relugrad" }
func (reluGradOp) Forward(x []*tensor.Tensor) *tensor.Tensor { return tensor.ReLUGrad(x[0], x[1]) }
func (reluGradOp) ForwardWith(a tensor.Alloc, x []*tensor.Tensor) *tensor.Tensor {
	return tensor.ReLUGradWith(a, x[0], x[1])
}

func (reluGradOp) ScalarForward(g, x float64) float64 {
	if x > 0 {
		return g
	}
	return 0
}

func (reluGradOp) ScalarDeriv(_, x, _ float64) (float64, float64) { return step(x), 0 }

func (reluGradOp) Bprop(c ad.Node, i int, u ad.Node) ad.Node {
	if i == 1 {
		return ad.Node{}
	}
	return ad.Apply2(reluGradOp{}, u, c.Input(1))
}

func (reluGradOp) JVP(c ad.Node, t []ad.Node) ad.Node {
	if !t[0].Valid() {
		return ad.Node{}
	}
	return ad.Apply2(reluGradOp{}, t[0], c.Input(1))
}

func step(x float64) float64 {
	if x > 0 {
		return 1
	}
	return 0
}
