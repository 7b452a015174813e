package nn_test

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/nn"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// torchRef is testdata/torch.json, written by testdata/torch_reference.py:
// per case the output and the gradients of Σ output·upstream.
type torchRef map[string]json.RawMessage

func loadRef(t *testing.T) torchRef {
	t.Helper()
	b, err := os.ReadFile("testdata/torch.json")
	if err != nil {
		t.Fatal(err)
	}
	var r torchRef
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r torchRef) get(t *testing.T, name string) map[string][]float64 {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(r[name], &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	out := map[string][]float64{}
	for k, v := range m {
		var f []float64
		if json.Unmarshal(v, &f) == nil {
			out[k] = f
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s: no reference numbers", name)
	}
	return out
}

// ramp is the script's ramp: 1.5·sin(scale·i + shift) in row-major order.
func ramp(shift float64, shape ...int) *tensor.Tensor {
	t := tensor.New(tensor.Float64, shape...)
	d := t.Float64s()
	for i := range d {
		d[i] = 1.5 * math.Sin(0.37*float64(i)+shift)
	}
	return t
}

func affine(x *tensor.Tensor, a, b float64) *tensor.Tensor {
	y := x.Clone()
	for i, v := range y.Float64s() {
		y.Float64s()[i] = a*v + b
	}
	return y
}

// compare checks y's value and the gradients of Σ y·cos(arange) with
// respect to the named nodes against the reference case.
func compare(t *testing.T, r torchRef, name string, y ad.Node, nodes map[string]ad.Node) {
	t.Helper()
	want := r.get(t, name)
	seed := tensor.New(tensor.Float64, y.Shape()...)
	for i := range seed.Float64s() {
		seed.Float64s()[i] = math.Cos(float64(i))
	}
	var xs []ad.Node
	var keys []string
	for k, n := range nodes {
		keys, xs = append(keys, k), append(xs, n)
	}
	tab := ad.BackwardSeed(y, seed, xs...)
	check := func(what string, got, w []float64) {
		t.Helper()
		if len(got) != len(w) {
			t.Fatalf("%s %s: %d values; PyTorch has %d", name, what, len(got), len(w))
		}
		for i := range got {
			if math.Abs(got[i]-w[i]) > 1e-12*math.Max(1, math.Abs(w[i])) {
				t.Fatalf("%s %s[%d] = %.17g; PyTorch %.17g", name, what, i, got[i], w[i])
			}
		}
	}
	check("output", y.Value().Data(), want["out"])
	for i, k := range keys {
		if want[k] == nil {
			t.Fatalf("%s: no reference gradient for %s", name, k)
		}
		check("gradient of "+k, tab.Grad(xs[i]).Data(), want[k])
	}
}

func TestLayersAgainstPyTorch(t *testing.T) {
	r := loadRef(t)
	rng := tensor.NewRand(1)
	var g ad.Graph

	lin := nn.NewLinear(rng, tensor.Float64, 3, 5)
	tensor.CopyTo(lin.Weight.Value, ramp(1, 5, 3))
	tensor.CopyTo(lin.Bias.Value, ramp(2, 5))
	x := g.Var("x", ramp(0, 4, 3))
	compare(t, r, "linear", lin.Forward(x), map[string]ad.Node{"x": x, "weight": lin.Weight.Node(&g), "bias": lin.Bias.Node(&g)})

	conv := nn.NewConv2d(rng, tensor.Float64, 4, 6, 3, ops.Conv2dOptions{Stride: [2]int{2, 2}, Padding: [2]int{1, 1}, Groups: 2})
	tensor.CopyTo(conv.Weight.Value, ramp(1, 6, 2, 3, 3))
	tensor.CopyTo(conv.Bias.Value, ramp(2, 6))
	x = g.Var("x", ramp(0, 2, 4, 5, 5))
	compare(t, r, "conv2d", conv.Forward(x), map[string]ad.Node{"x": x, "weight": conv.Weight.Node(&g), "bias": conv.Bias.Node(&g)})

	bn := nn.NewBatchNorm(tensor.Float64, 3)
	tensor.CopyTo(bn.Weight.Value, affine(ramp(3, 3), 1, 1))
	tensor.CopyTo(bn.Bias.Value, ramp(4, 3))
	x = g.Var("x", ramp(0, 4, 3, 2, 2))
	compare(t, r, "batchnorm_train", bn.Forward(x), map[string]ad.Node{"x": x, "weight": bn.Weight.Node(&g), "bias": bn.Bias.Node(&g)})
	bn.Forward(g.Const(affine(ramp(5, 4, 3, 2, 2), 2, 1)))
	run := r.get(t, "batchnorm_running")
	for i := range 3 {
		if m, v := bn.RunningMean.Value.At(i), bn.RunningVar.Value.At(i); math.Abs(m-run["mean"][i]) > 1e-14 || math.Abs(v-run["var"][i]) > 1e-14 {
			t.Errorf("running statistics of feature %d: %v, %v; PyTorch %v, %v", i, m, v, run["mean"][i], run["var"][i])
		}
	}
	nn.Eval(bn)
	g.Reset()
	x = g.Var("x", ramp(6, 4, 3, 2, 2))
	compare(t, r, "batchnorm_eval", bn.Forward(x), map[string]ad.Node{"x": x, "weight": bn.Weight.Node(&g)})

	bn1 := nn.NewBatchNorm(tensor.Float64, 3)
	x = g.Var("x", ramp(7, 5, 3))
	compare(t, r, "batchnorm1d_train", bn1.Forward(x), map[string]ad.Node{"x": x})

	ln := nn.NewLayerNorm(tensor.Float64, 2, 3)
	tensor.CopyTo(ln.Weight.Value, affine(ramp(8, 2, 3), 1, 1))
	tensor.CopyTo(ln.Bias.Value, ramp(9, 2, 3))
	x = g.Var("x", ramp(0, 4, 2, 3))
	compare(t, r, "layernorm", ln.Forward(x), map[string]ad.Node{"x": x, "weight": ln.Weight.Node(&g), "bias": ln.Bias.Node(&g)})
}

func TestLossesAgainstPyTorch(t *testing.T) {
	r := loadRef(t)
	var labels []int
	if err := json.Unmarshal(r["labels"], &labels); err != nil {
		t.Fatal(err)
	}
	lab := tensor.NewIndex(labels, len(labels))
	for name, red := range map[string]nn.Reduction{"mean": nn.Mean, "sum": nn.Sum, "none": nn.None} {
		var g ad.Graph
		x := g.Var("x", affine(ramp(0, 6, 5), 2, 0))
		compare(t, r, "cross_entropy_"+name, nn.CrossEntropy(x, lab, red), map[string]ad.Node{"x": x})
		compare(t, r, "cross_entropy_smoothed_"+name, nn.CrossEntropySmoothed(x, lab, 0.1, red), map[string]ad.Node{"x": x})
		lp := g.Var("x", ops.LogSoftmax(g.Const(ramp(1, 6, 5)), 1).Value())
		compare(t, r, "nll_"+name, nn.NLL(lp, lab, red), map[string]ad.Node{"x": lp})
		x, y := g.Var("x", affine(ramp(0, 3, 4), 3, 0)), g.Var("y", affine(ramp(2, 3, 4), 0.3, 0.5))
		compare(t, r, "bce_with_logits_"+name, nn.BCEWithLogits(x, y, red), map[string]ad.Node{"x": x, "y": y})
		x, y = g.Var("x", ramp(0, 3, 4)), g.Var("y", ramp(2, 3, 4))
		compare(t, r, "mse_"+name, nn.MSE(x, y, red), map[string]ad.Node{"x": x, "y": y})
		x = g.Var("x", affine(ramp(0, 3, 4), 2, 0))
		compare(t, r, "huber_"+name, nn.Huber(x, y, 0.7, red), map[string]ad.Node{"x": x, "y": y})
	}
}
