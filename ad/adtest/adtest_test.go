package adtest_test

import (
	"math"
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ad/adtest"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// wrongSin computes sin but claims a derivative of 1.01·cos: a checker
// that passes it is broken.
type wrongSin struct{ scalarOK bool }

func (wrongSin) String() string                            { return "wrongsin" }
func (wrongSin) Forward(x []*tensor.Tensor) *tensor.Tensor { return tensor.Sin(x[0]) }
func (w wrongSin) Bprop(c ad.Node, _ int, g ad.Node) ad.Node {
	k := 1.01
	if w.scalarOK {
		k = 1
	}
	return ops.Mul(g, ops.Mul(ops.Const(g, k), ops.Cos(c.Input(0))))
}

// scalarWrongSin has a correct Bprop but a wrong fast path.
type scalarWrongSin struct{ wrongSin }

func (scalarWrongSin) ScalarForward(x, _ float64) float64 { return math.Sin(x) }
func (scalarWrongSin) ScalarDeriv(x, _, _ float64) (float64, float64) {
	return 1.01 * math.Cos(x), 0
}

// noSecond has a correct first derivative whose bprop is not
// differentiable: it computes cos(x) as a constant, so the second
// derivative comes out 0 instead of -sin(x).
type noSecond struct{ wrongSin }

func (noSecond) Bprop(c ad.Node, _ int, g ad.Node) ad.Node {
	return ops.Mul(g, c.Graph().Const(tensor.Cos(c.Input(0).Value())))
}

func TestCheckerCatchesWrongRules(t *testing.T) {
	x := tensor.FromFloat64s([]float64{0.4, -0.9}, 2)
	tests := []struct {
		name   string
		f      adtest.Func
		first  bool // the first-order check must fail
		second bool // the second-order check must fail
	}{
		{"wrong bprop", func(xs ...ad.Node) ad.Node { return ad.Apply1(wrongSin{}, xs[0]) }, true, false},
		{"wrong scalar fast path", func(xs ...ad.Node) ad.Node {
			return ad.Apply1(scalarWrongSin{wrongSin{scalarOK: true}}, ops.Sum(xs[0]))
		}, true, true},
		{"bprop not differentiable", func(xs ...ad.Node) ad.Node { return ad.Apply1(noSecond{}, xs[0]) }, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if m := adtest.Grad(tt.f, x); (m != nil) != tt.first {
				t.Errorf("Grad = %v; want a mismatch: %v", m, tt.first)
			}
			if m := adtest.Grad2(tt.f, x); (m != nil) != tt.second {
				t.Errorf("Grad2 = %v; want a mismatch: %v", m, tt.second)
			}
		})
	}
}
