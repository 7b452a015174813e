package ops_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/adtest"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// uniform returns seeded random float64 values in [lo, hi).
func uniform(seed uint64, lo, hi float64, shape ...int) *tensor.Tensor {
	return tensor.RandUniform(tensor.NewRand(seed), tensor.Float64, lo, hi, shape...)
}

// awayFrom returns seeded random values in [lo, hi) at least gap away from
// every kink, so that finite differences do not straddle one.
func awayFrom(seed uint64, lo, hi, gap float64, kinks []float64, shape ...int) *tensor.Tensor {
	t := uniform(seed, lo, hi, shape...)
	d := t.Float64s()
	for i := range d {
		for _, k := range kinks {
			if math.Abs(d[i]-k) < gap {
				d[i] = k + gap*math.Copysign(1, d[i]-k+1e-300)*2
			}
		}
	}
	return t
}

func f1(op func(ad.Node) ad.Node) adtest.Func {
	return func(xs ...ad.Node) ad.Node { return op(xs[0]) }
}

func f2(op func(x, y ad.Node) ad.Node) adtest.Func {
	return func(xs ...ad.Node) ad.Node { return op(xs[0], xs[1]) }
}

type gradCase struct {
	name   string
	f      adtest.Func
	inputs []*tensor.Tensor
	second bool // also check second derivatives
}

