package tensor_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/seed812a03d2/backprop/tensor"
)

func TestBroadcastShapes(t *testing.T) {
	tests := []struct {
		name string
		x, y tensor.Shape
		want tensor.Shape
	}{
		{"scalars", nil, nil, nil},
		{"scalar and vector", nil, tensor.Shape{3}, tensor.Shape{3}},
		{"vector and scalar", tensor.Shape{3}, nil, tensor.Shape{3}},
		{"same", tensor.Shape{2, 3}, tensor.Shape{2, 3}, tensor.Shape{2, 3}},
		{"column and row", tensor.Shape{2, 1}, tensor.Shape{3}, tensor.Shape{2, 3}},
		{"row and column", tensor.Shape{3}, tensor.Shape{2, 1}, tensor.Shape{2, 3}},
		{"3-d and 2-d", tensor.Shape{2, 1, 4}, tensor.Shape{3, 1}, tensor.Shape{2, 3, 4}},
		{"ones both sides", tensor.Shape{1, 5, 1}, tensor.Shape{7, 1, 1, 6}, tensor.Shape{7, 1, 5, 6}},
		{"one and zero", tensor.Shape{1}, tensor.Shape{0}, tensor.Shape{0}},
		{"zero and one", tensor.Shape{0}, tensor.Shape{1}, tensor.Shape{0}},
		{"zero and scalar", tensor.Shape{0}, nil, tensor.Shape{0}},
		{"zero sizes mixed", tensor.Shape{5, 1, 0}, tensor.Shape{1, 7, 1}, tensor.Shape{5, 7, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tensor.BroadcastShapes("Test", tt.x, tt.y)
			if !got.Equal(tt.want) {
				t.Errorf("BroadcastShapes(%q, %v, %v) = %v; want %v", "Test", tt.x, tt.y, got, tt.want)
			}
		})
	}

	fails := []struct {
		name string
		x, y tensor.Shape
	}{
		{"vectors", tensor.Shape{2}, tensor.Shape{3}},
		{"transposed", tensor.Shape{2, 3}, tensor.Shape{3, 2}},
		{"zero and two", tensor.Shape{0}, tensor.Shape{2}},
		{"inner mismatch", tensor.Shape{2, 1, 4}, tensor.Shape{3, 2}},
		{"leading mismatch", tensor.Shape{2, 3, 4}, tensor.Shape{5, 1, 4}},
	}
	for _, tt := range fails {
		t.Run("fails/"+tt.name, func(t *testing.T) {
			mustPanicWith(t, fmt.Sprintf("BroadcastShapes(%q, %v, %v)", "Add", tt.x, tt.y),
				func() { tensor.BroadcastShapes("Add", tt.x, tt.y) }, shapeErr,
				fmt.Sprintf("tensor: Add: incompatible shapes %v and %v", tt.x, tt.y))
		})
	}
}

type binaryCase struct {
	name string
	f    func(x, y *tensor.Tensor) *tensor.Tensor
	ref  func(a, b float64) float64
}

// binaryCases pairs each binary kernel with a reference written from its
// documentation.
var binaryCases = []binaryCase{
	{"Add", tensor.Add, func(a, b float64) float64 { return a + b }},
	{"Sub", tensor.Sub, func(a, b float64) float64 { return a - b }},
	{"Mul", tensor.Mul, func(a, b float64) float64 { return a * b }},
	{"GatedMul", tensor.GatedMul, func(a, b float64) float64 {
		if a == 0 || b == 0 {
			return 0
		}
		return a * b
	}},
	{"Div", tensor.Div, func(a, b float64) float64 { return a / b }},
	{"Pow", tensor.Pow, math.Pow},
	{"Maximum", tensor.Maximum, func(a, b float64) float64 {
		if math.IsNaN(a) || math.IsNaN(b) {
			return math.NaN()
		}
		return math.Max(a, b)
	}},
	{"Minimum", tensor.Minimum, func(a, b float64) float64 {
		if math.IsNaN(a) || math.IsNaN(b) {
			return math.NaN()
		}
		return math.Min(a, b)
	}},
	{"Greater", tensor.Greater, func(a, b float64) float64 {
		if a > b {
			return 1
		}
		return 0
	}},
	{"Equal", tensor.Equal, func(a, b float64) float64 {
		if a == b {
			return 1
		}
		return 0
	}},
}

