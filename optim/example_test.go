package optim_test

import (
	"fmt"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/nn"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/optim"
	"github.com/seed812a03d2/backprop/tensor"
)

// Minimise (w - 3)² with Adam: the graph is rebuilt each step from the
// same parameter, the gradient lands in w.Grad, and Step updates w.
func Example() {
	w := nn.NewParam("w", tensor.Scalar(0))
	opt := optim.NewAdam([]*nn.Param{w}, optim.AdamConfig{LR: 0.1, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8})
	sched := optim.Cosine{Base: 0.1, Min: 0.001, Steps: 500}
	var g ad.Graph
	for step := range 500 {
		g.Reset()
		x := w.Node(&g)
		loss := ops.Square(ops.Sub(x, ops.Const(x, 3)))
		nn.Backward(loss, []*nn.Param{w})
		optim.Apply(opt, sched, step)
		opt.Step()
	}
	fmt.Printf("w = %.4f after %d steps\n", w.Value.Item(), opt.Steps())
	// Output: w = 3.0000 after 500 steps
}
