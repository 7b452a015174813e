package functional_test

import (
	"fmt"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/functional"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// The worked example as a function of u1 (u2 = 2), and its first and
// second derivatives: 2·cos(36) - 144·sin(36) = 142.560228.
func ExampleGrad() {
	f := func(u1 ad.Node) ad.Node {
		return ops.Sin(ops.PowConst(ops.Add(u1, ops.Const(u1, 2)), 2))
	}
	var g ad.Graph
	u1 := g.ScalarVar("u1", 4)
	fmt.Println(functional.Grad(f)(u1).Scalar())
	fmt.Printf("%.6f\n", functional.Grad(functional.Grad(f))(u1).Scalar())
	// Output:
	// -1.535564275528856
	// 142.560228
}

func ExampleHessian() {
	// f(x) = x0²·x1 + x1³
	f := func(x ad.Node) ad.Node {
		x0 := ops.Slice(x, tensor.Range{Start: 0, Stop: 1})
		x1 := ops.Slice(x, tensor.Range{Start: 1, Stop: 2})
		return ops.Sum(ops.Add(ops.Mul(ops.Square(x0), x1), ops.PowConst(x1, 3)))
	}
	var g ad.Graph
	x := g.Var("x", tensor.FromFloat64s([]float64{1, 2}, 2))
	fmt.Println(functional.Hessian(f, x).Value())
	fmt.Println(functional.HVP(f, x, g.Const(tensor.FromFloat64s([]float64{1, 0}, 2))).Value())
	// Output:
	// [[4 2] [2 12]]
	// [4 2]
}

func ExampleJacobian() {
	f := func(x ad.Node) ad.Node { return ops.Mul(x, x) } // element-wise square
	var g ad.Graph
	x := g.Var("x", tensor.FromFloat64s([]float64{1, 2, 3}, 3))
	fmt.Println(functional.Jacobian(f, x).Value())
	fmt.Println(functional.JacobianForward(f, x).Value())
	// Output:
	// [[2 0 0] [0 4 0] [0 0 6]]
	// [[2 0 0] [0 4 0] [0 0 6]]
}

func ExampleJVP() {
	f := func(x ad.Node) ad.Node { return ops.Sum(ops.Square(x)) }
	var g ad.Graph
	x := g.Var("x", tensor.FromFloat64s([]float64{1, 2, 3}, 3))
	y, d := functional.JVP(f, x, g.Const(tensor.FromFloat64s([]float64{1, 1, 1}, 3)))
	fmt.Println(y.Scalar(), d.Scalar())
	// Output: 14 12
}
