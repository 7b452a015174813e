package optim_test

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/nn"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/optim"
	"github.com/seed812a03d2/backprop/tensor"
)

// reference is testdata/torch.json, written by testdata/torch_reference.py.
type reference struct {
	Torch string
	Start struct {
		Weight, Bias, TargetWeight, TargetBias []float64 `json:",omitempty"`
	}
	Cases []struct {
		Name, Optimizer string
		Options         map[string]any
		Steps           []struct{ Weight, Bias []float64 }
	}
	Schedules map[string][]float64
	Clip      struct {
		Grads, ByNorm, ByValue [][]float64
		Norm                   float64
	}
}

// start returns the reference's starting parameters, a weight [2 3] and
// a bias [3] of their own, and the targets of its loss.
func (r *reference) start() (ps []*nn.Param, targets []*tensor.Tensor) {
	ps = []*nn.Param{
		nn.NewParam("weight", tensor.FromFloat64s(append([]float64(nil), r.Start.Weight...), 2, 3)),
		nn.NewParam("bias", tensor.FromFloat64s(append([]float64(nil), r.Start.Bias...), 3)),
	}
	return ps, []*tensor.Tensor{tensor.FromFloat64s(r.Start.TargetWeight, 2, 3), tensor.FromFloat64s(r.Start.TargetBias, 3)}
}

