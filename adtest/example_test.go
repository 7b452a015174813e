package adtest_test

import (
	"errors"
	"fmt"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/adtest"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// Check a function built from operations, a one-layer network's loss, to
// first and second order.
func ExampleCheck() {
	loss := func(xs ...ad.Node) ad.Node {
		x, w, b := xs[0], xs[1], xs[2]
		h := ops.Tanh(ops.Add(ops.MatMul(x, w), b))
		return ops.Mean(ops.Square(h))
	}
	rng := tensor.NewRand(1)
	x := tensor.RandUniform(rng, tensor.Float64, -1, 1, 4, 3)
	w := tensor.RandUniform(rng, tensor.Float64, -1, 1, 3, 2)
	b := tensor.RandUniform(rng, tensor.Float64, -1, 1, 2)
	fmt.Println(adtest.Check(loss, nil, x, w, b))
	fmt.Println(adtest.Check(loss, &adtest.Options{Order: 2}, x, w, b))
	// Output:
	// <nil>
	// <nil>
}

// softplus is a custom operation, log(1 + eˣ), with a deliberately wrong
// bprop: its local derivative should be sigmoid(x) = 1/(1 + e⁻ˣ), but it
// uses sigmoid(-x).
type softplus struct{}

func (softplus) String() string { return "softplus" }

func (softplus) Forward(x []*tensor.Tensor) *tensor.Tensor {
	return tensor.Log(tensor.Add(tensor.Exp(x[0]), tensor.Scalar(1)))
}

func (softplus) Bprop(c ad.Node, _ int, g ad.Node) ad.Node {
	return ops.GatedMul(g, ops.Sigmoid(ops.Neg(c.Input(0)))) // wrong: sigmoid(x)
}

// Check catches a custom operation whose bprop is wrong, and reports the
// worst element: which input, its multi-index, and the two derivatives.
func ExampleCheck_customOp() {
	f := func(xs ...ad.Node) ad.Node { return ad.Apply1(softplus{}, xs[0]) }
	x := tensor.FromFloat64s([]float64{-1, 0.5, 2, 0.1}, 2, 2)
	err := adtest.Check(f, nil, x)
	var m *adtest.Mismatch
	if errors.As(err, &m) {
		fmt.Printf("%d of %d comparisons failed\n", m.Failed, m.Checked)
		fmt.Printf("worst: ∂L/∂%v, input %d, index %v\n", m.Wrt[0], m.Wrt[0].Input, m.Wrt[0].Index)
		fmt.Printf("analytic %.4f, finite difference %.4f\n", m.Analytic, m.Numeric)
	}
	// Output:
	// 8 of 8 comparisons failed
	// worst: ∂L/∂x0[0,0], input 0, index [0 0]
	// analytic 0.8640, finite difference 0.3178
}

// An input larger than Options.MaxElements is checked along random
// directions: two evaluations per direction instead of two per element.
// Here a sum over 10,000 elements is checked with 8 directions, and the
// wrong softplus is caught the same way.
func ExampleCheck_directions() {
	x := tensor.RandUniform(tensor.NewRand(2), tensor.Float64, -1, 1, 100, 100)
	good := func(xs ...ad.Node) ad.Node { return ops.Sum(ops.Mul(ops.Sin(xs[0]), xs[0])) }
	bad := func(xs ...ad.Node) ad.Node { return ops.Sum(ad.Apply1(softplus{}, xs[0])) }
	fmt.Println(adtest.Check(good, nil, x))
	var m *adtest.Mismatch
	if errors.As(adtest.Check(bad, &adtest.Options{Directions: 4, Seed: 1}, x), &m) {
		fmt.Printf("∂L/∂%v: %d of %d comparisons failed\n", m.Wrt[0], m.Failed, m.Checked)
	}
	// Output:
	// <nil>
	// ∂L/∂x0·u1: 8 of 8 comparisons failed
}

func ExampleGrad() {
	f := func(xs ...ad.Node) ad.Node { return ops.Mul(ops.Sin(xs[0]), xs[1]) }
	x := tensor.FromFloat64s([]float64{0.3, -1.2}, 2)
	y := tensor.FromFloat64s([]float64{2, 0.5}, 2)
	fmt.Println(adtest.Grad(f, x, y))
	fmt.Println(adtest.Grad2(f, x, y))
	// Output:
	// <nil>
	// <nil>
}
