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
		{"softplus at 1000", ops.Softplus, 1000, 1000, 1},
		{"softplus at -1000", ops.Softplus, -1000, 0, 0},
		{"log sigmoid at -1000", ops.LogSigmoid, -1000, -1000, 1},
		{"log sigmoid at 1000", ops.LogSigmoid, 1000, 0, 0},
		{"erf at 0", ops.Erf, 0, 0, 2 / math.Sqrt(math.Pi)},
		{"erf at +Inf", ops.Erf, inf, 1, 0},
		{"gelu at 0", ops.GELU, 0, 0, 0.5},
		{"gelu at -1000", ops.GELU, -1000, 0, 0},
		{"gelu at 1000", ops.GELU, 1000, 1000, 1},
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

// TestKnownValues checks the newer operations, values and derivatives,
// scalars and tensors, against their closed forms computed with Python's
// math module (C's libm, not Go's): erf, Φ(x) = erfc(-x/√2)/2, φ, log1p,
// exp, expm1, asin, acos and atan; and the conventions at kinks (elu and
// leaky_relu at 0 take the negative side's derivative, as PyTorch does;
// round takes halves to even).
func TestKnownValues(t *testing.T) {
	for _, tt := range []struct {
		name    string
		op      func(ad.Node) ad.Node
		x, y, d float64
	}{
		{"erf", ops.Erf, 0.5, 0.5204998778130465, 0.8787825789354448},
		{"gelu", ops.GELU, 1, 0.8413447460685429, 1.0833154705876864},
		{"gelu", ops.GELU, -2, -0.04550026389635844, -0.0852318010781969},
		{"softplus", ops.Softplus, 0, 0.6931471805599453, 0.5},
		{"softplus", ops.Softplus, 2, 2.1269280110429727, 0.8807970779778823},
		{"log sigmoid", ops.LogSigmoid, 0, -0.6931471805599453, 0.5},
		{"log sigmoid", ops.LogSigmoid, -3, -3.048587351573742, 0.9525741268224334},
		{"asin", ops.Asin, 0.5, 0.5235987755982989, 1.1547005383792517},
		{"acos", ops.Acos, 0.5, 1.0471975511965979, -1.1547005383792517},
		{"atan", ops.Atan, 2, 1.1071487177940904, 0.2},
		{"log1p", ops.Log1p, 1e-10, 9.999999999500001e-11, 0.9999999999},
		{"expm1", ops.Expm1, 1e-10, 1.00000000005e-10, 1.0000000001},
		{"silu", ops.SiLU, 1.5, 1.2263617142904655, 1.041294154299143},
		{"silu", ops.SiLU, -2, -0.2384058440442351, -0.09078424878489547},
		{"elu", func(x ad.Node) ad.Node { return ops.ELUConst(x, 1) }, -1.5, -0.7768698398515702, 0.22313016014842982},
		{"elu", func(x ad.Node) ad.Node { return ops.ELUConst(x, 1) }, 0, 0, 1},
		{"leaky relu", func(x ad.Node) ad.Node { return ops.LeakyReLUConst(x, 0.01) }, -2, -0.02, 0.01},
		{"leaky relu", func(x ad.Node) ad.Node { return ops.LeakyReLUConst(x, 0.01) }, 0, 0, 0.01},
		{"sign", ops.Sign, -3, -1, 0},
		{"sign", ops.Sign, 0, 0, 0},
		{"floor", ops.Floor, -1.5, -2, 0},
		{"ceil", ops.Ceil, -1.5, -1, 0},
		{"round", ops.Round, 2.5, 2, 0},
		{"round", ops.Round, -0.5, 0, 0},
		{"round", ops.Round, 1.5, 2, 0},
	} {
		for _, shape := range []tensor.Shape{nil, {2}} {
			var g ad.Graph
			x := g.Var("x", tensor.Full(tensor.Float64, tt.x, shape...))
			y := tt.op(x)
			d := ad.Backward(ops.Sum(y)).Grad(x).Data()[0]
			if got := y.Value().Data()[0]; math.Abs(got-tt.y) > 1e-15*math.Max(1, math.Abs(tt.y)) || math.Abs(d-tt.d) > 1e-15*math.Max(1, math.Abs(tt.d)) {
				t.Errorf("%s(%v) %v = %.17g, derivative %.17g; want %.17g, %.17g", tt.name, tt.x, shape, got, d, tt.y, tt.d)
			}
		}
	}
}

// Atan2's value and derivatives against Python's math.atan2, and its
// quadrants.
func TestAtan2(t *testing.T) {
	var g ad.Graph
	x, y := g.ScalarVar("x", 1), g.ScalarVar("y", -2)
	z := ops.Atan2(x, y)
	tab := ad.Backward(z)
	if z.Scalar() != 2.677945044588987 || tab.Scalar(x) != -0.4 || tab.Scalar(y) != -0.2 {
		t.Errorf("atan2(1, -2) = %v, derivatives %v, %v; want 2.677945044588987, -0.4, -0.2", z.Scalar(), tab.Scalar(x), tab.Scalar(y))
	}
	for _, c := range [][3]float64{{1, 1, math.Pi / 4}, {1, -1, 3 * math.Pi / 4}, {-1, -1, -3 * math.Pi / 4}, {-1, 1, -math.Pi / 4}} {
		var g ad.Graph
		if got := ops.Atan2(g.ScalarConst(c[0]), g.ScalarConst(c[1])).Scalar(); math.Abs(got-c[2]) > 1e-15 {
			t.Errorf("atan2(%v, %v) = %v; want %v", c[0], c[1], got, c[2])
		}
	}
}