// gradCases lists every operation at seeded random points: scalars, so the
// float64 fast path is checked, and tensors with broadcasting.
func gradCases() []gradCase {
	s := func(v float64) *tensor.Tensor { return tensor.Scalar(v) }
	pos := func(seed uint64, shape ...int) *tensor.Tensor { return uniform(seed, 0.5, 2, shape...) }
	any := func(seed uint64, shape ...int) *tensor.Tensor { return uniform(seed, -2, 2, shape...) }
	nz := func(seed uint64, shape ...int) *tensor.Tensor {
		return awayFrom(seed, -2, 2, 0.1, []float64{0}, shape...)
	}
	return []gradCase{
		{"add scalar", f2(ops.Add), []*tensor.Tensor{s(0.3), s(-1.7)}, true},
		{"add broadcast", f2(ops.Add), []*tensor.Tensor{any(1, 2, 3), any(2, 3)}, true},
		{"add broadcast column", f2(ops.Add), []*tensor.Tensor{any(1, 2, 1), any(2, 1, 3)}, true},
		{"sub scalar", f2(ops.Sub), []*tensor.Tensor{s(0.3), s(-1.7)}, true},
		{"sub broadcast", f2(ops.Sub), []*tensor.Tensor{any(3, 2, 3), any(4, 1, 3)}, true},
		{"mul scalar", f2(ops.Mul), []*tensor.Tensor{s(0.3), s(-1.7)}, true},
		{"mul broadcast", f2(ops.Mul), []*tensor.Tensor{any(5, 2, 3), any(6)}, true},
		{"gatedmul scalar", f2(ops.GatedMul), []*tensor.Tensor{s(0.3), s(-1.7)}, true},
		{"gatedmul broadcast", f2(ops.GatedMul), []*tensor.Tensor{any(62, 2, 3), any(63, 3)}, true},
		{"div scalar", f2(ops.Div), []*tensor.Tensor{s(0.3), s(-1.7)}, true},
		{"div broadcast", f2(ops.Div), []*tensor.Tensor{any(7, 2, 3), nz(8, 3)}, true},
		{"identity", f1(ops.Identity), []*tensor.Tensor{any(61, 2, 2)}, true},
		{"identity scalar", f1(ops.Identity), []*tensor.Tensor{s(0.25)}, true},
		{"neg", f1(ops.Neg), []*tensor.Tensor{any(9, 2, 2)}, true},
		{"pow scalar", f2(ops.Pow), []*tensor.Tensor{s(1.3), s(-1.7)}, true},
		{"pow zero exponent", f2(ops.Pow), []*tensor.Tensor{s(2), s(0)}, true},
		{"pow zero exponent tensor", f2(ops.Pow), []*tensor.Tensor{tensor.FromFloat64s([]float64{2, 0.5}, 2), tensor.FromFloat64s([]float64{0, 0}, 2)}, true},
		{"pow tensor exponent", f2(ops.Pow), []*tensor.Tensor{pos(10, 2, 3), any(11, 3)}, true},
		{"pow constant exponent", f1(func(x ad.Node) ad.Node { return ops.PowConst(x, 3) }), []*tensor.Tensor{any(12, 4)}, true},
		{"square", f1(ops.Square), []*tensor.Tensor{any(13, 2, 2)}, true},
		{"square scalar", f1(ops.Square), []*tensor.Tensor{s(-0.7)}, true},
		{"sqrt", f1(ops.Sqrt), []*tensor.Tensor{pos(14, 3)}, true},
		{"sqrt scalar", f1(ops.Sqrt), []*tensor.Tensor{s(1.9)}, true},
		{"exp", f1(ops.Exp), []*tensor.Tensor{any(15, 3)}, true},
		{"exp scalar", f1(ops.Exp), []*tensor.Tensor{s(1.1)}, true},
		{"log", f1(ops.Log), []*tensor.Tensor{pos(16, 3)}, true},
		{"log scalar", f1(ops.Log), []*tensor.Tensor{s(0.6)}, true},
		{"sin", f1(ops.Sin), []*tensor.Tensor{any(17, 3)}, true},
		{"sin scalar", f1(ops.Sin), []*tensor.Tensor{s(0.6)}, true},
		{"cos", f1(ops.Cos), []*tensor.Tensor{any(18, 3)}, true},
		{"cos scalar", f1(ops.Cos), []*tensor.Tensor{s(0.6)}, true},
		{"tan", f1(ops.Tan), []*tensor.Tensor{uniform(19, -1.2, 1.2, 3)}, true},
		{"tan scalar", f1(ops.Tan), []*tensor.Tensor{s(0.6)}, true},
		{"tanh", f1(ops.Tanh), []*tensor.Tensor{any(20, 3)}, true},
		{"tanh scalar", f1(ops.Tanh), []*tensor.Tensor{s(0.6)}, true},
		{"sigmoid", f1(ops.Sigmoid), []*tensor.Tensor{any(21, 3)}, true},
		{"sigmoid scalar", f1(ops.Sigmoid), []*tensor.Tensor{s(-0.6)}, true},
		{"relu", f1(ops.ReLU), []*tensor.Tensor{nz(22, 6)}, true},
		{"relu scalar", f1(ops.ReLU), []*tensor.Tensor{s(0.6)}, true},
		{"abs", f1(ops.Abs), []*tensor.Tensor{nz(23, 6)}, true},
		{"abs scalar", f1(ops.Abs), []*tensor.Tensor{s(-0.6)}, true},
		{"maximum", f2(ops.Maximum), []*tensor.Tensor{any(24, 2, 3), any(25, 3)}, true},
		{"maximum scalar", f2(ops.Maximum), []*tensor.Tensor{s(0.3), s(-0.2)}, true},
		{"minimum", f2(ops.Minimum), []*tensor.Tensor{any(26, 2, 3), any(27, 2, 1)}, true},
		{"minimum scalar", f2(ops.Minimum), []*tensor.Tensor{s(0.3), s(-0.2)}, true},
		{"softplus", f1(ops.Softplus), []*tensor.Tensor{uniform(64, -6, 6, 2, 3)}, true},
		{"softplus scalar", f1(ops.Softplus), []*tensor.Tensor{s(-0.8)}, true},
		{"log sigmoid", f1(ops.LogSigmoid), []*tensor.Tensor{uniform(65, -6, 6, 2, 3)}, true},
		{"log sigmoid scalar", f1(ops.LogSigmoid), []*tensor.Tensor{s(1.3)}, true},
		{"erf", f1(ops.Erf), []*tensor.Tensor{any(66, 2, 3)}, true},
		{"erf scalar", f1(ops.Erf), []*tensor.Tensor{s(0.4)}, true},
		{"gelu", f1(ops.GELU), []*tensor.Tensor{uniform(67, -4, 4, 2, 3)}, true},
		{"gelu scalar", f1(ops.GELU), []*tensor.Tensor{s(-0.9)}, true},
		{"asin", f1(ops.Asin), []*tensor.Tensor{uniform(68, -0.9, 0.9, 2, 3)}, true},
		{"asin scalar", f1(ops.Asin), []*tensor.Tensor{s(0.3)}, true},
		{"acos", f1(ops.Acos), []*tensor.Tensor{uniform(69, -0.9, 0.9, 2, 3)}, true},
		{"acos scalar", f1(ops.Acos), []*tensor.Tensor{s(-0.6)}, true},
		{"atan", f1(ops.Atan), []*tensor.Tensor{uniform(70, -3, 3, 2, 3)}, true},
		{"atan scalar", f1(ops.Atan), []*tensor.Tensor{s(1.7)}, true},
		{"atan2", f2(ops.Atan2), []*tensor.Tensor{nz(71, 2, 3), nz(72, 3)}, true},
		{"atan2 scalar", f2(ops.Atan2), []*tensor.Tensor{s(0.7), s(-1.2)}, true},
		{"log1p", f1(ops.Log1p), []*tensor.Tensor{uniform(73, -0.5, 2, 2, 3)}, true},
		{"log1p scalar", f1(ops.Log1p), []*tensor.Tensor{s(0.2)}, true},
		{"expm1", f1(ops.Expm1), []*tensor.Tensor{any(74, 2, 3)}, true},
		{"expm1 scalar", f1(ops.Expm1), []*tensor.Tensor{s(-0.4)}, true},
		{"silu", f1(ops.SiLU), []*tensor.Tensor{uniform(75, -4, 4, 2, 3)}, true},
		{"silu scalar", f1(ops.SiLU), []*tensor.Tensor{s(-1.1)}, true},
		{"leaky relu", f2(ops.LeakyReLU), []*tensor.Tensor{nz(76, 2, 3), uniform(77, 0.01, 0.3, 3)}, true},
		{"leaky relu scalar", f2(ops.LeakyReLU), []*tensor.Tensor{s(-0.5), s(0.2)}, true},
		{"leaky relu constant slope", f1(func(x ad.Node) ad.Node { return ops.LeakyReLUConst(x, 0.01) }), []*tensor.Tensor{nz(78, 6)}, true},
		{"elu", f2(ops.ELU), []*tensor.Tensor{nz(79, 2, 3), uniform(80, 0.5, 2, 3)}, true},
		{"elu scalar", f2(ops.ELU), []*tensor.Tensor{s(-0.5), s(1.3)}, true},
		{"elu constant alpha", f1(func(x ad.Node) ad.Node { return ops.ELUConst(x, 1) }), []*tensor.Tensor{nz(81, 6)}, true},
		// Piecewise constant: zero gradients, checked away from the steps.
		{"sign", f1(func(x ad.Node) ad.Node { return ops.Mul(ops.Sign(x), ops.Sin(x)) }), []*tensor.Tensor{nz(82, 6)}, true},
		{"floor", f1(func(x ad.Node) ad.Node { return ops.Mul(ops.Floor(x), x) }), []*tensor.Tensor{awayFrom(83, -2, 2, 0.1, []float64{-2, -1, 0, 1, 2}, 6)}, true},
		{"ceil", f1(func(x ad.Node) ad.Node { return ops.Mul(ops.Ceil(x), x) }), []*tensor.Tensor{awayFrom(84, -2, 2, 0.1, []float64{-2, -1, 0, 1, 2}, 6)}, true},
		{"round", f1(func(x ad.Node) ad.Node { return ops.Mul(ops.Round(x), x) }), []*tensor.Tensor{awayFrom(85, -2, 2, 0.1, []float64{-1.5, -0.5, 0.5, 1.5}, 6)}, true},
		{"round scalar", f1(ops.Round), []*tensor.Tensor{s(0.3)}, true},
		{"where", func(xs ...ad.Node) ad.Node {
			cond := xs[0].Graph().Const(tensor.FromFloat64s([]float64{1, 0, 1}, 3).AsType(xs[0].DType()))
			return ops.Where(cond, ops.Sin(xs[0]), ops.Mul(xs[1], xs[1]))
		}, []*tensor.Tensor{any(28, 2, 3), any(29, 3)}, true},
		{"sum all", f1(func(x ad.Node) ad.Node { return ops.Sum(ops.Square(x)) }), []*tensor.Tensor{any(30, 2, 3)}, true},
		{"sum axis", f1(func(x ad.Node) ad.Node { return ops.Sum(ops.Square(x), 1) }), []*tensor.Tensor{any(31, 2, 3, 2)}, true},
		{"sum axes keepdims", f1(func(x ad.Node) ad.Node { return ops.SumKeepDims(ops.Square(x), 0, -1) }), []*tensor.Tensor{any(32, 2, 3, 2)}, true},
		{"mean", f1(func(x ad.Node) ad.Node { return ops.Mean(ops.Square(x), 0) }), []*tensor.Tensor{any(33, 3, 2)}, true},
		{"mean keepdims", f1(func(x ad.Node) ad.Node { return ops.MeanKeepDims(ops.Sin(x), 1) }), []*tensor.Tensor{any(34, 3, 2)}, true},
		{"max", f1(func(x ad.Node) ad.Node { return ops.Max(ops.Sin(x), 1) }), []*tensor.Tensor{any(35, 3, 4)}, true},
		{"max all", f1(func(x ad.Node) ad.Node { return ops.Max(ops.Mul(x, x)) }), []*tensor.Tensor{any(36, 2, 3)}, true},
		{"min keepdims", f1(func(x ad.Node) ad.Node { return ops.MinKeepDims(ops.Sin(x), 0) }), []*tensor.Tensor{any(37, 3, 4)}, true},
		{"matmul", f2(ops.MatMul), []*tensor.Tensor{any(38, 2, 3), any(39, 3, 4)}, true},
		{"matmul batched broadcast", f2(func(x, y ad.Node) ad.Node { return ops.Sin(ops.MatMul(x, y)) }), []*tensor.Tensor{any(40, 2, 2, 3), any(41, 3, 2)}, true},
		{"matmul transB", f2(func(x, y ad.Node) ad.Node { return ops.Sin(ops.MatMulTransB(x, y)) }), []*tensor.Tensor{any(140, 2, 3), any(141, 4, 3)}, true},
		{"conv2d", f2(func(x, w ad.Node) ad.Node {
			return ops.Sin(ops.Conv2d(x, w, ops.Conv2dOptions{Padding: [2]int{1, 1}}))
		}), []*tensor.Tensor{any(142, 2, 2, 4, 4), any(143, 3, 2, 3, 3)}, true},
		{"conv2d strided dilated grouped", f2(func(x, w ad.Node) ad.Node {
			return ops.Sin(ops.Conv2d(x, w, ops.Conv2dOptions{Stride: [2]int{2, 1}, Padding: [2]int{1, 0}, Dilation: [2]int{1, 2}, Groups: 2}))
		}), []*tensor.Tensor{any(144, 2, 4, 5, 6), any(145, 4, 2, 2, 2)}, true},
		{"conv2d bias", func(xs ...ad.Node) ad.Node {
			return ops.Sin(ops.Conv2dBias(xs[0], xs[1], xs[2], ops.Conv2dOptions{Stride: [2]int{1, 2}, Padding: [2]int{1, 1}}))
		}, []*tensor.Tensor{any(147, 2, 2, 4, 5), any(148, 3, 2, 3, 3), any(149, 3)}, true},
		{"avg pool", f1(func(x ad.Node) ad.Node {
			return ops.Sin(ops.AvgPool2d(x, ops.Pool2dOptions{Kernel: [2]int{2, 2}, Stride: [2]int{1, 1}, Padding: [2]int{1, 1}}))
		}), []*tensor.Tensor{any(146, 1, 2, 3, 3)}, true},
		{"reshape", f1(func(x ad.Node) ad.Node { return ops.Sin(ops.Reshape(x, 3, -1)) }), []*tensor.Tensor{any(42, 2, 3)}, true},
		{"transpose", f1(func(x ad.Node) ad.Node { return ops.Mul(ops.Transpose(x, 2, 0, 1), ops.Transpose(x, 2, 0, 1)) }), []*tensor.Tensor{any(43, 2, 3, 2)}, true},
		{"transpose default", f1(func(x ad.Node) ad.Node { return ops.MatMul(ops.Transpose(x), x) }), []*tensor.Tensor{any(44, 2, 3)}, true},
		{"broadcast to", f1(func(x ad.Node) ad.Node { return ops.Sin(ops.BroadcastTo(x, tensor.Shape{2, 3, 4})) }), []*tensor.Tensor{any(45, 3, 1)}, true},
		{"sum to", f1(func(x ad.Node) ad.Node { return ops.SumTo(ops.Square(x), tensor.Shape{3, 1}) }), []*tensor.Tensor{any(46, 2, 3, 4)}, true},
		{"slice", f1(func(x ad.Node) ad.Node {
			return ops.Square(ops.Slice(x, tensor.Range{Start: 1, Stop: 3}, tensor.Range{Start: 0, Stop: 4, Step: 2}))
		}), []*tensor.Tensor{any(47, 3, 4)}, true},
		{"embed", f1(func(x ad.Node) ad.Node {
			return ops.Sin(ops.Embed(x, tensor.Shape{3, 4}, tensor.Range{Start: 1, Stop: 3}))
		}), []*tensor.Tensor{any(48, 2, 4)}, true},
		{"concat", func(xs ...ad.Node) ad.Node {
			return ops.Square(ops.Concat(1, xs[0], ops.Sin(xs[1]), xs[0]))
		}, []*tensor.Tensor{any(49, 2, 1), any(50, 2, 3)}, true},
		{"stack", func(xs ...ad.Node) ad.Node {
			return ops.Square(ops.Stack(-1, xs[0], xs[1]))
		}, []*tensor.Tensor{any(51, 2, 3), any(52, 2, 3)}, true},
		{"softmax", f1(func(x ad.Node) ad.Node { return ops.Softmax(x, -1) }), []*tensor.Tensor{any(53, 2, 3)}, true},
		{"softmax axis 0", f1(func(x ad.Node) ad.Node { return ops.Softmax(x, 0) }), []*tensor.Tensor{any(54, 3, 2)}, true},
		{"log softmax", f1(func(x ad.Node) ad.Node { return ops.LogSoftmax(x, 1) }), []*tensor.Tensor{any(55, 2, 3)}, true},
		{"logsumexp", f1(func(x ad.Node) ad.Node { return ops.LogSumExp(x, 1) }), []*tensor.Tensor{any(56, 2, 3)}, true},
		{"logsumexp keepdims", f1(func(x ad.Node) ad.Node { return ops.LogSumExpKeepDims(x, 0) }), []*tensor.Tensor{any(57, 3, 2)}, true},
		{"composite", func(xs ...ad.Node) ad.Node {
			h := ops.Tanh(ops.Add(ops.MatMul(xs[0], xs[1]), xs[2]))
			return ops.LogSumExp(ops.Mul(h, h), -1)
		}, []*tensor.Tensor{any(58, 2, 3), any(59, 3, 4), any(60, 4)}, true},
	}
}

