package ops_test

import (
	"math"
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// TestKinks checks the documented derivatives at kinks and special values,
// through both the float64 fast path (scalars) and tensors.
func TestKinks(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	unary := []struct {
		name    string
		op      func(ad.Node) ad.Node
		x, y, d float64 // input, output, derivative
	}{
		{"relu at 0", ops.ReLU, 0, 0, 0},
		{"relu at -0", ops.ReLU, math.Copysign(0, -1), 0, 0},
		{"relu at +Inf", ops.ReLU, inf, inf, 1},
		{"relu of NaN", ops.ReLU, nan, nan, 0},
		{"abs at 0", ops.Abs, 0, 0, 0},
		{"abs at -2", ops.Abs, -2, 2, -1},
		{"sqrt at 0", ops.Sqrt, 0, 0, inf},
		{"sqrt at -1", ops.Sqrt, -1, nan, nan},
		{"log at 0", ops.Log, 0, math.Inf(-1), inf},
		{"exp at 1000", ops.Exp, 1000, inf, inf},
		{"sigmoid at -1000", ops.Sigmoid, -1000, 0, 0},
		{"sigmoid at 1000", ops.Sigmoid, 1000, 1, 0},
		{"tanh at 100", ops.Tanh, 100, 1, 0},
	}
	for _, tt := range unary {
		for _, shape := range []tensor.Shape{nil, {1}} {
			t.Run(tt.name+" "+shape.String(), func(t *testing.T) {
				var g ad.Graph
				x := g.Var("x", tensor.Full(tensor.Float64, tt.x, shape...))
				y := tt.op(x)
				d := ad.Backward(ops.Sum(y)).Grad(x).Data()[0]
				if got := y.Value().Data()[0]; !same(got, tt.y) || !same(d, tt.d) {
					t.Errorf("%s(%v) = %v, derivative %v; want %v, %v", tt.name, tt.x, got, d, tt.y, tt.d)
				}
			})
		}
	}
	binary := []struct {
		name            string
		op              func(x, y ad.Node) ad.Node
		x, y, z, dx, dy float64
	}{
		{"maximum tie", ops.Maximum, 2, 2, 2, 0.5, 0.5},
		{"maximum", ops.Maximum, 3, 2, 3, 1, 0},
		{"minimum tie", ops.Minimum, 2, 2, 2, 0.5, 0.5},
		{"minimum", ops.Minimum, 3, 2, 2, 0, 1},
		{"pow 0^2", ops.Pow, 0, 2, 0, 0, 0},
		{"pow 0^0", ops.Pow, 0, 0, 1, 0, 0},
		{"pow (-2)^3", ops.Pow, -2, 3, -8, 12, nan},
		{"div by 0", ops.Div, 1, 0, inf, inf, math.Inf(-1)},
	}
	for _, tt := range binary {
		for _, shape := range []tensor.Shape{nil, {1}} {
			t.Run(tt.name+" "+shape.String(), func(t *testing.T) {
				var g ad.Graph
				x := g.Var("x", tensor.Full(tensor.Float64, tt.x, shape...))
				y := g.Var("y", tensor.Full(tensor.Float64, tt.y, shape...))
				z := tt.op(x, y)
				table := ad.Backward(ops.Sum(z))
				dx, dy := table.Grad(x).Data()[0], table.Grad(y).Data()[0]
				if got := z.Value().Data()[0]; !same(got, tt.z) || !same(dx, tt.dx) || !same(dy, tt.dy) {
					t.Errorf("%s(%v, %v) = %v, derivatives %v, %v; want %v, %v, %v", tt.name, tt.x, tt.y, got, dx, dy, tt.z, tt.dx, tt.dy)
				}
			})
		}
	}
}

func TestReductionTies(t *testing.T) {
	var g ad.Graph
	x := g.Var("x", tensor.FromFloat64s([]float64{1, 3, 3, 2, 0, 0}, 2, 3))
	table := ad.Backward(ops.Sum(ops.Max(x, 1)))
	// Row 0 has two maxima (3, 3), which share; row 1 has one (2).
	if got, want := table.Grad(x).String(), "[[0 0.5 0.5] [1 0 0]]"; got != want {
		t.Errorf("gradient of max over rows with ties = %v; want %v", got, want)
	}
	table = ad.Backward(ops.Sum(ops.Min(x, 1)))
	if got, want := table.Grad(x).String(), "[[1 0 0] [0 0.5 0.5]]"; got != want {
		t.Errorf("gradient of min over rows with ties = %v; want %v", got, want)
	}
}

func TestLogSumExpIsStable(t *testing.T) {
	var g ad.Graph
	x := g.Var("x", tensor.FromFloat64s([]float64{1000, 1000, -1000}, 3))
	y := ops.LogSumExp(x, 0)
	if got, want := y.Scalar(), 1000+math.Ln2; math.Abs(got-want) > 1e-12 {
		t.Errorf("LogSumExp([1000 1000 -1000]) = %v; want %v", got, want)
	}
	// Its gradient is softmax(x): [½ ½ 0].
	if got, want := ad.Backward(y).Grad(x).String(), "[0.5 0.5 0]"; got != want {
		t.Errorf("gradient = %v; want %v", got, want)
	}
	s := ops.Softmax(x, 0)
	if got, want := s.Value().String(), "[0.5 0.5 0]"; got != want {
		t.Errorf("Softmax([1000 1000 -1000]) = %v; want %v", got, want)
	}
	ls := ops.LogSoftmax(x, 0).Value().Data()
	if ls[0] != -math.Ln2 || ls[2] != -2000-math.Ln2 {
		t.Errorf("LogSoftmax([1000 1000 -1000]) = %v; want [-ln2 -ln2 -2000-ln2]", ls)
	}
}

// same reports whether a and b are equal or both NaN.
func same(a, b float64) bool {
	return a == b || (math.IsNaN(a) && math.IsNaN(b))
}