// naiveBinary computes f(x, y) with broadcasting, one index at a time.
// The float64 result of ref is rounded to x's dtype: for + - * / that is
// exactly what a float32 kernel computes.
func naiveBinary(ref func(a, b float64) float64, x, y *tensor.Tensor) *tensor.Tensor {
	shape := tensor.BroadcastShapes("naive", x.Shape(), y.Shape())
	out := tensor.New(x.DType(), shape...)
	for i := range shape.Size() {
		idx := unravel(i, shape)
		a := x.At(broadcastIndex(idx, x.Shape())...)
		b := y.At(broadcastIndex(idx, y.Shape())...)
		out.Set(ref(a, b), idx...)
	}
	return out
}

// halves returns a tensor of random multiples of 0.5 in [-1.5, 1.5], so
// that ties, zeros and division by zero all occur.
func halves(seed uint64, d tensor.DType, shape ...int) *tensor.Tensor {
	x := tensor.RandUniform(tensor.NewRand(seed), f64, -2, 2, shape...)
	return tensor.Map(x, func(v float64) float64 { return math.Round(v*2) / 2 }).AsType(d)
}

func TestBinaryBroadcastVsNaive(t *testing.T) {
	shapes := []struct{ x, y tensor.Shape }{
		{tensor.Shape{2, 3}, tensor.Shape{2, 3}},
		{nil, nil},
		{nil, tensor.Shape{2, 3}},
		{tensor.Shape{2, 3}, nil},
		{tensor.Shape{1}, tensor.Shape{4}},
		{tensor.Shape{4}, tensor.Shape{1, 1}},
		{tensor.Shape{2, 1}, tensor.Shape{3}},
		{tensor.Shape{3}, tensor.Shape{2, 1}},
		{tensor.Shape{2, 1, 4}, tensor.Shape{3, 1}},
		{tensor.Shape{3, 1}, tensor.Shape{2, 1, 4}},
		{tensor.Shape{4, 1, 3, 1}, tensor.Shape{2, 1, 5}},
		{tensor.Shape{1, 3, 1}, tensor.Shape{2, 3, 4}},
		{tensor.Shape{2, 3, 4}, tensor.Shape{4}},
		{tensor.Shape{0, 3}, tensor.Shape{3}},
		{tensor.Shape{2, 0}, tensor.Shape{1}},
		{tensor.Shape{0}, nil},
		{tensor.Shape{2, 1}, tensor.Shape{1, 0}},
		{tensor.Shape{0, 1}, tensor.Shape{1, 1}},
		// Axes that coalesce (see coalesce): a bias [C 1 1] on [N C H W],
		// runs of length-1 axes, and one large enough to split.
		{tensor.Shape{2, 3, 4, 5}, tensor.Shape{3, 1, 1}},
		{tensor.Shape{3, 1, 1}, tensor.Shape{2, 3, 4, 5}},
		{tensor.Shape{2, 3, 4, 5}, tensor.Shape{1, 3, 4, 1}},
		{tensor.Shape{2, 1, 4, 5}, tensor.Shape{2, 3, 1, 1}},
		{tensor.Shape{1, 1, 4, 1, 5}, tensor.Shape{4, 3, 1}},
		{tensor.Shape{1, 1, 1}, tensor.Shape{1, 1}},
		{tensor.Shape{16, 32, 16, 16}, tensor.Shape{32, 1, 1}},
	}
	gens := []struct {
		name string
		f    func(seed uint64, d tensor.DType, shape ...int) *tensor.Tensor
	}{
		{"halves", halves},
		{"normal", randn},
	}
	seed := uint64(100)
	for _, c := range binaryCases {
		for _, d := range dtypes {
			for _, g := range gens {
				for _, s := range shapes {
					seed += 2
					x, y := g.f(seed, d, s.x...), g.f(seed+1, d, s.y...)
					if c.name == "Pow" && g.name == "normal" {
						x = tensor.Abs(x) // keep Pow real-valued
					}
					xd, yd := x.Data(), y.Data()
					call := fmt.Sprintf("%s(%v %v, %v) [%s]", c.name, d, s.x, s.y, g.name)
					t.Run(call, func(t *testing.T) {
						got := c.f(x, y)
						sameTensor(t, call, got, naiveBinary(c.ref, x, y), 0)
						checkTensor(t, call+" operand x", x, d, s.x, xd, 0)
						checkTensor(t, call+" operand y", y, d, s.y, yd, 0)
					})
				}
			}
		}
	}
}