func TestGradients(t *testing.T) {
	for _, tc := range gradCases() {
		t.Run(tc.name, func(t *testing.T) {
			adtest.CheckGrad(t, tc.f, tc.inputs...)
		})
	}
}

func TestSecondDerivatives(t *testing.T) {
	for _, tc := range gradCases() {
		if !tc.second {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			adtest.CheckGrad2(t, tc.f, tc.inputs...)
		})
	}
}

// Comparisons give masks, constants of the graph: values by IEEE
// comparison (NaN compares false, except !=), no gradient through them.
func TestComparisons(t *testing.T) {
	var g ad.Graph
	x := g.Var("x", tensor.FromFloat64s([]float64{1, 2, 3, math.NaN()}, 4))
	y := g.Var("y", tensor.FromFloat64s([]float64{2}, 1))
	for _, c := range []struct {
		name string
		f    func(x, y ad.Node) ad.Node
		want string
	}{
		{"greater", ops.Greater, "[0 0 1 0]"},
		{"greater equal", ops.GreaterEqual, "[0 1 1 0]"},
		{"less", ops.Less, "[1 0 0 0]"},
		{"less equal", ops.LessEqual, "[1 1 0 0]"},
		{"equal", ops.Equal, "[0 1 0 0]"},
		{"not equal", ops.NotEqual, "[1 0 1 1]"},
	} {
		m := c.f(x, y)
		if got := fmt.Sprint(m.Value().Data()); got != c.want || m.NeedsGrad() {
			t.Errorf("%s = %s (needs grad %v); want %s", c.name, got, m.NeedsGrad(), c.want)
		}
	}
	// Where with a mask: the gradient flows through the branch taken.
	z := ops.Sum(ops.Where(ops.Greater(x, y), ops.Square(x), ops.Mul(x, y)))
	if got := fmt.Sprint(ad.Backward(z, x).Grad(x).Data()); got != "[2 2 6 2]" {
		t.Errorf("∂z/∂x = %s; want [2 2 6 2]", got)
	}
	var other ad.Graph
	func() {
		defer func() {
			if _, ok := recover().(*ad.GraphError); !ok {
				t.Error("a comparison of nodes of two graphs: no *ad.GraphError")
			}
		}()
		ops.Greater(x, other.ScalarConst(1))
	}()
}

