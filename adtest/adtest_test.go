package adtest_test

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/adtest"
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

// offBy returns cos(x) + k·(x-x₀) for the value x₀ of x, or cos(x) +
// k·(x-x₀)² if squared: cos(x) in value, so the first derivative of a sin
// with this bprop is right, but its second derivative is off by k, or
// (squared) its second is right and its third off by 2k.
func offBy(x ad.Node, k float64, squared bool) ad.Node {
	d := ops.Sub(x, x.Graph().Const(x.Value()))
	if squared {
		d = ops.Mul(d, d)
	}
	return ops.Add(ops.Cos(x), ops.Mul(ops.Const(x, k), d))
}

// wrongSecond is sin with a bprop whose own derivative is off by 0.01.
type wrongSecond struct{ wrongSin }

func (wrongSecond) Bprop(c ad.Node, _ int, g ad.Node) ad.Node {
	return ops.Mul(g, offBy(c.Input(0), 0.01, false))
}

// wrongThird is sin with right first and second derivatives and a third
// derivative off by 0.02.
type wrongThird struct{ wrongSin }

func (wrongThird) Bprop(c ad.Node, _ int, g ad.Node) ad.Node {
	return ops.Mul(g, offBy(c.Input(0), 0.01, true))
}

func TestCheckerCatchesWrongRules(t *testing.T) {
	x := tensor.FromFloat64s([]float64{0.4, -0.9}, 2)
	big := tensor.RandUniform(tensor.NewRand(3), tensor.Float64, -1, 1, 40, 30)
	modes := []struct {
		name string
		opts adtest.Options
		x    *tensor.Tensor
	}{
		{"elements", adtest.Options{}, x},
		{"directions", adtest.Options{MaxElements: -1, Directions: 3}, x},
		{"large input", adtest.Options{}, big}, // 1200 elements: directions by default
	}
	tests := []struct {
		name  string
		f     adtest.Func
		fails [3]bool // whether the checks of order 1, 2 and 3 must fail
		large bool    // also checked on the large input
	}{
		{"right", func(xs ...ad.Node) ad.Node { return ad.Apply1(wrongSin{scalarOK: true}, xs[0]) }, [3]bool{}, true},
		{"wrong bprop", func(xs ...ad.Node) ad.Node { return ad.Apply1(wrongSin{}, xs[0]) }, [3]bool{true, false, false}, true},
		{"wrong scalar fast path", func(xs ...ad.Node) ad.Node {
			return ad.Apply1(scalarWrongSin{wrongSin{scalarOK: true}}, ops.Sum(xs[0]))
		}, [3]bool{true, true, false}, true},
		// The second derivative is 0 at every point, so the third derivative,
		// 0, agrees with its finite difference.
		{"bprop not differentiable", func(xs ...ad.Node) ad.Node { return ad.Apply1(noSecond{}, xs[0]) }, [3]bool{false, true, false}, true},
		{"wrong second derivative", func(xs ...ad.Node) ad.Node { return ad.Apply1(wrongSecond{}, xs[0]) }, [3]bool{false, true, false}, true},
		{"wrong third derivative", func(xs ...ad.Node) ad.Node { return ad.Apply1(wrongThird{}, xs[0]) }, [3]bool{false, false, true}, false},
	}
	for _, tt := range tests {
		for _, mode := range modes {
			if mode.x == big && !tt.large {
				continue
			}
			t.Run(tt.name+"/"+mode.name, func(t *testing.T) {
				for order, fails := range tt.fails {
					if mode.x == big && order == 2 {
						break // third order is for small inputs
					}
					opts := mode.opts
					opts.Order = order + 1
					err := adtest.Check(tt.f, &opts, mode.x)
					if (err != nil) != fails {
						t.Errorf("Check(order %d) = %v; want a mismatch: %v", order+1, err, fails)
					}
				}
			})
		}
	}
}

// TestMismatchNamesWorstElement makes one element of one input wrong and
// checks that the report points at it, with the analytic and numeric
// values.
func TestMismatchNamesWorstElement(t *testing.T) {
	// scale multiplies the derivative of sin at element [1,0] by 1.05.
	scale := tensor.FromFloat64s([]float64{1, 1, 1.05, 1, 1, 1}, 3, 2)
	f := func(xs ...ad.Node) ad.Node {
		op := scaledSin{scale}
		return ops.Mul(xs[0], ad.Apply1(op, xs[1]))
	}
	x := tensor.FromFloat64s([]float64{0.5, -1.5}, 2)
	y := tensor.FromFloat64s([]float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6}, 3, 2)
	for _, order := range []int{1, 2} {
		err := adtest.Check(f, &adtest.Options{Order: order}, x, y)
		var m *adtest.Mismatch
		if !errors.As(err, &m) {
			t.Fatalf("Check(order %d) = %v; want a *Mismatch", order, err)
		}
		last := m.Wrt[len(m.Wrt)-1]
		if m.Order != order || len(m.Wrt) != order || last.Input != 1 || !slices.Equal(last.Index, []int{1, 0}) || last.Direction != 0 {
			t.Errorf("Check(order %d) reports order %d, wrt %v; want wrt ending in x1[1,0]", order, m.Order, m.Wrt)
		}
		if m.Err != math.Abs(m.Analytic-m.Numeric) || m.Err <= m.Tol || m.Failed == 0 || m.Failed > m.Checked {
			t.Errorf("Check(order %d): inconsistent %+v", order, m)
		}
		if order == 1 {
			// The derivative is x0·1.05·cos(0.3)·w for a weight w, 5% off.
			if r := m.Analytic / m.Numeric; math.Abs(r-1.05) > 1e-6 {
				t.Errorf("analytic/numeric = %v; want 1.05", r)
			}
			if want := "adtest: ∂L/∂x1[1,0] by "; !strings.HasPrefix(m.Error(), want) {
				t.Errorf("Error() = %q; want prefix %q", m.Error(), want)
			}
		}
	}
}

