package ops_test

import (
	"math"
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// A zero upstream gradient contributes zero whatever the local derivative,
// on every path of the engine: the float64 scalar fast path, tensors, and
// recorded gradients.
func TestZeroUpstreamContributesZero(t *testing.T) {
	// where(x > 0, sqrt(x), x): at -1 and 0 the sqrt branch is not taken,
	// and its local derivative (NaN, +Inf) must not leak.
	masked := func(x ad.Node) ad.Node {
		return ops.Where(x.Graph().Const(tensor.Greater(x.Value(), tensor.Zeros(x.DType()))), ops.Sqrt(x), x)
	}
	xs := []float64{-1, 0, 4}
	want := []float64{1, 1, 0.25}
	want2 := []float64{0, 0, -1.0 / 32}
	for _, d := range []tensor.DType{tensor.Float64, tensor.Float32} {
		var g ad.Graph
		x := g.Var("x", tensor.FromFloat64s(xs, 3).AsType(d))
		y := ops.Sum(masked(x))
		if got := ad.Backward(y).Grad(x).Data(); !equal(got, want) {
			t.Errorf("%v: Backward: ∂/∂x where(x > 0, sqrt(x), x) at %v = %v; want %v", d, xs, got, want)
		}
		dx := ad.Gradients(y, x)[0]
		if got := dx.Value().Data(); !equal(got, want) {
			t.Errorf("%v: Gradients: ∂/∂x = %v; want %v", d, got, want)
		}
		if got := ad.Backward(ops.Sum(dx), x).Grad(x).Data(); !equal(got, want2) {
			t.Errorf("%v: second derivative = %v; want %v", d, got, want2)
		}
	}
	for _, v := range xs[:2] {
		var g ad.Graph
		x := g.ScalarVar("x", v)
		y := masked(x)
		if got := ad.Backward(y).Scalar(x); got != 1 {
			t.Errorf("scalar at %v: Backward = %v; want 1", v, got)
		}
		if got := ad.Gradients(y, x)[0].Scalar(); got != 1 {
			t.Errorf("scalar at %v: Gradients = %v; want 1", v, got)
		}
	}
	// 0·log(x) at 0: the product's derivative is 0·(1/0); the rule makes it 0.
	var g ad.Graph
	x := g.ScalarVar("x", 0)
	y := ops.Add(ops.Mul(ops.Const(x, 0), ops.Log(x)), x)
	if got := ad.Backward(y).Scalar(x); got != 1 {
		t.Errorf("∂/∂x (0·log(x) + x) at 0 = %v; want 1", got)
	}
	if got := ad.Gradients(y, x)[0].Scalar(); got != 1 {
		t.Errorf("recorded ∂/∂x (0·log(x) + x) at 0 = %v; want 1", got)
	}
}

// Gating must not cut second derivatives where a first-order upstream
// gradient happens to be zero: sin(x)^2 at 0 has gradient 2·sin·cos = 0,
// but its second derivative is 2·cos(2x) = 2.
func TestGatingKeepsSecondDerivatives(t *testing.T) {
	for _, v := range []float64{0, 0.3} {
		var g ad.Graph
		x := g.ScalarVar("x", v)
		y := ops.Square(ops.Sin(x))
		dx := ad.Gradients(y, x)[0]
		d2 := ad.Gradients(dx, x)[0]
		if got, want := d2.Scalar(), 2*math.Cos(2*v); math.Abs(got-want) > 1e-12 {
			t.Errorf("d²/dx² sin(x)^2 at %v = %v; want %v", v, got, want)
		}
		if got, want := ad.Backward(dx, x).Scalar(x), 2*math.Cos(2*v); math.Abs(got-want) > 1e-12 {
			t.Errorf("Backward of the gradient at %v = %v; want %v", v, got, want)
		}
	}
}

func equal(got, want []float64) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > 1e-6*math.Max(1, math.Abs(want[i])) {
			return false
		}
	}
	return true
}
