package train_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/data"
	"github.com/seed812a03d2/backprop/nn"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/optim"
	"github.com/seed812a03d2/backprop/safetensors"
	"github.com/seed812a03d2/backprop/tensor"
	"github.com/seed812a03d2/backprop/train"
)

// run is a training run with every kind of state a checkpoint holds:
// parameters, BatchNorm's running statistics, Dropout's generator, Adam's
// moments and steps, a schedule and a shuffled loader.
type run struct {
	model  *nn.Sequence
	opt    optim.Optimizer
	loader *data.Loader
	sched  optim.Schedule
	g      ad.Graph
}

func dataset() *data.Dataset {
	rng := tensor.NewRand(9)
	x := tensor.RandNormal(rng, tensor.Float32, 0, 1, 40, 6)
	y := make([]int, 40)
	for i := range y {
		if x.At(i, 0)+x.At(i, 1) > 0 {
			y[i] = 1
		}
		y[i] += 2 * (i % 2)
	}
	return data.NewDataset(x, tensor.NewIndex(y, 40))
}

func newRun(seed uint64) *run {
	rng := tensor.NewRand(seed)
	m := nn.Sequential(
		nn.Named("fc1", nn.NewLinear(rng, tensor.Float32, 6, 16)),
		nn.Named("bn", nn.NewBatchNorm(tensor.Float32, 16)),
		nn.Func(ops.ReLU),
		nn.Named("drop", nn.NewDropout(0.3, seed)),
		nn.Named("fc2", nn.NewLinear(rng, tensor.Float32, 16, 4)),
	)
	return &run{
		model:  m,
		opt:    optim.NewAdamW(nn.Trainable(m), optim.DefaultAdamW()),
		loader: data.NewLoader(dataset(), 8, true, 5),
		sched:  optim.Warmup{Start: 0.1, Steps: 3, Then: optim.Cosine{Base: 0.01, Steps: 20}},
	}
}

func (r *run) step() {
	b, ok := r.loader.Next()
	if !ok {
		b, _ = r.loader.Next()
	}
	r.g.Reset()
	loss := nn.CrossEntropy(r.model.Forward(r.g.Const(b.X)), b.Y, nn.Mean)
	nn.Backward(loss, nn.Trainable(r.model))
	optim.Apply(r.opt, r.sched, r.opt.Steps())
	r.opt.Step()
}

func (r *run) checkpoint() *train.Checkpoint {
	return &train.Checkpoint{Model: r.model, Optimizer: r.opt, Loader: r.loader}
}

func TestResumeIsBitForBit(t *testing.T) {
	const total, at = 13, 7
	whole := newRun(1)
	for range total {
		whole.step()
	}

	first := newRun(1)
	for range at {
		first.step()
	}
	var file bytes.Buffer
	if err := first.checkpoint().Save(&file); err != nil {
		t.Fatal(err)
	}
	// A run started from another seed, so that everything must come from
	// the file.
	resumed := newRun(2)
	if err := resumed.checkpoint().Load(file.Bytes(), "ckpt.safetensors"); err != nil {
		t.Fatal(err)
	}
	for range total - at {
		resumed.step()
	}
	a, b := nn.State(whole.model), nn.State(resumed.model)
	for i := range a {
		for j, v := range a[i].Value.Float32s() {
			if w := b[i].Value.Float32s()[j]; math.Float32bits(v) != math.Float32bits(w) {
				t.Fatalf("%s[%d]: %v without interruption, %v resumed", a[i].Name, j, v, w)
			}
		}
	}
	if whole.opt.Steps() != resumed.opt.Steps() || whole.loader.Pos() != resumed.loader.Pos() {
		t.Errorf("steps %d, %d; loader positions %d, %d", whole.opt.Steps(), resumed.opt.Steps(), whole.loader.Pos(), resumed.loader.Pos())
	}
	// The file holds the model, the optimizer's moments and the counts.
	f, err := safetensors.Read(file.Bytes(), "ckpt")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"fc1.weight", "bn.running_var", "optimizer.fc2.bias.exp_avg_sq"} {
		if f.Tensors[n] == nil {
			t.Errorf("checkpoint lacks %s; has %v", n, f.Names)
		}
	}
	if f.Metadata["backprop.optimizer.steps"] != "7" || f.Metadata["backprop.random.drop"] == "" {
		t.Errorf("metadata %v", f.Metadata)
	}
}

