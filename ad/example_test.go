package ad_test

import (
	"fmt"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// The worked example: u3 = u1 + u2, u4 = u3², u5 = sin(u4) at u1 = 4,
// u2 = 2, whose gradient ∂u5/∂u1 is 12·cos(36).
func Example() {
	var g ad.Graph
	u1 := g.ScalarVar("u1", 4)
	u2 := g.ScalarVar("u2", 2)
	u3 := ops.Add(u1, u2)
	u4 := ops.PowConst(u3, 2)
	u5 := ops.Sin(u4)
	table := ad.Backward(u5)
	fmt.Println(u5.Scalar())
	fmt.Println(table.Scalar(u4), table.Scalar(u3), table.Scalar(u1))
	// Output:
	// -0.9917788534431158
	// -0.12796368962740468 -1.535564275528856 -1.535564275528856
}

func ExampleGradients() {
	var g ad.Graph
	x := g.Var("x", tensor.Scalar(3))
	dy := ad.Gradients(ops.Mul(x, x), x)[0]
	d2y := ad.Gradients(dy, x)[0]
	fmt.Println(dy.Scalar(), d2y.Scalar())
	// Output: 6 2
}

func ExampleBackward() {
	var g ad.Graph
	w := g.Var("w", tensor.FromFloat64s([]float64{1, 2, 3, 4}, 2, 2))
	x := g.Const(tensor.FromFloat64s([]float64{1, -1}, 2, 1))
	loss := ops.Sum(ops.Square(ops.MatMul(w, x)))
	fmt.Println(loss.Scalar(), ad.Backward(loss).Grad(w))
	// Output: 2 [[-2 2] [-2 2]]
}

func ExampleBackwardSeed() {
	var g ad.Graph
	x := g.Var("x", tensor.FromFloat64s([]float64{1, 2, 3}, 3))
	y := ops.Square(x)
	// A vector-Jacobian product: seedᵀ·∂y/∂x.
	fmt.Println(ad.BackwardSeed(y, tensor.FromFloat64s([]float64{1, 0, -1}, 3)).Grad(x))
	// Output: [2 0 -6]
}
