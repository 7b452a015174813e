package ops_test

import (
	"fmt"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// A softmax cross-entropy loss and its gradient with respect to the logits:
// softmax(x) minus the one-hot label.
func Example() {
	var g ad.Graph
	logits := g.Var("logits", tensor.FromFloat64s([]float64{2, 1, 0.1}, 1, 3))
	label := g.Const(tensor.FromFloat64s([]float64{1, 0, 0}, 1, 3))
	loss := ops.Neg(ops.Sum(ops.Mul(label, ops.LogSoftmax(logits, -1))))
	grad := ad.Backward(loss).Grad(logits)
	fmt.Printf("loss %.4f\n", loss.Scalar())
	for _, v := range grad.Data() {
		fmt.Printf("%.4f ", v)
	}
	fmt.Println()
	// Output:
	// loss 0.4170
	// -0.3410 0.2424 0.0986
}

func ExampleReLU() {
	var g ad.Graph
	x := g.Var("x", tensor.FromFloat64s([]float64{-1, 0, 2}, 3))
	y := ops.Sum(ops.ReLU(x))
	fmt.Println(ad.Backward(y).Grad(x)) // relu'(0) = 0
	// Output: [0 0 1]
}
