package ops_test

import (
	"math"
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/adtest"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// elementwiseCase is an element-wise operation with points away from its
// kinks, as a small tensor (broadcast for two inputs) and as float64
// scalars, which take ad.ScalarOp's fast path in Backward.
type elementwiseCase struct {
	name    string
	f       adtest.Func
	tensors []*tensor.Tensor
	scalars []*tensor.Tensor // nil: no scalar form
}

// elementwiseCases lists every element-wise operation of the package.
func elementwiseCases() []elementwiseCase {
	s := func(vs ...float64) []*tensor.Tensor {
		out := make([]*tensor.Tensor, len(vs))
		for i, v := range vs {
			out[i] = tensor.Scalar(v)
		}
		return out
	}
	ts := func(xs ...*tensor.Tensor) []*tensor.Tensor { return xs }
	any := func(seed uint64, shape ...int) *tensor.Tensor { return uniform(seed, -2, 2, shape...) }
	pos := func(seed uint64, shape ...int) *tensor.Tensor { return uniform(seed, 0.5, 2, shape...) }
	// x and y, for maximum and minimum: y at least 0.1 from every x, so
	// that no pair ties.
	x := any(101, 2, 1)
	y := awayFrom(102, -2, 2, 0.1, x.Float64s(), 3)
	where := func(xs ...ad.Node) ad.Node {
		cond := xs[0].Graph().Const(tensor.FromFloat64s([]float64{1, 0, 1}, 3).AsType(xs[0].DType()))
		return ops.Where(cond, xs[0], xs[1])
	}
	return []elementwiseCase{
		{"add", f2(ops.Add), ts(any(103, 2, 1), any(104, 3)), s(0.3, -1.7)},
		{"sub", f2(ops.Sub), ts(any(105, 2, 1), any(106, 3)), s(0.3, -1.7)},
		{"mul", f2(ops.Mul), ts(any(107, 2, 1), any(108, 3)), s(0.3, -1.7)},
		{"div", f2(ops.Div), ts(any(109, 2, 1), awayFrom(110, -2, 2, 0.5, []float64{0}, 3)), s(0.3, -1.7)},
		{"neg", f1(ops.Neg), ts(any(111, 3)), s(0.4)},
		{"pow", f2(ops.Pow), ts(pos(112, 2, 1), any(113, 3)), s(1.3, -1.7)},
		{"pow constant exponent", f1(func(x ad.Node) ad.Node { return ops.PowConst(x, 2.5) }), ts(pos(114, 3)), s(1.4)},
		{"square", f1(ops.Square), ts(any(115, 3)), s(-0.7)},
		{"sqrt", f1(ops.Sqrt), ts(pos(116, 3)), s(1.9)},
		{"exp", f1(ops.Exp), ts(any(117, 3)), s(1.1)},
		{"log", f1(ops.Log), ts(pos(118, 3)), s(0.6)},
		{"sin", f1(ops.Sin), ts(any(119, 3)), s(0.6)},
		{"cos", f1(ops.Cos), ts(any(120, 3)), s(0.6)},
		{"tan", f1(ops.Tan), ts(uniform(121, -1.2, 1.2, 3)), s(0.6)},
		{"tanh", f1(ops.Tanh), ts(any(122, 3)), s(0.6)},
		{"sigmoid", f1(ops.Sigmoid), ts(any(123, 3)), s(-0.6)},
		{"relu", f1(ops.ReLU), ts(awayFrom(124, -2, 2, 0.1, []float64{0}, 4)), s(0.6)},
		{"abs", f1(ops.Abs), ts(awayFrom(125, -2, 2, 0.1, []float64{0}, 4)), s(-0.6)},
		{"maximum", f2(ops.Maximum), ts(x, y), s(0.3, -0.2)},
		{"minimum", f2(ops.Minimum), ts(x, y), s(0.3, -0.2)},
		{"where", where, ts(any(126, 3), any(127, 1)), nil},
		{"identity", f1(ops.Identity), ts(any(128, 3)), s(0.25)},
		{"gatedmul", f2(ops.GatedMul), ts(any(129, 2, 1), any(130, 3)), s(0.3, -1.7)},
	}
}

// afterSin returns sin∘f. The derivatives of a linear operation such as
// add are constants, so checking f alone never differentiates its bprop
// rule: the rule's own bprop is needed only when something nonlinear
// comes after it. Composing with sin checks that for every operation.
func afterSin(f adtest.Func) adtest.Func {
	return func(xs ...ad.Node) ad.Node { return ops.Sin(f(xs...)) }
}

// TestThirdDerivatives compares third derivatives of every element-wise
// operation, Gradients of Gradients of Gradients, with central differences
// of the second derivatives, for the operation alone and followed by sin
// (which also checks second derivatives of the composition).
func TestThirdDerivatives(t *testing.T) {
	for _, tc := range elementwiseCases() {
		forms := []struct {
			name string
			xs   []*tensor.Tensor
		}{{"tensor", tc.tensors}, {"scalar", tc.scalars}}
		for _, form := range forms {
			if form.xs == nil {
				continue
			}
			t.Run(tc.name+"/"+form.name, func(t *testing.T) {
				checks := []struct {
					name  string
					f     adtest.Func
					order int
				}{
					{"", tc.f, 3},
					{"after sin, ", afterSin(tc.f), 2},
					{"after sin, ", afterSin(tc.f), 3},
				}
				for _, c := range checks {
					if err := adtest.Check(c.f, &adtest.Options{Order: c.order}, form.xs...); err != nil {
						t.Errorf("%sorder %d: %v", c.name, c.order, err)
					}
				}
			})
		}
	}
}

// TestSecondDerivativesAfterLinearOps checks second derivatives of every
// operation that is not element-wise when something nonlinear follows it,
// so that its bprop rule is itself differentiated; the cases of
// gradCases put the nonlinearity first for several of them. Softmax,
// LogSoftmax and LogSumExp are nonlinear and are also checked to third
// order.
func TestSecondDerivativesAfterLinearOps(t *testing.T) {
	any := func(seed uint64, shape ...int) *tensor.Tensor { return uniform(seed, -2, 2, shape...) }
	tests := []struct {
		name   string
		f      adtest.Func
		inputs []*tensor.Tensor
		order  int
	}{
		{"sum", f1(func(x ad.Node) ad.Node { return ops.Sin(ops.Sum(x)) }), []*tensor.Tensor{any(201, 2, 3)}, 2},
		{"sum axis", f1(func(x ad.Node) ad.Node { return ops.Sin(ops.Sum(x, 1)) }), []*tensor.Tensor{any(202, 2, 3)}, 2},
		{"sum keepdims", f1(func(x ad.Node) ad.Node { return ops.Sin(ops.SumKeepDims(x, 0, -1)) }), []*tensor.Tensor{any(203, 2, 3, 2)}, 2},
		{"mean", f1(func(x ad.Node) ad.Node { return ops.Sin(ops.Mean(x, 0)) }), []*tensor.Tensor{any(204, 3, 2)}, 2},
		{"mean keepdims", f1(func(x ad.Node) ad.Node { return ops.Sin(ops.MeanKeepDims(x, 1)) }), []*tensor.Tensor{any(205, 3, 2)}, 2},
		{"max", f1(func(x ad.Node) ad.Node { return ops.Sin(ops.Max(x, 1)) }), []*tensor.Tensor{any(206, 3, 4)}, 2},
		{"max all", f1(func(x ad.Node) ad.Node { return ops.Sin(ops.Max(x)) }), []*tensor.Tensor{any(207, 2, 3)}, 2},
		{"max keepdims", f1(func(x ad.Node) ad.Node { return ops.Sin(ops.MaxKeepDims(x, 0)) }), []*tensor.Tensor{any(208, 3, 2)}, 2},
		{"min", f1(func(x ad.Node) ad.Node { return ops.Sin(ops.Min(x, 1)) }), []*tensor.Tensor{any(209, 3, 4)}, 2},
		{"min all", f1(func(x ad.Node) ad.Node { return ops.Sin(ops.Min(x)) }), []*tensor.Tensor{any(210, 2, 3)}, 2},
		{"min keepdims", f1(func(x ad.Node) ad.Node { return ops.Sin(ops.MinKeepDims(x, 0)) }), []*tensor.Tensor{any(211, 3, 2)}, 2},
		{"matmul", f2(func(x, y ad.Node) ad.Node { return ops.Sin(ops.MatMul(x, y)) }), []*tensor.Tensor{any(212, 2, 3), any(213, 3, 2)}, 2},
		{"conv2d", f2(func(x, w ad.Node) ad.Node {
			return ops.Sin(ops.Conv2d(x, w, ops.Conv2dOptions{Stride: [2]int{1, 2}, Padding: [2]int{1, 1}}))
		}), []*tensor.Tensor{any(230, 1, 2, 3, 4), any(231, 2, 2, 2, 2)}, 3},
		{"reshape", f1(func(x ad.Node) ad.Node { return ops.Sin(ops.Reshape(x, 3, 2)) }), []*tensor.Tensor{any(214, 2, 3)}, 2},
		{"transpose", f1(func(x ad.Node) ad.Node { return ops.Sin(ops.Transpose(x, 1, 0)) }), []*tensor.Tensor{any(215, 2, 3)}, 2},
		{"broadcast to", f1(func(x ad.Node) ad.Node { return ops.Sin(ops.BroadcastTo(x, tensor.Shape{2, 3})) }), []*tensor.Tensor{any(216, 3)}, 2},
		{"sum to", f1(func(x ad.Node) ad.Node { return ops.Sin(ops.SumTo(x, tensor.Shape{3, 1})) }), []*tensor.Tensor{any(217, 2, 3, 2)}, 2},
		{"slice", f1(func(x ad.Node) ad.Node {
			return ops.Sin(ops.Slice(x, tensor.Range{Start: 1, Stop: 3}, tensor.Range{Start: 0, Stop: 4, Step: 2}))
		}), []*tensor.Tensor{any(218, 3, 4)}, 2},
		{"embed", f1(func(x ad.Node) ad.Node {
			return ops.Sin(ops.Embed(x, tensor.Shape{3, 4}, tensor.Range{Start: 1, Stop: 3}))
		}), []*tensor.Tensor{any(219, 2, 4)}, 2},
		{"concat", f2(func(x, y ad.Node) ad.Node { return ops.Sin(ops.Concat(0, x, y, x)) }), []*tensor.Tensor{any(220, 1, 2), any(221, 2, 2)}, 2},
		{"stack", f2(func(x, y ad.Node) ad.Node { return ops.Sin(ops.Stack(0, x, y)) }), []*tensor.Tensor{any(222, 3), any(223, 3)}, 2},
		{"softmax", f1(func(x ad.Node) ad.Node { return ops.Sin(ops.Softmax(x, -1)) }), []*tensor.Tensor{any(224, 2, 3)}, 2},
		{"softmax alone", f1(func(x ad.Node) ad.Node { return ops.Softmax(x, -1) }), []*tensor.Tensor{any(225, 3)}, 3},
		{"log softmax", f1(func(x ad.Node) ad.Node { return ops.Sin(ops.LogSoftmax(x, 0)) }), []*tensor.Tensor{any(226, 3, 2)}, 2},
		{"log softmax alone", f1(func(x ad.Node) ad.Node { return ops.LogSoftmax(x, 0) }), []*tensor.Tensor{any(227, 3)}, 3},
		{"logsumexp", f1(func(x ad.Node) ad.Node { return ops.Sin(ops.LogSumExp(x, 1)) }), []*tensor.Tensor{any(228, 2, 3)}, 2},
		{"logsumexp keepdims alone", f1(func(x ad.Node) ad.Node { return ops.LogSumExpKeepDims(x, 0) }), []*tensor.Tensor{any(229, 3)}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for order := 2; order <= tt.order; order++ {
				if err := adtest.Check(tt.f, &adtest.Options{Order: order}, tt.inputs...); err != nil {
					t.Errorf("order %d: %v", order, err)
				}
			}
		})
	}
}