// Var and Std against closed forms and at first and second order; CumSum
// and its adjoint likewise.
func TestVarStdCumSum(t *testing.T) {
	var g ad.Graph
	x := g.Var("x", tensor.FromFloat64s([]float64{1, 2, 3, 4, 1e8 + 1, 1e8 + 3}, 3, 2))
	v := ops.Var(ops.Slice(x, tensor.Range{Start: 2, Stop: 3}), 1)
	if got := v.Scalar(); got != 2 {
		t.Errorf("sample variance of 1e8+1, 1e8+3 = %v; want 2 (two passes keep the spread)", got)
	}
	if got := ops.Std(ops.Slice(x, tensor.Range{Start: 0, Stop: 2}), 0).Scalar(); math.Abs(got-math.Sqrt(1.25)) > 1e-15 {
		t.Errorf("std of 1, 2, 3, 4 = %v; want √1.25", got)
	}
	if got := fmt.Sprint(ops.CumSum(x, 0).Value().Data()); got != "[1 2 4 6 1.00000005e+08 1.00000009e+08]" {
		t.Errorf("cumsum over axis 0 = %s", got)
	}
	cases := []gradCase{
		{"var", f1(func(x ad.Node) ad.Node { return ops.Var(x, 1, 1) }), []*tensor.Tensor{uniform(90, -2, 2, 3, 4)}, true},
		{"var all", f1(func(x ad.Node) ad.Node { return ops.Var(x, 0) }), []*tensor.Tensor{uniform(91, -2, 2, 2, 3)}, true},
		{"var keepdims", f1(func(x ad.Node) ad.Node { return ops.Mul(ops.VarKeepDims(x, 1, 0), x) }), []*tensor.Tensor{uniform(92, -2, 2, 3, 2)}, true},
		{"std", f1(func(x ad.Node) ad.Node { return ops.Std(x, 1, -1) }), []*tensor.Tensor{uniform(93, -2, 2, 2, 5)}, true},
		{"cumsum", f1(func(x ad.Node) ad.Node { return ops.Square(ops.CumSum(x, 1)) }), []*tensor.Tensor{uniform(94, -2, 2, 2, 4)}, true},
		{"cumsum axis 0", f1(func(x ad.Node) ad.Node { return ops.Sin(ops.CumSum(x, 0)) }), []*tensor.Tensor{uniform(95, -2, 2, 3, 2)}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			adtest.CheckGrad(t, tc.f, tc.inputs...)
			adtest.CheckGrad2(t, tc.f, tc.inputs...)
		})
	}
}