func TestBadCheckpoints(t *testing.T) {
	r := newRun(1)
	r.step()
	var good bytes.Buffer
	if err := r.checkpoint().Save(&good); err != nil {
		t.Fatal(err)
	}
	f, _ := safetensors.Read(good.Bytes(), "good")
	rewrite := func(edit func(ts []safetensors.Named, meta map[string]string) []safetensors.Named) []byte {
		var ts []safetensors.Named
		for _, n := range f.Names {
			ts = append(ts, safetensors.Named{Name: n, Tensor: f.Tensors[n]})
		}
		meta := map[string]string{}
		for k, v := range f.Metadata {
			meta[k] = v
		}
		ts = edit(ts, meta)
		var b bytes.Buffer
		safetensors.Write(&b, ts, meta)
		return b.Bytes()
	}
	lying := append([]byte(nil), good.Bytes()...)
	binary.LittleEndian.PutUint64(lying, binary.LittleEndian.Uint64(lying)+64)
	tests := []struct {
		name string
		b    []byte
		want string
	}{
		{"truncated", good.Bytes()[:good.Len()-10], "ckpt.safetensors: the tensors cover"},
		{"lying header size", lying, "ckpt.safetensors: "},
		{"wrong shape", rewrite(func(ts []safetensors.Named, _ map[string]string) []safetensors.Named {
			ts[0].Tensor = tensor.New(tensor.Float32, 3, 3)
			return ts
		}), `ckpt.safetensors: tensor "fc1.weight": the file has float32 [3 3]; the model has float32 [16 6]`},
		{"wrong type", rewrite(func(ts []safetensors.Named, _ map[string]string) []safetensors.Named {
			ts[1].Tensor = ts[1].Tensor.AsType(tensor.Float64)
			return ts
		}), `tensor "fc1.bias": the file has float64`},
		{"missing tensor", rewrite(func(ts []safetensors.Named, _ map[string]string) []safetensors.Named { return ts[1:] }), `tensor "fc1.weight": missing from the file`},
		{"extra tensor", rewrite(func(ts []safetensors.Named, _ map[string]string) []safetensors.Named {
			return append(ts, safetensors.Named{Name: "fc3.weight", Tensor: tensor.Scalar(1)})
		}), `tensor "fc3.weight": not in the model`},
		{"bad steps", rewrite(func(ts []safetensors.Named, m map[string]string) []safetensors.Named {
			m["backprop.optimizer.steps"] = "-3"
			return ts
		}), `backprop.optimizer.steps = "-3" is not a count`},
		{"bad generator", rewrite(func(ts []safetensors.Named, m map[string]string) []safetensors.Named {
			m["backprop.random.drop"] = "AAAA"
			return ts
		}), "generator state of drop"},
		{"position beyond the data", rewrite(func(ts []safetensors.Named, m map[string]string) []safetensors.Named {
			m["backprop.loader.position"] = "41"
			return ts
		}), "loader position 41 is beyond the dataset"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fresh := newRun(3)
			before := fresh.model.Params()[0].Value.Clone()
			err := fresh.checkpoint().Load(tt.b, "ckpt.safetensors")
			var le *train.LoadError
			var fe *safetensors.FormatError
			if err == nil || !(errors.As(err, &le) || errors.As(err, &fe)) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v; want one with %q", err, tt.want)
			}
			// Nothing was loaded.
			for i, v := range before.Float32s() {
				if fresh.model.Params()[0].Value.Float32s()[i] != v {
					t.Fatal("a failed Load changed the model")
				}
			}
			if fresh.opt.Steps() != 0 || fresh.loader.Pos() != 0 {
				t.Fatal("a failed Load changed the optimizer or the loader")
			}
		})
	}
}

func TestEvaluate(t *testing.T) {
	r := newRun(1)
	d := dataset()
	m := train.Evaluate(r.model, d, 16)
	// Check against the loss and accuracy of the whole set at once.
	var g ad.Graph
	nn.Eval(r.model)
	logits := nn.Infer(&g, r.model, d.X)
	want := nn.Accuracy(logits, d.Y)
	if m.Accuracy != want {
		t.Errorf("Accuracy %v; want %v", m.Accuracy, want)
	}
	ce := nn.CrossEntropy(g.Const(logits), d.Y, nn.Mean).Value().Item()
	if math.Abs(m.Loss-ce) > 1e-6 {
		t.Errorf("Loss %v; want %v", m.Loss, ce)
	}
}