// TestTanhThirdDerivative differentiates tanh three times at 2.0, through
// the float64 fast path and through tensors. The values are 1-tanh²,
// -2·tanh·(1-tanh²) and (1-tanh²)(6·tanh²-2) at 2, from the issue that
// asked for them.
func TestTanhThirdDerivative(t *testing.T) {
	want := []float64{0.07065082485316443, -0.13621868742711296, 0.2526540650980626}
	for _, tc := range []struct {
		name string
		x    *tensor.Tensor
	}{{"scalar", tensor.Scalar(2)}, {"tensor", tensor.FromFloat64s([]float64{2}, 1)}} {
		t.Run(tc.name, func(t *testing.T) {
			var g ad.Graph
			x := g.Var("x", tc.x)
			d := ops.Sum(ops.Tanh(x))
			for order, w := range want {
				// The last derivative also by Backward, the value path.
				if fast := ad.Backward(d, x).Grad(x).Data()[0]; math.Abs(fast-w) > 1e-15 {
					t.Errorf("Backward: d^%d tanh/dx^%d at 2 = %v; want %v", order+1, order+1, fast, w)
				}
				d = ops.Sum(ad.Gradients(d, x)[0])
				if got := d.Scalar(); math.Abs(got-w) > 1e-15 {
					t.Errorf("Gradients: d^%d tanh/dx^%d at 2 = %v; want %v", order+1, order+1, got, w)
				}
			}
		})
	}
}
