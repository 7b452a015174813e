package nn_test

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/adtest"
	"github.com/seed812a03d2/backprop/nn"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// TestGradChecks checks the losses and the normalisations, which are
// compositions of operations, against finite differences at first and
// second order.
func TestGradChecks(t *testing.T) {
	lab := tensor.NewIndex([]int{2, 0, 1}, 3)
	bn := nn.NewBatchNorm(tensor.Float64, 2)
	ln := nn.NewLayerNorm(tensor.Float64, 3)
	tests := []struct {
		name string
		f    adtest.Func
		xs   []*tensor.Tensor
	}{
		{"cross entropy", func(x ...ad.Node) ad.Node { return nn.CrossEntropy(x[0], lab, nn.Mean) }, []*tensor.Tensor{ramp(0, 3, 4)}},
		{"cross entropy smoothed", func(x ...ad.Node) ad.Node { return nn.CrossEntropySmoothed(x[0], lab, 0.2, nn.Sum) }, []*tensor.Tensor{ramp(1, 3, 4)}},
		{"bce with logits", func(x ...ad.Node) ad.Node { return nn.BCEWithLogits(x[0], x[1], nn.Mean) }, []*tensor.Tensor{ramp(0, 2, 3), affine(ramp(2, 2, 3), 0.3, 0.5)}},
		{"mse", func(x ...ad.Node) ad.Node { return nn.MSE(x[0], x[1], nn.Sum) }, []*tensor.Tensor{ramp(0, 2, 3), ramp(2, 2, 3)}},
		// Away from |x - y| = delta, where the second derivative jumps.
		{"huber", func(x ...ad.Node) ad.Node { return nn.Huber(x[0], x[1], 0.7, nn.Mean) }, []*tensor.Tensor{affine(ramp(0, 2, 3), 2, 0), ramp(2, 2, 3)}},
		{"batchnorm", func(x ...ad.Node) ad.Node { return ops.Sum(ops.Sin(bn.Forward(x[0]))) }, []*tensor.Tensor{ramp(0, 3, 2, 2, 2)}},
		{"layernorm", func(x ...ad.Node) ad.Node { return ops.Sum(ops.Sin(ln.Forward(x[0]))) }, []*tensor.Tensor{ramp(0, 2, 3)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			adtest.CheckGrad(t, tt.f, tt.xs...)
			adtest.CheckGrad2(t, tt.f, tt.xs...)
		})
	}
}

// TestLossKnownValues checks losses against values worked by hand.
func TestLossKnownValues(t *testing.T) {
	var g ad.Graph
	// Equal logits over 4 classes: the cross-entropy is log 4.
	ce := nn.CrossEntropy(g.Const(tensor.Zeros(tensor.Float64, 2, 4)), tensor.NewIndex([]int{1, 3}, 2), nn.Mean)
	if got := ce.Scalar(); math.Abs(got-math.Log(4)) > 1e-15 {
		t.Errorf("CrossEntropy of equal logits = %v; want log 4 = %v", got, math.Log(4))
	}
	// Huber with delta 1 at d = 3: 1·(3 - 1/2) = 2.5; at d = 0.5: 0.125.
	h := nn.Huber(g.Const(tensor.FromFloat64s([]float64{3, 0.5}, 2)), g.Const(tensor.Zeros(tensor.Float64, 2)), 1, nn.Sum)
	if got := h.Scalar(); got != 2.625 {
		t.Errorf("Huber = %v; want 2.625", got)
	}
	// BCE with logits at x = 0 is log 2 whatever the target.
	b := nn.BCEWithLogits(g.Const(tensor.Zeros(tensor.Float64, 3)), g.Const(tensor.FromFloat64s([]float64{0, 0.5, 1}, 3)), nn.Mean)
	if got := b.Scalar(); math.Abs(got-math.Ln2) > 1e-15 {
		t.Errorf("BCEWithLogits at 0 = %v; want log 2", got)
	}
	// Large logits stay finite: softplus(1000) - 1000·1 = 0.
	b = nn.BCEWithLogits(g.Const(tensor.Full(tensor.Float64, 1000, 1)), g.Const(tensor.Ones(tensor.Float64, 1)), nn.Sum)
	if got := b.Scalar(); got != 0 {
		t.Errorf("BCEWithLogits(1000, 1) = %v; want 0", got)
	}
}

