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
func (reluOp) ScalarForward(x, _ float64) float64        { return tensor.ReLUFloat(x) }

func (reluOp) ScalarDeriv(x, _, z float64) (float64, float64) { return step(x), 0 }

func (reluOp) local(c ad.Node, i int) ad.Node {
	x := c.Input(0)
	return mask(x, tensor.Step(x.Value()))
}

func (o reluOp) Bprop(c ad.Node, i int, g ad.Node) ad.Node { return bpropLocal(o, c, i, g) }
func (o reluOp) JVP(c ad.Node, t []ad.Node) ad.Node        { return jvpLocal(o, c, t) }

func step(x float64) float64 {
	if x > 0 {
		return 1
	}
	return 0
}
