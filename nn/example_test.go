package nn_test

import (
	"fmt"
	"os"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/nn"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/optim"
	"github.com/seed812a03d2/backprop/tensor"
)

// Train a small classifier of points by the sign of x·y: the model is
// built once, each step's graph uses its parameters, and the gradients land
// where the optimizer finds them.
func Example() {
	rng := tensor.NewRand(1)
	model := nn.Sequential(
		nn.Named("fc1", nn.NewLinear(rng, tensor.Float64, 2, 16)),
		nn.Func(ops.Tanh),
		nn.Named("fc2", nn.NewLinear(rng, tensor.Float64, 16, 2)),
	)
	x := tensor.RandUniform(rng, tensor.Float64, -1, 1, 256, 2)
	labels := make([]int, 256)
	for i := range labels {
		if x.At(i, 0)*x.At(i, 1) > 0 {
			labels[i] = 1
		}
	}
	y := tensor.NewIndex(labels, 256)

	params := nn.Trainable(model)
	opt := optim.NewAdam(params, optim.AdamConfig{LR: 0.05, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8})
	var g ad.Graph
	for range 300 {
		g.Reset()
		loss := nn.CrossEntropy(model.Forward(g.Const(x)), y, nn.Mean)
		nn.Backward(loss, params)
		opt.Step()
	}
	nn.Eval(model)
	fmt.Printf("training accuracy: %.2f\n", nn.Accuracy(nn.Infer(&g, model, x), y))
	nn.WriteSummary(os.Stdout, model)
	// Output:
	// training accuracy: 1.00
	// parameter   shape               elements
	// fc1.weight  [16 2]                    32
	// fc1.bias    [16]                      16
	// fc2.weight  [2 16]                    32
	// fc2.bias    [2]                        2
	// trainable parameters: 82
}