// The indexing family at first and second order, against known values,
// and its errors.
func TestIndexing(t *testing.T) {
	labels := tensor.NewIndex([]int{2, 0, 1}, 3, 1)
	rows := tensor.NewIndex([]int{1, 1, 0, 2})
	ids := tensor.NewIndex([]int{0, 2, 2, 1}, 2, 2)
	var g ad.Graph
	x := g.Var("x", tensor.FromFloat64s([]float64{1, 2, 3, 4, 5, 6, 7, 8, 9}, 3, 3))
	if got := fmt.Sprint(ops.Gather(x, 1, labels).Value().Data()); got != "[3 4 8]" {
		t.Errorf("gather = %s; want [3 4 8]", got)
	}
	if got := fmt.Sprint(ops.IndexSelect(x, 0, rows).Value().Data()); got != "[4 5 6 4 5 6 1 2 3 7 8 9]" {
		t.Errorf("index select = %s", got)
	}
	if got := fmt.Sprint(ops.Embedding(x, ids).Value().Shape(), ops.Embedding(x, ids).Value().Data()[:6]); got != "[2 2 3] [1 2 3 7 8 9]" {
		t.Errorf("embedding = %s", got)
	}
	// A row taken twice gets both gradients.
	if got := fmt.Sprint(ad.Backward(ops.Sum(ops.IndexSelect(x, 0, rows)), x).Grad(x).Data()); got != "[1 1 1 2 2 2 1 1 1]" {
		t.Errorf("∂/∂x of a sum of selected rows = %s", got)
	}
	if got := fmt.Sprint(ops.ArgMax(x, 1).Data(), ops.ArgMin(x, 0).Data()); got != "[2 2 2] [0 0 0]" {
		t.Errorf("argmax, argmin = %s", got)
	}
	if got := fmt.Sprint(ops.OneHot(x, labels, 3).Value().Data()); got != "[0 0 1 1 0 0 0 1 0]" {
		t.Errorf("one-hot = %s", got)
	}
	nan := g.Var("n", tensor.FromFloat64s([]float64{1, math.NaN(), 3, 3}, 4))
	if got := fmt.Sprint(ops.ArgMax(nan, 0).Data()); got != "[1]" {
		t.Errorf("argmax with a NaN = %s; want [1]", got)
	}
	for name, f := range map[string]func(){
		"gather out of range":   func() { ops.Gather(x, 1, tensor.NewIndex([]int{3, 0, 1}, 3, 1)) },
		"gather rank":           func() { ops.Gather(x, 1, tensor.NewIndex([]int{0, 1, 2})) },
		"gather sizes":          func() { ops.Gather(x, 1, tensor.NewIndex([]int{0, 1}, 2, 1)) },
		"select negative":       func() { ops.IndexSelect(x, 0, tensor.NewIndex([]int{-1})) },
		"embedding of a vector": func() { ops.Embedding(ops.Sum(x, 0), ids) },
		"one-hot out of range":  func() { ops.OneHot(x, labels, 2) },
	} {
		if err := tensor.Catch(f); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	cases := []gradCase{
		{"gather", f1(func(x ad.Node) ad.Node { return ops.Square(ops.Gather(x, 1, labels)) }), []*tensor.Tensor{uniform(96, -2, 2, 3, 3)}, true},
		{"gather axis 0", f1(func(x ad.Node) ad.Node {
			return ops.Sin(ops.Gather(x, 0, tensor.NewIndex([]int{1, 0, 1, 1, 1, 0}, 2, 3)))
		}), []*tensor.Tensor{uniform(97, -2, 2, 2, 3)}, true},
		{"scatter add", f1(func(x ad.Node) ad.Node { return ops.Square(ops.ScatterAdd(x, 1, labels, tensor.Shape{3, 3})) }), []*tensor.Tensor{uniform(98, -2, 2, 3, 1)}, true},
		{"index select", f1(func(x ad.Node) ad.Node { return ops.Square(ops.IndexSelect(x, 0, rows)) }), []*tensor.Tensor{uniform(99, -2, 2, 3, 2)}, true},
		{"index add", f1(func(x ad.Node) ad.Node {
			return ops.Square(ops.IndexAdd(x, 1, tensor.NewIndex([]int{0, 0, 2}), tensor.Shape{2, 3}))
		}), []*tensor.Tensor{uniform(100, -2, 2, 2, 3)}, true},
		{"embedding", f1(func(w ad.Node) ad.Node { return ops.Tanh(ops.Embedding(w, ids)) }), []*tensor.Tensor{uniform(101, -2, 2, 3, 2)}, true},
		{"cross-entropy by gather", f1(func(z ad.Node) ad.Node {
			return ops.Neg(ops.Mean(ops.Gather(ops.LogSoftmax(z, 1), 1, labels)))
		}), []*tensor.Tensor{uniform(102, -2, 2, 3, 3)}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			adtest.CheckGrad(t, tc.f, tc.inputs...)
			adtest.CheckGrad2(t, tc.f, tc.inputs...)
		})
	}
}

