package ad_test

import (
	"errors"
	"math"
	"sync"
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// roundST rounds in the forward pass and passes the gradient straight
// through: the straight-through estimator.
var roundST = ad.NewOp("round_st",
	func(x []*tensor.Tensor) *tensor.Tensor { return tensor.Map(x[0], math.Round) },
	func(_ ad.Node, _ int, g ad.Node) ad.Node { return g },
	nil)

// softplusOp is log(1 + exp(x)), computed without overflow, with both rules.
var softplusOp = ad.NewOp("softplus",
	func(x []*tensor.Tensor) *tensor.Tensor {
		return tensor.Map(x[0], func(v float64) float64 { return math.Max(v, 0) + math.Log1p(math.Exp(-math.Abs(v))) })
	},
	func(c ad.Node, _ int, g ad.Node) ad.Node { return ops.GatedMul(g, ops.Sigmoid(c.Input(0))) },
	func(c ad.Node, t []ad.Node) ad.Node { return ops.GatedMul(t[0], ops.Sigmoid(c.Input(0))) })

func TestNewOp(t *testing.T) {
	var g ad.Graph
	x := g.Var("x", tensor.FromFloat64s([]float64{-1000, -0.4, 0.6, 1000}, 4))
	r := ad.Apply(roundST, x)
	if got := r.Value().Data(); got[1] != 0 || got[2] != 1 {
		t.Errorf("round = %v", got)
	}
	if got := ad.Backward(ops.Sum(ops.Mul(r, x))).Grad(x).Data(); got[1] != -0.4 || got[2] != 1.6 {
		t.Errorf("straight-through gradient of round(x)·x = %v; want round(x) + x", got)
	}
	v := g.Const(tensor.Ones(tensor.Float64, 4))
	if got := ad.JVP(r, []ad.Node{x}, []ad.Node{v}).Value().Data(); got[0] != 1 || got[3] != 1 {
		t.Errorf("JVP by transposition = %v; want ones", got)
	}

	s := ad.Apply(softplusOp, x)
	want := []float64{0, math.Log1p(math.Exp(-0.4)), math.Log1p(math.Exp(0.6)), 1000}
	for i, w := range want {
		if got := s.Value().Data()[i]; math.Abs(got-w) > 1e-15 {
			t.Errorf("softplus[%d] = %v; want %v", i, got, w)
		}
	}
	grad := ad.Backward(ops.Sum(s)).Grad(x).Data()
	jvp := ad.JVP(s, []ad.Node{x}, []ad.Node{v}).Value().Data()
	for i, xi := range []float64{-1000, -0.4, 0.6, 1000} {
		w := 1 / (1 + math.Exp(-xi))
		if math.Abs(grad[i]-w) > 1e-15 || math.Abs(jvp[i]-w) > 1e-15 {
			t.Errorf("softplus'(%v): bprop %v, JVP %v; want %v", xi, grad[i], jvp[i], w)
		}
	}
	var ge *ad.GraphError
	if err := catch(func() { ad.NewOp("", nil, nil, nil) }); !errors.As(err, &ge) {
		t.Errorf("NewOp without rules: %v; want an *ad.GraphError", err)
	}
}

func TestDetach(t *testing.T) {
	for _, x0 := range []*tensor.Tensor{tensor.Scalar(3), tensor.FromFloat64s([]float64{3}, 1)} {
		var g ad.Graph
		x := g.Var("x", x0)
		y := ops.Sum(ops.Mul(x, x.Detach())) // d/dx = detached x, not 2x
		if got := ad.Backward(y).Grad(x).Data()[0]; got != 3 {
			t.Errorf("∂/∂x x·detach(x) = %v; want 3", got)
		}
		if got := ad.Gradients(y, x)[0].Value().Data()[0]; got != 3 {
			t.Errorf("recorded ∂/∂x x·detach(x) = %v; want 3", got)
		}
		if got := ad.JVP(y, []ad.Node{x}, []ad.Node{g.Const(tensor.Ones(tensor.Float64, x0.Shape()...))}).Scalar(); got != 3 {
			t.Errorf("JVP of x·detach(x) = %v; want 3", got)
		}
		if d := ops.StopGradient(x); d.NeedsGrad() || d.Value().Data()[0] != 3 {
			t.Errorf("StopGradient: NeedsGrad %v, value %v", d.NeedsGrad(), d.Value())
		}
	}
}

// NoRecord is a property of one graph, not a global switch: a goroutine
// inside NoRecord does not stop another goroutine's graph recording.
func TestNoRecordIsPerGraph(t *testing.T) {
	inside, done := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		var g ad.Graph
		x := g.ScalarVar("x", 2)
		g.NoRecord(func() {
			close(inside)
			<-done
			if y := ops.Square(x); y.NeedsGrad() {
				t.Error("recorded inside NoRecord")
			}
		})
	}()
	go func() {
		defer wg.Done()
		defer close(done)
		<-inside
		var g ad.Graph
		x := g.ScalarVar("x", 2)
		if got := ad.Backward(ops.Square(x)).Scalar(x); got != 4 {
			t.Errorf("another graph while one is in NoRecord: ∂x²/∂x = %v; want 4", got)
		}
	}()
	wg.Wait()
	// NoRecord ends even if f panics.
	var g ad.Graph
	func() {
		defer func() { _ = recover() }()
		g.NoRecord(func() { panic("boom") })
	}()
	if !g.Recording() {
		t.Error("Recording() is false after a panic inside NoRecord")
	}
}
