package optim_test

import (
	"math"
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/nn"
	"github.com/seed812a03d2/backprop/optim"
	"github.com/seed812a03d2/backprop/tensor"
)

// TestStepGraphAgainstPyTorch runs every reference case with the steps
// recorded in a graph (StepGraph) and computed by the engine, from the
// same parameters, gradients and state as Step: each step's parameters
// and state agree with Step's to a few ulps (Step's update may fuse its
// multiply-add) and with PyTorch's to 1e-12.
func TestStepGraphAgainstPyTorch(t *testing.T) {
	r := load(t)
	for _, c := range r.Cases {
		t.Run(c.Name, func(t *testing.T) {
			ps, targets := r.start()
			o := newOptimizer(t, c.Optimizer, c.Options, ps).(optim.GraphStepper)
			var g, h ad.Graph
			for step, want := range c.Steps {
				g.Reset()
				nn.Backward(loss(&g, ps, targets), ps)
				// The graph step, from the state before Step.
				h.Reset()
				s := &optim.GraphStep{LR: h.Const(tensor.Scalar(o.LR())), Step: h.Const(tensor.Scalar(float64(o.Steps() + 1)))}
				for _, p := range ps {
					s.Params = append(s.Params, h.Const(p.Value.Clone()))
					s.Grads = append(s.Grads, h.Const(p.Grad.Clone()))
				}
				for _, st := range o.State() {
					s.State = append(s.State, h.Const(st.Value.Clone()))
				}
				o.StepGraph(s)
				o.Step()
				for i, w := range [][]float64{want.Weight, want.Bias} {
					got := s.Params[i].Value().Float64s()
					for j, v := range ps[i].Value.Float64s() {
						if d := math.Abs(got[j]-v) / math.Max(1, math.Abs(v)); d > 1e-15 {
							t.Fatalf("step %d: %s[%d] = %.17g from the graph; Step gives %.17g", step+1, ps[i].Name, j, got[j], v)
						}
						if d := math.Abs(got[j]-w[j]) / math.Max(1, math.Abs(w[j])); d > 1e-12 {
							t.Fatalf("step %d: %s[%d] = %.17g from the graph; PyTorch %.17g", step+1, ps[i].Name, j, got[j], w[j])
						}
					}
				}
				for k, st := range o.State() {
					got := s.State[k].Value().Float64s()
					for j, v := range st.Value.Float64s() {
						if d := math.Abs(got[j]-v) / math.Max(1, math.Abs(v)); d > 1e-15 {
							t.Fatalf("step %d: %s[%d] = %.17g from the graph; Step gives %.17g", step+1, st.Name, j, got[j], v)
						}
					}
				}
			}
		})
	}
}