// Clamp, Dropout and the reductions with indices.
func TestClampDropoutWithIndex(t *testing.T) {
	var g ad.Graph
	x := g.Var("x", tensor.FromFloat64s([]float64{-2, -1, 0, 1, 2, math.NaN()}, 6))
	c := ops.ClampConst(x, -1, 1)
	if got := fmt.Sprint(c.Value().Data()); got != "[-1 -1 0 1 1 NaN]" {
		t.Errorf("clamp = %s", got)
	}
	// At the bounds the gradient goes to x, as PyTorch's clamp passes it;
	// at a NaN, nowhere.
	if got := fmt.Sprint(ad.Backward(ops.Sum(c), x).Grad(x).Data()); got != "[0 1 1 1 0 0]" {
		t.Errorf("∂ sum(clamp(x, -1, 1))/∂x = %s; want [0 1 1 1 0 0]", got)
	}
	cases := []gradCase{
		{"clamp", f1(func(x ad.Node) ad.Node { return ops.Square(ops.ClampConst(x, -0.5, 0.7)) }), []*tensor.Tensor{awayFrom(103, -2, 2, 0.1, []float64{-0.5, 0.7}, 8)}, true},
		{"clamp tensor bounds", func(xs ...ad.Node) ad.Node { return ops.Square(ops.Clamp(xs[0], xs[1], xs[2])) }, []*tensor.Tensor{
			tensor.FromFloat64s([]float64{-2, 0.1, 3, -0.3}, 4), tensor.FromFloat64s([]float64{-1}, 1), tensor.FromFloat64s([]float64{1, 1, 2, 2}, 4)}, true},
		{"dropout", f1(func(x ad.Node) ad.Node { return ops.Sin(ops.Dropout(x, 0.5, tensor.NewRand(7))) }), []*tensor.Tensor{uniform(104, -2, 2, 3, 4)}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			adtest.CheckGrad(t, tc.f, tc.inputs...)
			adtest.CheckGrad2(t, tc.f, tc.inputs...)
		})
	}
	big := g.Var("big", tensor.Ones(tensor.Float64, 10000))
	d1 := ops.Dropout(big, 0.3, tensor.NewRand(1))
	d2 := ops.Dropout(big, 0.3, tensor.NewRand(1))
	kept, sum := 0, 0.0
	for i, v := range d1.Value().Float64s() {
		if v != d2.Value().Float64s()[i] {
			t.Fatal("dropout with the same seed gave another mask")
		}
		if v != 0 {
			kept++
			if math.Abs(v-1/0.7) > 1e-15 {
				t.Fatalf("a kept element is %v; want 1/0.7", v)
			}
		}
		sum += v
	}
	if kept < 6800 || kept > 7200 || math.Abs(sum/10000-1) > 0.03 {
		t.Errorf("dropout 0.3 kept %d of 10000, mean %v; want about 7000 and 1", kept, sum/10000)
	}
	if ops.Dropout(big, 0, tensor.NewRand(1)) != big {
		t.Error("dropout with p = 0 is not x itself")
	}
	if got := ops.Sum(ops.Dropout(big, 1, tensor.NewRand(1))).Scalar(); got != 0 {
		t.Errorf("dropout with p = 1 sums to %v; want 0", got)
	}
	m := g.Var("m", tensor.FromFloat64s([]float64{1, 5, 5, 2, 0, 9}, 2, 3))
	v, at := ops.MaxWithIndex(m, 1)
	if fmt.Sprint(v.Value().Data(), at.Data()) != "[5 9] [1 2]" {
		t.Errorf("max with index = %v %v", v.Value().Data(), at.Data())
	}
	if got := fmt.Sprint(ad.Backward(ops.Sum(v), m).Grad(m).Data()); got != "[0 0.5 0.5 0 0 1]" {
		t.Errorf("∂ max/∂m = %s; ties share the gradient", got)
	}
	w, wat := ops.MinWithIndex(m, 0)
	if fmt.Sprint(w.Value().Data(), wat.Data()) != "[1 0 5] [0 1 0]" {
		t.Errorf("min with index = %v %v", w.Value().Data(), wat.Data())
	}
}

