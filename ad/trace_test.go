package ad_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// The worked example, step by step: the engine's own numbers.
func TestTraceWorkedExample(t *testing.T) {
	var g ad.Graph
	u1 := g.ScalarVar("u1", 4)
	u2 := g.ScalarVar("u2", 2)
	u3 := ops.Add(u1, u2)
	u4 := ops.Mul(u3, u3)
	u5 := ops.Sin(u4)
	var steps []ad.Step
	got := ad.Trace(u5, func(s ad.Step) { steps = append(steps, s) }, u1, u2)
	c := math.Cos(36)
	want := []struct {
		v, c         ad.Node
		input        int
		up, local    float64 // local is NaN where the operation states none
		contrib, sum float64
	}{
		{u4, u5, 0, 1, c, c, c},                // ∂u5/∂u4 = cos(u4)
		{u3, u4, 0, c, 6, 6 * c, 6 * c},        // ∂u4/∂u3 = u3, once per use
		{u3, u4, 1, c, 6, 6 * c, 12 * c},       // the running sum
		{u1, u3, 0, 12 * c, 1, 12 * c, 12 * c}, // ∂u3/∂u1 = 1
		{u2, u3, 1, 12 * c, 1, 12 * c, 12 * c},
	}
	if len(steps) != len(want) {
		t.Fatalf("%d steps; want %d", len(steps), len(want))
	}
	for k, w := range want {
		s := steps[k]
		if s.V != w.v || s.C != w.c || s.Input != w.input {
			t.Errorf("step %d: V %v, C %v, input %d; want %v, %v, %d", k, s.V, s.C, s.Input, w.v, w.c, w.input)
		}
		if math.IsNaN(w.local) != !s.Local.Valid() || s.Local.Valid() && s.Local.Scalar() != w.local {
			t.Errorf("step %d: local derivative %v; want %v", k, s.Local, w.local)
		}
		if s.Upstream.Scalar() != w.up || s.Contribution.Scalar() != w.contrib || s.Total.Scalar() != w.sum {
			t.Errorf("step %d: upstream %v, contribution %v, total %v; want %v, %v, %v", k, s.Upstream.Scalar(), s.Contribution.Scalar(), s.Total.Scalar(), w.up, w.contrib, w.sum)
		}
	}
	if got[0].Scalar() != 12*c || got[1].Scalar() != 12*c {
		t.Errorf("Trace gives %v, %v; want 12·cos(36) twice", got[0].Scalar(), got[1].Scalar())
	}
}

// On random graphs of element-wise operations, tensors and broadcasting
// included: each step's contribution is its upstream gradient times its
// local derivative (summed back where broadcast), each total is the sum of
// V's contributions so far, the last total is Gradients' answer, and
// Trace with no observer is Gradients.
func TestTraceAgreesWithGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	unary := []func(ad.Node) ad.Node{ops.Sin, ops.Tanh, ops.Exp, ops.Sigmoid, ops.Square, ops.Abs}
	binary := []func(ad.Node, ad.Node) ad.Node{ops.Add, ops.Mul, ops.Sub, ops.Maximum}
	locals, broadcast := 0, 0 // steps checked against their local derivative
	for trial := range 50 {
		var g ad.Graph
		x := g.Var("x", tensor.RandNormal(tensor.NewRand(uint64(trial)), tensor.Float64, 0, 1, 3))
		b := g.Var("b", tensor.Scalar(0.5)) // broadcast against x
		nodes := []ad.Node{x, b}
		for range 8 {
			a := nodes[rng.IntN(len(nodes))]
			if rng.IntN(2) == 0 {
				nodes = append(nodes, unary[rng.IntN(len(unary))](a))
			} else {
				nodes = append(nodes, binary[rng.IntN(len(binary))](a, nodes[rng.IntN(len(nodes))]))
			}
		}
		y := ops.Sum(nodes[len(nodes)-1])
		want := ad.Gradients(y, x, b)
		totals := map[ad.Node]*tensor.Tensor{}
		last := map[ad.Node]ad.Node{}
		got := ad.Trace(y, func(s ad.Step) {
			c := s.Contribution.Value()
			if s.Local.Valid() {
				locals++
				prod := tensor.Mul(s.Upstream.Value(), s.Local.Value())
				if !prod.Shape().Equal(c.Shape()) {
					prod = tensor.SumTo(prod, c.Shape()...)
					broadcast++
				}
				if !near(prod, c) {
					t.Errorf("trial %d: %v→%v: upstream·local = %v, contribution %v", trial, s.V, s.C, prod, c)
				}
			}
			sum := c
			if prev, ok := totals[s.V]; ok {
				sum = tensor.Add(prev, c)
			}
			if !near(sum, s.Total.Value()) {
				t.Errorf("trial %d: %v: total %v; want the sum %v", trial, s.V, s.Total.Value(), sum)
			}
			totals[s.V], last[s.V] = sum, s.Total
		}, x, b)
		plain := ad.Trace(y, nil, x, b)
		for i, n := range []ad.Node{x, b} {
			if !near(got[i].Value(), want[i].Value()) || !near(plain[i].Value(), want[i].Value()) {
				t.Errorf("trial %d: ∂y/∂%v: Trace %v, Trace(nil) %v, Gradients %v", trial, n, got[i].Value(), plain[i].Value(), want[i].Value())
			}
			if l, ok := last[n]; ok && !near(l.Value(), want[i].Value()) {
				t.Errorf("trial %d: the last total of %v is %v; want %v", trial, n, l.Value(), want[i].Value())
			}
		}
	}
	if locals < 100 || broadcast < 10 {
		t.Errorf("only %d steps with a local derivative, %d of them broadcast: the test checks too little", locals, broadcast)
	}
}

func near(a, b *tensor.Tensor) bool {
	if !a.Shape().Equal(b.Shape()) {
		return false
	}
	x, y := a.Data(), b.Data()
	for i := range x {
		if d := math.Abs(x[i] - y[i]); d > 1e-12*math.Max(1, math.Abs(y[i])) && !(math.IsNaN(x[i]) && math.IsNaN(y[i])) {
			return false
		}
	}
	return true
}