func TestInitialisers(t *testing.T) {
	rng := tensor.NewRand(7)
	// Sample moments of 200·300 draws against the distributions': U(-a, a)
	// has variance a²/3.
	stats := func(x *tensor.Tensor) (lo, hi, std float64) {
		lo, hi = math.Inf(1), math.Inf(-1)
		var s, s2 float64
		for _, v := range x.Data() {
			lo, hi, s, s2 = math.Min(lo, v), math.Max(hi, v), s+v, s2+v*v
		}
		n := float64(x.Size())
		return lo, hi, math.Sqrt(s2/n - (s/n)*(s/n))
	}
	in, out := 300, 200
	tests := []struct {
		name  string
		x     *tensor.Tensor
		bound float64 // 0 for a normal distribution
		std   float64
	}{
		{"xavier uniform", nn.XavierUniform(rng, tensor.Float64, 1, out, in), math.Sqrt(6.0 / 500), math.Sqrt(6.0/500) / math.Sqrt(3)},
		{"xavier normal", nn.XavierNormal(rng, tensor.Float64, 2, out, in), 0, 2 * math.Sqrt(2.0/500)},
		{"kaiming uniform", nn.KaimingUniform(rng, tensor.Float64, math.Sqrt2, out, in), math.Sqrt(6.0 / 300), math.Sqrt(2.0 / 300)},
		{"kaiming normal", nn.KaimingNormal(rng, tensor.Float64, math.Sqrt2, out, in), 0, math.Sqrt(2.0 / 300)},
		{"linear default", nn.NewLinear(rng, tensor.Float64, in, out).Weight.Value, 1 / math.Sqrt(300), 1 / math.Sqrt(900)},
		{"conv default", nn.NewConv2d(rng, tensor.Float64, 12, 50, 5, ops.Conv2dOptions{}).Weight.Value, 1 / math.Sqrt(300), 1 / math.Sqrt(900)},
	}
	for _, tt := range tests {
		lo, hi, std := stats(tt.x)
		if tt.bound > 0 && (lo < -tt.bound || hi > tt.bound || hi < 0.99*tt.bound) {
			t.Errorf("%s: range [%v, %v]; want within ±%v and near it", tt.name, lo, hi, tt.bound)
		}
		if math.Abs(std-tt.std) > 0.02*tt.std {
			t.Errorf("%s: standard deviation %v; want %v", tt.name, std, tt.std)
		}
	}
	if in, out := nn.Fans(tensor.Shape{64, 32, 3, 3}); in != 288 || out != 576 {
		t.Errorf("Fans([64 32 3 3]) = %d, %d; want 288, 576", in, out)
	}
	// The same seed gives the same model.
	a := nn.NewLinear(tensor.NewRand(3), tensor.Float32, 4, 2).Weight.Value.Data()
	b := nn.NewLinear(tensor.NewRand(3), tensor.Float32, 4, 2).Weight.Value.Data()
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("seeded NewLinear differs at %d: %v, %v", i, a[i], b[i])
		}
	}
}

func TestParamsAcrossSteps(t *testing.T) {
	rng := tensor.NewRand(1)
	l1, l2 := nn.NewLinear(rng, tensor.Float64, 3, 2), nn.NewLinear(rng, tensor.Float64, 2, 1)
	model := nn.Sequential(nn.Named("fc1", l1), nn.Func(ops.Tanh), l2)
	var names []string
	for _, p := range model.Params() {
		names = append(names, p.Name)
	}
	if got := strings.Join(names, " "); got != "fc1.weight fc1.bias 2.weight 2.bias" {
		t.Errorf("names %q", got)
	}
	var g ad.Graph
	x := tensor.FromFloat64s([]float64{1, 2, 3}, 1, 3)
	params := nn.Trainable(model)
	var first []float64
	for step := range 3 {
		g.Reset()
		w := l1.Weight.Node(&g)
		if l1.Weight.Node(&g) != w {
			t.Fatal("Param.Node records a second variable in one build")
		}
		loss := ops.Sum(model.Forward(g.Const(x)))
		nn.Backward(loss, params)
		// The gradient of the weight of fc1 equals ad.Backward's.
		want := ad.Backward(loss, w).Grad(w).Data()
		got := l1.Weight.Grad.Data()
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("step %d: Grad[%d] = %v; Backward gives %v", step, i, got[i], want[i])
			}
		}
		if step == 0 {
			first = slices.Clone(got) // Backward may give Grad new storage
		}
	}
	if first[0] != l1.Weight.Grad.Data()[0] {
		t.Errorf("the same step gave different gradients: %v, %v", first[0], l1.Weight.Grad.Data()[0])
	}
	// A parameter the loss does not use gets a zero gradient.
	g.Reset()
	nn.Backward(ops.Sum(l2.Forward(g.Const(tensor.Ones(tensor.Float64, 1, 2)))), params)
	for _, v := range l1.Weight.Grad.Data() {
		if v != 0 {
			t.Fatalf("unused parameter has gradient %v", v)
		}
	}
	if n := nn.Count(params); n != 3*2+2+2+1 {
		t.Errorf("Count = %d; want 11", n)
	}
}