// scaledSin is sin whose derivative is multiplied by a tensor k.
type scaledSin struct{ k *tensor.Tensor }

func (scaledSin) String() string                            { return "scaledsin" }
func (scaledSin) Forward(x []*tensor.Tensor) *tensor.Tensor { return tensor.Sin(x[0]) }
func (s scaledSin) Bprop(c ad.Node, _ int, g ad.Node) ad.Node {
	return ops.Mul(g, ops.Mul(c.Graph().Const(s.k), ops.Cos(c.Input(0))))
}

func TestCheckPasses(t *testing.T) {
	f := func(xs ...ad.Node) ad.Node {
		return ops.LogSumExp(ops.Tanh(ops.MatMul(xs[0], xs[1])), -1)
	}
	rng := tensor.NewRand(5)
	x := tensor.RandUniform(rng, tensor.Float64, -1, 1, 2, 3)
	w := tensor.RandUniform(rng, tensor.Float64, -1, 1, 3, 2)
	tests := []struct {
		name string
		opts *adtest.Options
		xs   []*tensor.Tensor
	}{
		{"defaults", nil, []*tensor.Tensor{x, w}},
		{"order 2", &adtest.Options{Order: 2}, []*tensor.Tensor{x, w}},
		{"order 3", &adtest.Options{Order: 3, MaxElements: 2, Directions: 2}, []*tensor.Tensor{x, w}},
		{"directions", &adtest.Options{MaxElements: -1, Seed: 9}, []*tensor.Tensor{x, w}},
		{"order 2 mixed", &adtest.Options{Order: 2, MaxElements: 5}, []*tensor.Tensor{x, w}},
		{"float32", nil, []*tensor.Tensor{x.AsType(tensor.Float32), w.AsType(tensor.Float32)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := adtest.Check(f, tt.opts, tt.xs...); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestProbeString(t *testing.T) {
	tests := []struct {
		p    adtest.Probe
		want string
	}{
		{adtest.Probe{Input: 0, Index: []int{}}, "x0"},
		{adtest.Probe{Input: 1, Index: []int{3}}, "x1[3]"},
		{adtest.Probe{Input: 2, Index: []int{0, 12}}, "x2[0,12]"},
		{adtest.Probe{Input: 1, Direction: 3}, "x1·u3"},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("%#v.String() = %q; want %q", tt.p, got, tt.want)
		}
	}
}

func TestMismatchError(t *testing.T) {
	m := &adtest.Mismatch{
		Order:    2,
		Wrt:      []adtest.Probe{{Input: 0, Index: []int{1}}, {Input: 1, Index: []int{0, 2}}},
		Pass:     "Gradients",
		Analytic: 0.25, Numeric: 0.5, Err: 0.25, Tol: 5e-6,
		Failed: 3, Checked: 72,
	}
	want := "adtest: ∂²L/∂x0[1]∂x1[0,2] by Gradients = 0.25, finite difference 0.5 (error 0.25 > tolerance 5e-06; 3 of 72 comparisons failed)"
	if got := m.Error(); got != want {
		t.Errorf("Error() =\n%s\nwant\n%s", got, want)
	}
}

func TestCheckNegativeOptionPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil {
			t.Error("Check with Step -1 did not panic")
		}
	}()
	_ = adtest.Check(func(xs ...ad.Node) ad.Node { return xs[0] }, &adtest.Options{Step: -1}, tensor.Scalar(1))
}

// TestCheckGradHelpers runs CheckGrad and CheckGrad2 on a failing rule
// with a recording testing.TB.
func TestCheckGradHelpers(t *testing.T) {
	x := tensor.FromFloat64s([]float64{0.4, -0.9}, 2)
	wrong := func(xs ...ad.Node) ad.Node { return ad.Apply1(wrongSin{}, xs[0]) }
	var r recorder
	adtest.CheckGrad(&r, wrong, x)
	adtest.CheckGrad2(&r, func(xs ...ad.Node) ad.Node { return ad.Apply1(noSecond{}, xs[0]) }, x)
	if len(r.errs) != 2 || !strings.HasPrefix(r.errs[0], "adtest: ∂L/∂x0[") || !strings.HasPrefix(r.errs[1], "adtest: ∂²L/∂x0[") {
		t.Errorf("CheckGrad, CheckGrad2 reported %q; want one ∂L and one ∂²L mismatch", r.errs)
	}
}

type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Error(args ...any) {
	r.errs = append(r.errs, fmt.Sprint(args...))
}