func load(t *testing.T) *reference {
	t.Helper()
	b, err := os.ReadFile("testdata/torch.json")
	if err != nil {
		t.Fatal(err)
	}
	var r reference
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	// encoding/json does not map snake_case keys by itself.
	var raw struct {
		Start map[string][]float64
		Clip  map[string]json.RawMessage
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	r.Start.TargetWeight, r.Start.TargetBias = raw.Start["target_weight"], raw.Start["target_bias"]
	json.Unmarshal(raw.Clip["by_norm"], &r.Clip.ByNorm)
	json.Unmarshal(raw.Clip["by_value"], &r.Clip.ByValue)
	if len(r.Cases) == 0 || r.Start.TargetWeight == nil || r.Clip.ByNorm == nil {
		t.Fatal("testdata/torch.json: missing cases")
	}
	return &r
}

func num(m map[string]any, key string, def float64) float64 {
	if v, ok := m[key].(float64); ok {
		return v
	}
	return def
}

func flag(m map[string]any, key string) bool { v, _ := m[key].(bool); return v }

// newOptimizer makes the optimizer of a reference case with PyTorch's
// defaults for the options the case leaves out.
func newOptimizer(t *testing.T, name string, o map[string]any, ps []*nn.Param) optim.Optimizer {
	switch name {
	case "SGD":
		return optim.NewSGD(ps, optim.SGDConfig{LR: num(o, "lr", 0), Momentum: num(o, "momentum", 0),
			Dampening: num(o, "dampening", 0), Nesterov: flag(o, "nesterov"), WeightDecay: num(o, "weight_decay", 0)})
	case "Adam", "AdamW":
		c := optim.DefaultAdam()
		if name == "AdamW" {
			c = optim.DefaultAdamW()
		}
		c.LR, c.Eps, c.WeightDecay, c.AMSGrad = num(o, "lr", c.LR), num(o, "eps", c.Eps), num(o, "weight_decay", c.WeightDecay), flag(o, "amsgrad")
		if b, ok := o["betas"].([]any); ok {
			c.Beta1, c.Beta2 = b[0].(float64), b[1].(float64)
		}
		if name == "AdamW" {
			return optim.NewAdamW(ps, c)
		}
		return optim.NewAdam(ps, c)
	case "RMSprop":
		c := optim.DefaultRMSProp()
		c.LR, c.Alpha, c.Eps, c.Momentum, c.WeightDecay, c.Centered = num(o, "lr", c.LR), num(o, "alpha", c.Alpha),
			num(o, "eps", c.Eps), num(o, "momentum", 0), num(o, "weight_decay", 0), flag(o, "centered")
		return optim.NewRMSProp(ps, c)
	case "Adagrad":
		c := optim.DefaultAdagrad()
		c.LR, c.LRDecay, c.WeightDecay, c.InitialAccumulator, c.Eps = num(o, "lr", c.LR), num(o, "lr_decay", 0),
			num(o, "weight_decay", 0), num(o, "initial_accumulator_value", 0), num(o, "eps", c.Eps)
		return optim.NewAdagrad(ps, c)
	}
	t.Fatalf("unknown optimizer %s", name)
	return nil
}

// loss is the reference problem: Σ(w - t)² + 0.1·Σ sin(w) over both
// parameters.
func loss(g *ad.Graph, ps []*nn.Param, targets []*tensor.Tensor) ad.Node {
	var l ad.Node
	for i, p := range ps {
		w := p.Node(g)
		term := ops.Add(ops.Sum(ops.Square(ops.Sub(w, g.Const(targets[i])))), ops.Mul(ops.Const(w, 0.1), ops.Sum(ops.Sin(w))))
		if i == 0 {
			l = term
		} else {
			l = ops.Add(l, term)
		}
	}
	return l
}

func TestAgainstPyTorch(t *testing.T) {
	r := load(t)
	for _, c := range r.Cases {
		t.Run(c.Name, func(t *testing.T) {
			ps, targets := r.start()
			o := newOptimizer(t, c.Optimizer, c.Options, ps)
			var g ad.Graph
			worst := 0.0
			for step, want := range c.Steps {
				g.Reset()
				nn.Backward(loss(&g, ps, targets), ps)
				o.Step()
				for i, w := range [][]float64{want.Weight, want.Bias} {
					for j, v := range ps[i].Value.Float64s() {
						d := math.Abs(v-w[j]) / math.Max(1, math.Abs(w[j]))
						worst = math.Max(worst, d)
						if d > 1e-12 {
							t.Fatalf("step %d: %s[%d] = %.17g; PyTorch %.17g", step+1, ps[i].Name, j, v, w[j])
						}
					}
				}
			}
			if o.Steps() != len(c.Steps) {
				t.Errorf("Steps() = %d; want %d", o.Steps(), len(c.Steps))
			}
			t.Logf("largest relative difference from PyTorch %s over %d steps: %.3g", r.Torch, len(c.Steps), worst)
		})
	}
}

func TestSchedulesAgainstPyTorch(t *testing.T) {
	r := load(t)
	schedules := map[string]optim.Schedule{
		"step":          optim.StepDecay{Base: 0.1, Gamma: 0.5, Every: 3},
		"exponential":   optim.Exponential{Base: 0.1, Gamma: 0.9},
		"cosine":        optim.Cosine{Base: 0.1, Min: 0.001, Steps: 10},
		"warmup_cosine": optim.Warmup{Start: 0.25, Steps: 4, Then: optim.Cosine{Base: 0.1, Steps: 8}},
	}
	for name, s := range schedules {
		want := r.Schedules[name]
		if len(want) == 0 {
			t.Fatalf("no reference for %s", name)
		}
		for step, w := range want {
			if got := s.LR(step); math.Abs(got-w) > 1e-15 {
				t.Errorf("%s: LR(%d) = %.17g; PyTorch %.17g", name, step, got, w)
			}
		}
	}
}

func TestClipAgainstPyTorch(t *testing.T) {
	r := load(t)
	mk := func() []*nn.Param {
		a := nn.NewParam("a", tensor.New(tensor.Float64, 2, 2))
		b := nn.NewParam("b", tensor.New(tensor.Float64, 2))
		copy(a.Grad.Float64s(), r.Clip.Grads[0])
		copy(b.Grad.Float64s(), r.Clip.Grads[1])
		return []*nn.Param{a, b}
	}
	ps := mk()
	if n := optim.ClipGradNorm(ps, 2.5); math.Abs(n-r.Clip.Norm) > 1e-14 {
		t.Errorf("ClipGradNorm = %v; PyTorch %v", n, r.Clip.Norm)
	}
	check := func(what string, ps []*nn.Param, want [][]float64) {
		for i, p := range ps {
			for j, v := range p.Grad.Float64s() {
				if math.Abs(v-want[i][j]) > 1e-15 {
					t.Errorf("%s: %s grad[%d] = %v; PyTorch %v", what, p.Name, j, v, want[i][j])
				}
			}
		}
	}
	check("by norm", ps, r.Clip.ByNorm)
	ps = mk()
	optim.ClipGradValue(ps, 1.5)
	check("by value", ps, r.Clip.ByValue)
}

// TestStepAllocatesNothing checks the promise of the package
// documentation, for every optimizer and both element types.
func TestStepAllocatesNothing(t *testing.T) {
	for _, dt := range []tensor.DType{tensor.Float32, tensor.Float64} {
		ps := []*nn.Param{nn.NewParam("w", tensor.Full(dt, 0.5, 4, 4)), nn.NewParam("b", tensor.Full(dt, 0.1, 4))}
		for _, p := range ps {
			p.Grad.Fill(0.25)
		}
		opts := map[string]optim.Optimizer{
			"sgd":     optim.NewSGD(ps, optim.SGDConfig{LR: 0.1, Momentum: 0.9, Nesterov: true}),
			"adam":    optim.NewAdam(ps, optim.DefaultAdam()),
			"adamw":   optim.NewAdamW(ps, optim.AdamConfig{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, AMSGrad: true, WeightDecay: 0.1}),
			"rmsprop": optim.NewRMSProp(ps, optim.RMSPropConfig{LR: 0.01, Alpha: 0.99, Momentum: 0.5, Centered: true}),
			"adagrad": optim.NewAdagrad(ps, optim.DefaultAdagrad()),
		}
		for name, o := range opts {
			o.Step()
			if n := testing.AllocsPerRun(10, o.Step); n != 0 {
				t.Errorf("%v %s: Step allocates %v times", dt, name, n)
			}
		}
		if n := testing.AllocsPerRun(10, func() { optim.ClipGradNorm(ps, 0.1) }); n != 0 {
			t.Errorf("%v: ClipGradNorm allocates %v times", dt, n)
		}
	}
}

func TestFloat32FollowsFloat64(t *testing.T) {
	// The same problem in float32 stays within float32 rounding of the
	// float64 run: the rules compute in the parameter's own type.
	run := func(dt tensor.DType) []float64 {
		w := nn.NewParam("w", tensor.FromFloat64s([]float64{0.5, -1.5, 2}, 3).AsType(dt))
		o := optim.NewAdam([]*nn.Param{w}, optim.DefaultAdam())
		var g ad.Graph
		for range 10 {
			g.Reset()
			x := w.Node(&g)
			nn.Backward(ops.Sum(ops.Square(x)), []*nn.Param{w})
			o.Step()
		}
		return w.Value.Data()
	}
	a, b := run(tensor.Float32), run(tensor.Float64)
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-5 {
			t.Errorf("w[%d]: float32 %v, float64 %v", i, a[i], b[i])
		}
	}
}

func TestInvalidConfigs(t *testing.T) {
	ps := []*nn.Param{nn.NewParam("w", tensor.Zeros(tensor.Float64, 2))}
	for name, f := range map[string]func(){
		"negative rate":       func() { optim.NewSGD(ps, optim.SGDConfig{LR: -1}) },
		"NaN rate":            func() { optim.NewSGD(ps, optim.SGDConfig{LR: math.NaN()}) },
		"nesterov without mu": func() { optim.NewSGD(ps, optim.SGDConfig{LR: 1, Nesterov: true}) },
		"beta 1":              func() { optim.NewAdam(ps, optim.AdamConfig{LR: 1, Beta1: 1}) },
		"cosine of no steps":  func() { optim.Cosine{Base: 1}.LR(0) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