func TestBinaryValues(t *testing.T) {
	v := func(xs ...float64) *tensor.Tensor { return tensor.FromFloat64s(xs) }
	// Wants computed by hand from IEEE 754 rules.
	tests := []struct {
		name string
		f    func(x, y *tensor.Tensor) *tensor.Tensor
		x, y *tensor.Tensor
		want []float64
	}{
		{"Add", tensor.Add, v(1, 2, inf, inf), v(3, -4, 1, -inf), []float64{4, -2, inf, nan}},
		{"Sub", tensor.Sub, v(1, inf, nan), v(3, inf, 1), []float64{-2, nan, nan}},
		{"Mul", tensor.Mul, v(2, inf, -3), v(-4, 0, negZ), []float64{-8, nan, 0}},
		{"Div", tensor.Div, v(1, -1, 0, 7), v(0, 0, 0, 2), []float64{inf, -inf, nan, 3.5}},
		{"Pow", tensor.Pow, v(2, -8, 0, 9, nan, 1), v(10, 1.0/3, -1, 0.5, 0, nan), []float64{1024, nan, inf, 3, 1, 1}},
		{"Maximum", tensor.Maximum, v(1, nan, 2, -inf), v(2, 3, nan, -5), []float64{2, nan, nan, -5}},
		{"Minimum", tensor.Minimum, v(1, nan, 2, inf), v(2, 3, nan, 5), []float64{1, nan, nan, 5}},
		{"Greater", tensor.Greater, v(2, 1, 1, nan, 1, inf), v(1, 1, 2, 1, nan, 1e38), []float64{1, 0, 0, 0, 0, 1}},
		{"Equal", tensor.Equal, v(1, 1, 0, nan, inf), v(1, 2, negZ, nan, inf), []float64{1, 0, 1, 0, 1}},
		{"GatedMul", tensor.GatedMul, v(0, 0, negZ, 2, inf, nan), v(inf, nan, -inf, 3, 0, 0), []float64{0, 0, 0, 6, 0, 0}},
	}
	for _, tt := range tests {
		for _, d := range dtypes {
			t.Run(tt.name+"/"+d.String(), func(t *testing.T) {
				x, y := tt.x.AsType(d), tt.y.AsType(d)
				call := fmt.Sprintf("%s(%v, %v)", tt.name, x, y)
				checkTensor(t, call, tt.f(x, y), d, x.Shape(), roundAll(d, tt.want), 0)
			})
		}
	}

	t.Run("scalar result", func(t *testing.T) {
		got := tensor.Mul(tensor.Scalar32(3), tensor.Scalar32(0.5))
		checkTensor(t, "Mul(3, 0.5)", got, f32, nil, []float64{1.5}, 0)
	})
	t.Run("float32 arithmetic", func(t *testing.T) {
		// 1 + 2**-30 is 1 in float32 but not in float64.
		x := tensor.Scalar32(1)
		y := tensor.Scalar32(float32(math.Ldexp(1, -30)))
		if got := tensor.Add(x, y).Item(); got != 1 {
			t.Errorf("Add(float32 1, float32 2**-30) = %v; want 1", got)
		}
		if got := tensor.Add(tensor.Scalar(1), tensor.Scalar(math.Ldexp(1, -30))).Item(); got == 1 {
			t.Errorf("Add(float64 1, float64 2**-30) = 1; want more than 1")
		}
	})
}

func TestBinaryErrors(t *testing.T) {
	for _, c := range binaryCases {
		t.Run(c.name, func(t *testing.T) {
			a := tensor.Zeros(f64, 2)
			b := tensor.Zeros(f32, 2)
			mustPanicWith(t, c.name+"(float64, float32)", func() { c.f(a, b) }, dtypeErr,
				"tensor: "+c.name+": mixed element types float64 and float32")
			mustPanicWith(t, c.name+"(float32, float64)", func() { c.f(b, a) }, dtypeErr,
				"tensor: "+c.name+": mixed element types float32 and float64")
			mustPanic(t, c.name+"(Scalar, Scalar32)", func() { c.f(tensor.Scalar(1), tensor.Scalar32(1)) }, dtypeErr)
			mustPanicWith(t, c.name+"([2], [3])", func() { c.f(a, tensor.Zeros(f64, 3)) }, shapeErr,
				"tensor: "+c.name+": incompatible shapes [2] and [3]")
			mustPanic(t, c.name+"([2 3], [3 2])", func() { c.f(tensor.Zeros(f32, 2, 3), tensor.Zeros(f32, 3, 2)) }, shapeErr)
		})
	}
}