// Prod and its derivatives, exact where elements are 0 (y/x would be NaN
// there): a slice without zeros, with one and with two.
func TestProd(t *testing.T) {
	var g ad.Graph
	x := g.Var("x", tensor.FromFloat64s([]float64{2, 3, 4, 0, 5, 6, 0, 7, 0}, 3, 3))
	p := ops.Prod(x, 1)
	if got := fmt.Sprint(p.Value().Data()); got != "[24 0 0]" {
		t.Errorf("prod = %s", got)
	}
	if got := fmt.Sprint(ad.Backward(ops.Sum(p), x).Grad(x).Data()); got != "[12 8 6 30 0 0 0 0 0]" {
		t.Errorf("∂ prod/∂x = %s; want [12 8 6 30 0 0 0 0 0]", got)
	}
	if got := ops.Prod(x).Scalar(); got != 0 {
		t.Errorf("prod of all = %v", got)
	}
	for _, in := range []*tensor.Tensor{
		uniform(105, 0.5, 1.5, 3, 4),
		tensor.FromFloat64s([]float64{1.5, 0, -2, 0.5, 3, 2, 0, 0, -1.2, 0.7, 1.1, 0.9}, 3, 4),
		tensor.FromFloat64s([]float64{0, 0, 0, 0.5, 0, 2, 0, 1, -1.2, 0, 1.1, 0}, 3, 4), // three zeros and more
	} {
		for _, f := range []adtest.Func{
			f1(func(x ad.Node) ad.Node { return ops.Prod(x, 1) }),
			f1(func(x ad.Node) ad.Node { return ops.Sin(ops.ProdKeepDims(x, 0)) }),
			f1(func(x ad.Node) ad.Node { return ops.Prod(x) }),
		} {
			adtest.CheckGrad(t, f, in)
			adtest.CheckGrad2(t, f, in)
		}
	}
}