// Backward moves a gradient that is the backward pass's scratch into Grad
// instead of copying it; two parameters that receive the same tensor (both
// inputs of an addition) still get their own, right gradients, step after
// step of a Reset graph.
func TestBackwardMovesGradients(t *testing.T) {
	rng := tensor.NewRand(2)
	p := nn.NewParam("p", tensor.RandNormal(rng, tensor.Float32, 0, 1, 4, 3))
	q := nn.NewParam("q", tensor.RandNormal(rng, tensor.Float32, 0, 1, 4, 3))
	w := nn.NewParam("w", tensor.RandNormal(rng, tensor.Float32, 0, 1, 3, 5))
	params := []*nn.Param{p, q, w}
	x := tensor.RandNormal(rng, tensor.Float32, 0, 1, 2, 4)
	var g ad.Graph
	moved := false
	for step := range 4 {
		g.Reset()
		pn, qn, wn := p.Node(&g), q.Node(&g), w.Node(&g)
		loss := ops.Sum(ops.Tanh(ops.MatMul(ops.MatMul(g.Const(x), ops.Add(pn, qn)), wn)))
		before := &w.Grad.Float32s()[0]
		nn.Backward(loss, params)
		moved = moved || &w.Grad.Float32s()[0] != before
		table := ad.Backward(loss, pn, qn, wn)
		for _, c := range []struct {
			p *nn.Param
			n ad.Node
		}{{p, pn}, {q, qn}, {w, wn}} {
			want, got := table.Grad(c.n).Float32s(), c.p.Grad.Float32s()
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("step %d: %s.Grad[%d] = %v; Backward gives %v", step, c.p.Name, i, got[i], want[i])
				}
			}
		}
		// Change each parameter, so that a step's stale gradient would show.
		for _, pp := range params {
			for i, v := range pp.Grad.Float32s() {
				pp.Value.Float32s()[i] -= 0.1 * v
			}
		}
	}
	if !moved {
		t.Error("the product's gradient was copied into w.Grad, never moved")
	}
}

func TestModes(t *testing.T) {
	d := nn.NewDropout(0.5, 1)
	bn := nn.NewBatchNorm(tensor.Float64, 2)
	model := nn.Sequential(d, bn)
	var g ad.Graph
	x := tensor.Ones(tensor.Float64, 4, 2)
	nn.Eval(model)
	y := nn.Infer(&g, model, x)
	// Eval: dropout passes x; BatchNorm uses mean 0, variance 1.
	want := 1 / math.Sqrt(1+1e-5)
	for _, v := range y.Data() {
		if math.Abs(v-want) > 1e-15 {
			t.Fatalf("eval output %v; want %v", v, want)
		}
	}
	if bn.RunningMean.Value.At(0) != 0 {
		t.Error("eval changed the running mean")
	}
	nn.Train(model)
	g.Reset()
	model.Forward(g.Const(x))
	if bn.RunningMean.Value.At(0) == 0 {
		t.Error("training did not move the running mean")
	}
	// The generator's state round-trips.
	s, err := d.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	g.Reset()
	a := d.Forward(g.Const(tensor.Ones(tensor.Float64, 64))).Value().Data()
	if err := d.UnmarshalBinary(s); err != nil {
		t.Fatal(err)
	}
	b := d.Forward(g.Const(tensor.Ones(tensor.Float64, 64))).Value().Data()
	for i := range a {
		if a[i] != b[i] {
			t.Fatal("restored dropout state gives a different mask")
		}
	}
}