// specials are the inputs of the unary tests.
var specials = []float64{math.Inf(-1), -1000, -30, -2.5, -1, -0.5, math.Copysign(0, -1), 0,
	1e-300, 0.5, 1, 2, 3, 30, 1000, math.Inf(1), math.NaN()}

func TestUnaryVsReference(t *testing.T) {
	// References written independently of the kernels where the kernel
	// is more than a call to math.
	tests := []struct {
		name string
		f    func(*tensor.Tensor) *tensor.Tensor
		ref  func(float64) float64
		tol  float64
	}{
		{"Neg", tensor.Neg, func(v float64) float64 { return 0 - v }, 0},
		{"Abs", tensor.Abs, func(v float64) float64 {
			if v < 0 {
				return -v
			}
			return v
		}, 0},
		{"Sqrt", tensor.Sqrt, math.Sqrt, 0},
		{"Square", tensor.Square, func(v float64) float64 { return math.Pow(v, 2) }, 0},
		{"Exp", tensor.Exp, math.Exp, 0},
		{"Log", tensor.Log, math.Log, 0},
		{"Sin", tensor.Sin, math.Sin, 0},
		{"Cos", tensor.Cos, math.Cos, 0},
		{"Tan", tensor.Tan, math.Tan, 0},
		{"Tanh", tensor.Tanh, math.Tanh, 0},
		// Naive 1/(1+e**-v) is accurate except that e**-v overflows for
		// v < -709, where the answer underflows to 0 anyway.
		{"Sigmoid", tensor.Sigmoid, func(v float64) float64 { return 1 / (1 + math.Exp(-v)) }, 1e-15},
		{"ReLU", tensor.ReLU, func(v float64) float64 {
			if math.IsNaN(v) {
				return v
			}
			return math.Max(v, 0)
		}, 0},
		{"Sign", tensor.Sign, func(v float64) float64 {
			switch {
			case math.IsNaN(v):
				return v
			case v == 0:
				return 0
			}
			return math.Copysign(1, v)
		}, 0},
		{"Step", tensor.Step, func(v float64) float64 {
			if v > 0 {
				return 1
			}
			return 0
		}, 0},
	}
	for _, tt := range tests {
		for _, d := range dtypes {
			t.Run(tt.name+"/"+d.String(), func(t *testing.T) {
				x := fromData(d, specials, 1, len(specials))
				xd := x.Data()
				want := make([]float64, len(xd))
				for i, v := range xd {
					want[i] = round(d, tt.ref(v))
				}
				checkTensor(t, tt.name+"(specials)", tt.f(x), d, x.Shape(), want, tt.tol)
				checkTensor(t, tt.name+"(specials) operand", x, d, x.Shape(), xd, 0)

				r := randn(uint64(len(tt.name)), d, 3, 4, 5)
				rd := r.Data()
				want = make([]float64, len(rd))
				for i, v := range rd {
					want[i] = round(d, tt.ref(v))
				}
				checkTensor(t, tt.name+"(randn)", tt.f(r), d, r.Shape(), want, max(tt.tol, 0))

				s := tensor.Scalar(-0.25).AsType(d)
				checkTensor(t, tt.name+"(-0.25)", tt.f(s), d, nil, []float64{round(d, tt.ref(-0.25))}, tt.tol)
				e := tensor.Zeros(d, 2, 0)
				checkTensor(t, tt.name+"(empty)", tt.f(e), d, tensor.Shape{2, 0}, nil, 0)
			})
		}
	}
}

