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

func ExampleMatMul() {
	var g ad.Graph
	w := g.Var("w", tensor.FromFloat64s([]float64{1, 2, 3, 4, 5, 6}, 2, 3))
	x := g.Const(tensor.FromFloat64s([]float64{1, 0, -1}, 3, 1))
	y := ops.Sum(ops.MatMul(w, x))
	// ∂y/∂w is the row vector xᵀ repeated for each row of w.
	fmt.Println(y.Scalar(), ad.Backward(y).Grad(w))
	// Output: -4 [[1 0 -1] [1 0 -1]]
}

func ExampleWhere() {
	var g ad.Graph
	x := g.Var("x", tensor.FromFloat64s([]float64{-1, 3}, 2))
	positive := g.Const(tensor.Greater(x.Value(), tensor.Scalar(0)))
	// x² where x > 0, -x elsewhere: each element's gradient comes from the
	// branch it takes.
	y := ops.Where(positive, ops.Square(x), ops.Neg(x))
	fmt.Println(y.Value(), ad.Backward(ops.Sum(y)).Grad(x))
	// Output: [1 9] [-1 6]
}

func ExampleSum() {
	var g ad.Graph
	x := g.Var("x", tensor.FromFloat64s([]float64{1, 2, 3, 4, 5, 6}, 2, 3))
	rows := ops.Sum(x, 1)         // [6 15]
	cols := ops.SumKeepDims(x, 0) // [[5 7 9]]
	fmt.Println(rows.Value(), cols.Value())
	fmt.Println(ad.Backward(ops.Sum(ops.Square(rows))).Grad(x))
	// Output:
	// [6 15] [[5 7 9]]
	// [[12 12 12] [30 30 30]]
}