// LogSumExpOver several axes: against the direct formula, stable at large
// values, and at first and second order.
func TestLogSumExpOver(t *testing.T) {
	var g ad.Graph
	x := g.Var("x", tensor.FromFloat64s([]float64{1, 2, 3, 4, 1000, 1001, 1002, 1003}, 2, 2, 2))
	got := ops.LogSumExpOver(x, 1, 2).Value().Data()
	want0 := math.Log(math.Exp(1) + math.Exp(2) + math.Exp(3) + math.Exp(4))
	want1 := 1000 + want0 - 1
	if math.Abs(got[0]-want0) > 1e-12 || math.Abs(got[1]-want1) > 1e-9 {
		t.Errorf("logsumexp over axes 1, 2 = %v; want [%v %v]", got, want0, want1)
	}
	if all := ops.LogSumExpOver(x).Scalar(); math.Abs(all-(1003+math.Log(1+math.Exp(-1)+math.Exp(-2)+math.Exp(-3)))) > 1e-9 {
		t.Errorf("logsumexp of all = %v", all)
	}
	f := f1(func(x ad.Node) ad.Node { return ops.LogSumExpOver(x, 0, 2) })
	in := uniform(106, -2, 2, 2, 3, 2)
	adtest.CheckGrad(t, f, in)
	adtest.CheckGrad2(t, f, in)
}

// Edge cases from review: Var with ddof ≥ n, Prod beside zeros and
// infinities, clamp's bounds at a NaN, pooling and convolution options.
func TestEdgeCases(t *testing.T) {
	var g ad.Graph
	v := g.Var("v", tensor.FromFloat64s([]float64{1, 3}, 2))
	if got := ops.Var(v, 3).Scalar(); !math.IsInf(got, 1) {
		t.Errorf("var with ddof 3 of 2 elements = %v; want +Inf, as PyTorch", got)
	}
	p := g.Var("p", tensor.FromFloat64s([]float64{math.Inf(1), 0, math.NaN(), 0, 2, 3}, 2, 3))
	if got := fmt.Sprint(ad.Backward(ops.Sum(ops.Prod(p, 1)), p).Grad(p).Data()); got != "[0 NaN 0 6 0 0]" {
		t.Errorf("∂ prod/∂p = %s; want [0 NaN 0 6 0 0]", got)
	}
	x := g.Var("x", tensor.FromFloat64s([]float64{math.NaN()}, 1))
	lo, hi := g.Var("lo", tensor.Scalar(-1)), g.Var("hi", tensor.Scalar(1))
	tab := ad.Backward(ops.Sum(ops.Clamp(x, lo, hi)), x, lo, hi)
	if tab.Grad(x).Data()[0] != 0 || tab.Scalar(lo) != 0 || tab.Scalar(hi) != 0 {
		t.Errorf("clamp of NaN: gradients %v, %v, %v; want 0, 0, 0", tab.Grad(x).Data(), tab.Scalar(lo), tab.Scalar(hi))
	}
	img := g.Var("img", uniform(1, -1, 1, 1, 1, 4, 6))
	if got := ops.MaxPool2d(img, ops.Pool2dOptions{Kernel: [2]int{2, 2}, Stride: [2]int{2, 0}}).Shape().String(); got != "[1 1 2 3]" {
		t.Errorf("a pool with stride {2, 0} has shape %s; want [1 1 2 3] (a zero stride is the window's)", got)
	}
	w := g.Var("w", uniform(2, -1, 1, 1, 1, 3, 3))
	for name, f := range map[string]func(){
		"empty image": func() {
			ops.MaxPool2d(g.Var("e", tensor.New(tensor.Float64, 1, 1, 0, 4)), ops.Pool2dOptions{Kernel: [2]int{2, 2}, Padding: [2]int{1, 1}})
		},
		"negative groups": func() { ops.Conv2d(img, w, ops.Conv2dOptions{Groups: -1}) },
		"huge dilation":   func() { ops.Conv2d(img, w, ops.Conv2dOptions{Dilation: [2]int{math.MaxInt/2 + 1, 1}}) },
	} {
		if err := tensor.Catch(f); err == nil {
			t.Errorf("%s: no *tensor.ShapeError", name)
		}
	}
}