func TestUnarySpecialValues(t *testing.T) {
	// Wants from IEEE 754 and the functions' definitions.
	tests := []struct {
		name string
		f    func(*tensor.Tensor) *tensor.Tensor
		in   []float64
		want []float64
	}{
		{"Neg", tensor.Neg, []float64{0, negZ, inf, nan, 2}, []float64{negZ, 0, -inf, nan, -2}},
		{"Abs", tensor.Abs, []float64{negZ, -inf, nan, -2}, []float64{0, inf, nan, 2}},
		{"Sqrt", tensor.Sqrt, []float64{4, -1, negZ, inf, nan, 2}, []float64{2, nan, negZ, inf, nan, math.Sqrt2}},
		{"Square", tensor.Square, []float64{-3, -inf, nan, negZ}, []float64{9, inf, nan, 0}},
		{"Exp", tensor.Exp, []float64{0, -inf, inf, nan, 1, 1000}, []float64{1, 0, inf, nan, math.E, inf}},
		{"Log", tensor.Log, []float64{1, 0, negZ, -1, inf, nan, 0.5}, []float64{0, -inf, -inf, nan, inf, nan, -math.Ln2}},
		{"Sin", tensor.Sin, []float64{0, negZ, inf, nan, math.Pi / 2}, []float64{0, negZ, nan, nan, 1}},
		{"Cos", tensor.Cos, []float64{0, inf, nan, math.Pi}, []float64{1, nan, nan, -1}},
		{"Tan", tensor.Tan, []float64{0, negZ, inf, nan}, []float64{0, negZ, nan, nan}},
		{"Tanh", tensor.Tanh, []float64{0, inf, -inf, nan, 1000, -1000}, []float64{0, 1, -1, nan, 1, -1}},
		// math.Exp(-720) is subnormal; σ(v) = e**v/(1+e**v) rounds to it,
		// where a naive 1/(1+e**720) would overflow to 1/Inf = 0.
		{"Sigmoid", tensor.Sigmoid, []float64{0, -1000, 1000, -inf, inf, nan, -720},
			[]float64{0.5, 0, 1, 0, 1, nan, math.Exp(-720)}},
		{"ReLU", tensor.ReLU, []float64{-1, 0, negZ, 2.5, -inf, inf, nan}, []float64{0, 0, 0, 2.5, 0, inf, nan}},
		{"Sign", tensor.Sign, []float64{-inf, -2, negZ, 0, 3, inf, nan, -1e-300}, []float64{-1, -1, negZ, 0, 1, 1, nan, -1}},
		{"Step", tensor.Step, []float64{-1, 0, negZ, 1e-300, inf, -inf, nan}, []float64{0, 0, 0, 1, 1, 0, 0}},
	}
	for _, tt := range tests {
		for _, d := range dtypes {
			t.Run(tt.name+"/"+d.String(), func(t *testing.T) {
				x := fromData(d, tt.in)
				want := roundAll(d, tt.want)
				if tt.name == "Sigmoid" && d == f32 {
					want[len(want)-1] = 0 // e**-720 underflows in float32
				}
				if tt.name == "Step" || tt.name == "Sign" {
					// 1e-300 is 0 in float32.
					for i, v := range tt.in {
						if v == 1e-300 && d == f32 {
							want[i] = 0
						}
						if v == -1e-300 && d == f32 {
							want[i] = negZ
						}
					}
				}
				got := tt.f(x).Data()
				for i := range got {
					if !sameFloat(got[i], want[i]) || (math.Signbit(got[i]) != math.Signbit(want[i]) && !math.IsNaN(want[i])) {
						t.Errorf("%s(%v %v) = %v; want %v", tt.name, d, x.Data()[i], got[i], want[i])
					}
				}
			})
		}
	}

	t.Run("float32 overflow", func(t *testing.T) {
		// e**100 ≈ 2.7e43 is beyond float32's largest value 3.4e38.
		if got := tensor.Exp(tensor.Scalar32(100)).Item(); !math.IsInf(got, 1) {
			t.Errorf("Exp(float32 100) = %v; want +Inf", got)
		}
		if got := tensor.Square(tensor.Scalar32(1e20)).Item(); !math.IsInf(got, 1) {
			t.Errorf("Square(float32 1e20) = %v; want +Inf", got)
		}
	})
}