func TestEmbedding(t *testing.T) {
	e := nn.NewEmbedding(tensor.NewRand(1), tensor.Float64, 5, 3)
	var g ad.Graph
	y := e.Forward(g.Const(tensor.FromFloat64s([]float64{4, 0, 4}, 3)))
	if !y.Shape().Equal(tensor.Shape{3, 3}) || y.Value().At(0, 1) != e.Weight.Value.At(4, 1) {
		t.Errorf("Embedding gave %v", y.Value())
	}
	nn.Backward(ops.Sum(y), e.Params())
	if e.Weight.Grad.At(4, 0) != 2 || e.Weight.Grad.At(1, 0) != 0 {
		t.Errorf("gradient %v; want 2 for row 4, 0 for row 1", e.Weight.Grad)
	}
}

func TestShapeErrors(t *testing.T) {
	rng := tensor.NewRand(1)
	var g ad.Graph
	tests := []struct {
		name, want string
		f          func()
	}{
		{"linear", "MatMul", func() { nn.NewLinear(rng, tensor.Float64, 3, 2).Forward(g.Const(tensor.Ones(tensor.Float64, 4, 5))) }},
		{"batchnorm", "BatchNorm: incompatible shapes [4 5] and [3]", func() { nn.NewBatchNorm(tensor.Float64, 3).Forward(g.Const(tensor.Ones(tensor.Float64, 4, 5))) }},
		{"batchnorm dtype", "a float32 input for a float64 layer", func() {
			nn.NewBatchNorm(tensor.Float64, 3).Forward(g.Const(tensor.Ones(tensor.Float32, 4, 3)))
		}},
		{"layernorm", "LayerNorm", func() { nn.NewLayerNorm(tensor.Float64, 3).Forward(g.Const(tensor.Ones(tensor.Float64, 4, 5))) }},
		{"labels", "NLL: incompatible shapes [4 5] and [3]", func() {
			nn.CrossEntropy(g.Const(tensor.Ones(tensor.Float64, 4, 5)), tensor.NewIndex([]int{1, 2, 3}, 3), nn.Mean)
		}},
		{"label range", "Gather", func() {
			nn.CrossEntropy(g.Const(tensor.Ones(tensor.Float64, 1, 5)), tensor.NewIndex([]int{5}, 1), nn.Mean)
		}},
		{"mse", "MSE: incompatible shapes [2] and [3]", func() {
			nn.MSE(g.Const(tensor.Ones(tensor.Float64, 2)), g.Const(tensor.Ones(tensor.Float64, 3)), nn.Mean)
		}},
		{"embedding id", "not a whole number", func() {
			nn.NewEmbedding(rng, tensor.Float64, 3, 2).Forward(g.Const(tensor.FromFloat64s([]float64{0.5}, 1)))
		}},
		{"backward of a vector", "the loss must be a single number", func() { nn.Backward(g.Const(tensor.Ones(tensor.Float64, 2)), nil) }},
	}
	for _, tt := range tests {
		err := tensor.Catch(tt.f)
		var se *tensor.ShapeError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v; want a *tensor.ShapeError containing %q", tt.name, err, tt.want)
		}
	}
}

// TestParamsInTwoGraphs: evaluating the model in a second graph between
// the forward pass and Backward leaves the first graph's gradients whole.
func TestParamsInTwoGraphs(t *testing.T) {
	lin := nn.NewLinear(tensor.NewRand(1), tensor.Float64, 3, 1)
	x := tensor.FromFloat64s([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	var g, other ad.Graph
	loss := ops.Sum(lin.Forward(g.Const(x)))
	nn.Infer(&other, lin, x)
	nn.Backward(loss, lin.Params())
	// d/dW of Σ x·Wᵀ is the column sums of x: 5 7 9.
	for i, want := range []float64{5, 7, 9} {
		if got := lin.Weight.Grad.Data()[i]; got != want {
			t.Errorf("weight gradient %d = %v; want %v", i, got, want)
		}
	}
	// The node a partial truncation frees is not taken for the parameter.
	g.Reset()
	w := lin.Weight.Node(&g)
	ad.Checkpoint(func(xs []ad.Node) ad.Node { return ops.Sum(xs[0]) }, w)
	if n := lin.Weight.Node(&g); n != w {
		t.Errorf("Node after a checkpoint = %v; want the variable %v", n, w)
	}
}