func TestScalarFuncs(t *testing.T) {
	t.Run("SigmoidFloat", func(t *testing.T) {
		for _, v := range []float64{-1e308, -1000, -745, -710, -100, -1, 0, 1, 100, 710, 1000, 1e308} {
			got := tensor.SigmoidFloat(v)
			if math.IsNaN(got) || got < 0 || got > 1 {
				t.Errorf("SigmoidFloat(%v) = %v; want a number in [0, 1]", v, got)
			}
		}
		if got := tensor.SigmoidFloat(-1000); got != 0 {
			t.Errorf("SigmoidFloat(-1000) = %v; want 0", got)
		}
		if got := tensor.SigmoidFloat(1000); got != 1 {
			t.Errorf("SigmoidFloat(1000) = %v; want 1", got)
		}
		// σ(-v) = 1 - σ(v); checked to a few ulps of 1.
		for _, v := range []float64{0.1, 0.5, 1, 2, 5, 10, 20} {
			if s := tensor.SigmoidFloat(v) + tensor.SigmoidFloat(-v); math.Abs(s-1) > 4e-16 {
				t.Errorf("SigmoidFloat(%v) + SigmoidFloat(%v) = %v; want 1", v, -v, s)
			}
		}
		// σ(1) = 1/(1+1/e) = 0.7310585786300049 (numpy gives).
		if got := tensor.SigmoidFloat(1); math.Abs(got-0.7310585786300049) > 1e-16 {
			t.Errorf("SigmoidFloat(1) = %v; want 0.7310585786300049", got)
		}
	})
	t.Run("ReLUFloat", func(t *testing.T) {
		tests := []struct{ in, want float64 }{{-1, 0}, {0, 0}, {2, 2}, {inf, inf}, {-inf, 0}, {nan, nan}}
		for _, tt := range tests {
			if got := tensor.ReLUFloat(tt.in); !sameFloat(got, tt.want) {
				t.Errorf("ReLUFloat(%v) = %v; want %v", tt.in, got, tt.want)
			}
		}
	})
	t.Run("SignFloat", func(t *testing.T) {
		tests := []struct{ in, want float64 }{{-3, -1}, {0, 0}, {negZ, negZ}, {2, 1}, {inf, 1}, {-inf, -1}, {nan, nan}}
		for _, tt := range tests {
			if got := tensor.SignFloat(tt.in); !sameFloat(got, tt.want) || (math.Signbit(got) != math.Signbit(tt.want) && !math.IsNaN(got)) {
				t.Errorf("SignFloat(%v) = %v; want %v", tt.in, got, tt.want)
			}
		}
	})
}

func TestMap(t *testing.T) {
	for _, d := range dtypes {
		t.Run(d.String(), func(t *testing.T) {
			x := fromData(d, []float64{1, 2, 3, 4, 5, 6}, 3, 2)
			got := tensor.Map(x, func(v float64) float64 { return v/3 + 1 })
			want := make([]float64, 6)
			for i := range want {
				// Computed in float64, then rounded once.
				want[i] = round(d, float64(i+1)/3+1)
			}
			checkTensor(t, "Map(x, v/3+1)", got, d, tensor.Shape{3, 2}, want, 0)
			checkTensor(t, "Map operand", x, d, tensor.Shape{3, 2}, []float64{1, 2, 3, 4, 5, 6}, 0)
		})
	}
	// The float32 kernel computes in float64: (1e20*1e20)/1e30 = 1e10 does
	// not overflow although 1e40 is not a float32.
	got := tensor.Map(tensor.Scalar32(1e20), func(v float64) float64 { return v * v / 1e30 })
	x := float64(float32(1e20))
	if want := float64(float32(x * x / 1e30)); got.Item() != want {
		t.Errorf("Map(float32 1e20, v*v/1e30) = %v; want %v", got.Item(), want)
	}
}

func TestWhere(t *testing.T) {
	for _, d := range dtypes {
		t.Run("hand/"+d.String(), func(t *testing.T) {
			cond := fromData(d, []float64{1, 0, -2, 0.5, negZ, nan})
			x := fromData(d, []float64{1, 2, 3, 4, 5, 6})
			y := fromData(d, []float64{10, 20, 30, 40, 50, 60})
			// Nonzero picks x; ±0 picks y; NaN is nonzero (as numpy's bool(nan)).
			checkTensor(t, fmt.Sprintf("Where(%v, %v, %v)", cond, x, y), tensor.Where(cond, x, y), d,
				tensor.Shape{6}, []float64{1, 20, 3, 4, 50, 6}, 0)
		})
		t.Run("untaken NaN/"+d.String(), func(t *testing.T) {
			cond := fromData(d, []float64{1, 0})
			x := fromData(d, []float64{1, nan})
			y := fromData(d, []float64{nan, inf})
			checkTensor(t, "Where([1 0], [1 NaN], [NaN +Inf])", tensor.Where(cond, x, y), d,
				tensor.Shape{2}, []float64{1, inf}, 0)
		})
	}

	shapes := []struct{ c, x, y tensor.Shape }{
		{tensor.Shape{2, 3}, tensor.Shape{2, 3}, tensor.Shape{2, 3}},
		{tensor.Shape{2, 1}, tensor.Shape{3}, nil},
		{nil, tensor.Shape{2, 3}, tensor.Shape{3}},
		{tensor.Shape{4, 1, 1}, tensor.Shape{1, 3, 1}, tensor.Shape{2}},
		{tensor.Shape{0, 1}, tensor.Shape{3}, tensor.Shape{1, 3}},
	}
	for i, s := range shapes {
		for _, d := range dtypes {
			call := fmt.Sprintf("Where(%v, %v %v, %v)", s.c, d, s.x, s.y)
			t.Run(call, func(t *testing.T) {
				// cond has halves, so zeros occur; its dtype need not be x's.
				cond := halves(uint64(200+i), f64, s.c...)
				x, y := randn(uint64(300+i), d, s.x...), randn(uint64(400+i), d, s.y...)
				shape := tensor.BroadcastShapes("naive", tensor.BroadcastShapes("naive", s.c, s.x), s.y)
				want := make([]float64, shape.Size())
				for k := range want {
					idx := unravel(k, shape)
					if cond.At(broadcastIndex(idx, s.c)...) != 0 {
						want[k] = x.At(broadcastIndex(idx, s.x)...)
					} else {
						want[k] = y.At(broadcastIndex(idx, s.y)...)
					}
				}
				checkTensor(t, call, tensor.Where(cond, x, y), d, shape, want, 0)
			})
		}
	}

	t.Run("fails", func(t *testing.T) {
		c := tensor.Ones(f64, 2)
		mustPanicWith(t, "Where([2], float64 [2], float32 [2])",
			func() { tensor.Where(c, tensor.Zeros(f64, 2), tensor.Zeros(f32, 2)) }, dtypeErr,
			"tensor: Where: mixed element types float64 and float32")
		mustPanicWith(t, "Where([2], [3], [3])",
			func() { tensor.Where(c, tensor.Zeros(f64, 3), tensor.Zeros(f64, 3)) }, shapeErr,
			"tensor: Where: incompatible shapes [2] and [3]")
		mustPanic(t, "Where([2], [2], [3])",
			func() { tensor.Where(c, tensor.Zeros(f64, 2), tensor.Zeros(f64, 3)) }, shapeErr)
	})
}

func TestReLUGrad(t *testing.T) {
	v := func(xs ...float64) *tensor.Tensor { return tensor.FromFloat64s(xs) }
	g := v(1, 2, inf, nan, -3, nan, 5)
	x := v(0.5, -1, -2, 0, 1e-30, 3, nan)
	for _, d := range dtypes {
		got := tensor.ReLUGrad(g.AsType(d), x.AsType(d))
		checkTensor(t, "ReLUGrad/"+d.String(), got, d, tensor.Shape{7}, roundAll(d, []float64{1, 0, 0, 0, -3, nan, 0}), 0)
	}
	if err := tensor.Catch(func() { tensor.ReLUGrad(v(1, 2), v(1)) }); err == nil {
		t.Error("ReLUGrad of shapes [2] and [1]: no error")
	}
}

func TestMap2(t *testing.T) {
	x := tensor.FromFloat64s([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	y := tensor.FromFloat64s([]float64{10, 20}, 2, 1)
	got := tensor.Map2(x, y, func(a, b float64) float64 { return a*b + 1 })
	if !got.Shape().Equal(tensor.Shape{2, 3}) || fmt.Sprint(got.Data()) != "[11 21 31 81 101 121]" {
		t.Errorf("Map2 = %v %v", got.Shape(), got.Data())
	}
	got32 := tensor.Map2(x.AsType(tensor.Float32), tensor.Scalar32(2), func(a, b float64) float64 { return a - b })
	if got32.DType() != tensor.Float32 || fmt.Sprint(got32.Data()) != "[-1 0 1 2 3 4]" {
		t.Errorf("Map2 float32 = %v", got32.Data())
	}
	if err := tensor.Catch(func() {
		tensor.Map2(x, tensor.FromFloat64s([]float64{1, 2}, 2), func(a, b float64) float64 { return a })
	}); err == nil {
		t.Error("Map2 of [2 3] and [2]: no error")
	}
}
