package nn_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/nn"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/optim"
	"github.com/seed812a03d2/backprop/tensor"
)

// stepper is a model trained on one batch of 128 through the layers, the
// loss and the optimizer of the library: the MLP and the CNN below.
type stepper struct {
	model  *nn.Sequence
	params []*nn.Param
	opt    optim.Optimizer
	x      *tensor.Tensor
	y      *tensor.Index
	g      ad.Graph
}

// newStepper returns a stepper of m on x with the labels 0, 1, …, 9, 0, …
// and the optimizer newOpt makes of m's parameters.
func newStepper(m *nn.Sequence, x *tensor.Tensor, newOpt func([]*nn.Param) optim.Optimizer) *stepper {
	labels := make([]int, x.Shape()[0])
	for i := range labels {
		labels[i] = i % 10
	}
	s := &stepper{model: m, params: nn.Trainable(m), x: x, y: tensor.NewIndex(labels, len(labels))}
	s.opt = newOpt(s.params)
	return s
}

// step takes one training step and returns its loss.
func (s *stepper) step() float64 {
	s.g.Reset()
	loss := nn.CrossEntropy(s.model.Forward(s.g.Const(s.x)), s.y, nn.Mean)
	nn.Backward(loss, s.params)
	s.opt.Step()
	return loss.Value().Item()
}

// newMLP returns the 784-256-256-10 ReLU MLP of the benchmark suite,
// trained with SGD on one batch of 128, float32.
func newMLP() *stepper {
	rng := tensor.NewRand(1)
	m := nn.Sequential(
		nn.NewLinear(rng, tensor.Float32, 784, 256), nn.Func(ops.ReLU),
		nn.NewLinear(rng, tensor.Float32, 256, 256), nn.Func(ops.ReLU),
		nn.NewLinear(rng, tensor.Float32, 256, 10),
	)
	return newStepper(m, tensor.RandUniform(rng, tensor.Float32, 0, 1, 128, 784), func(ps []*nn.Param) optim.Optimizer {
		return optim.NewSGD(ps, optim.SGDConfig{LR: 0.01})
	})
}

// BenchmarkMLPStep is one training step (forward, backward, SGD update)
// on one and two threads:
//
//	go test -run='^$' -bench=MLPStep -count=10 ./nn
func BenchmarkMLPStep(b *testing.B) {
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprintf("threads=%d", threads), func(b *testing.B) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(threads))
			s := newMLP()
			s.step()
			b.ReportAllocs()
			for b.Loop() {
				s.step()
			}
		})
	}
}

func TestMLPStepAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	for _, threads := range []int{1, 2} {
		func() {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(threads))
			s := newMLP()
			s.step()
			s.step()
			// AllocsPerRun averages over the runs: a GEMM packing buffer
			// that a garbage collection took from its sync.Pool, made again,
			// would show only if it happened every run.
			if n := testing.AllocsPerRun(20, func() { s.step() }); n != 0 {
				t.Errorf("%d threads: a warm training step allocates %v times; want 0", threads, n)
			}
		}()
	}
}

// TestMLPStepThreads checks that the step gives the same numbers, bit for
// bit, at any number of threads.
func TestMLPStepThreads(t *testing.T) {
	run := func(threads int) []float32 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(threads))
		s := newMLP()
		for range 3 {
			s.step()
		}
		return s.params[0].Value.Float32s()
	}
	a, b := run(1), run(2)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("weight %d: %v on one thread, %v on two", i, a[i], b[i])
		}
	}
}

// newCNN returns the CNN of examples/mnist, trained with Adam on a batch
// of 128 images, float32.
func newCNN() *stepper { return newCNNBatch(128) }

// newCNNBatch is newCNN on a batch of n images.
func newCNNBatch(n int) *stepper {
	rng := tensor.NewRand(1)
	f32, pad := tensor.Float32, ops.Conv2dOptions{Padding: [2]int{1, 1}}
	m := nn.Sequential(
		nn.NewConv2d(rng, f32, 1, 32, 3, pad), nn.Func(ops.ReLU), nn.NewMaxPool2d(2, 0, 0),
		nn.NewConv2d(rng, f32, 32, 64, 3, pad), nn.Func(ops.ReLU), nn.NewMaxPool2d(2, 0, 0),
		nn.Flatten(), nn.NewLinear(rng, f32, 64*7*7, 128), nn.Func(ops.ReLU), nn.NewLinear(rng, f32, 128, 10),
	)
	return newStepper(m, tensor.RandUniform(rng, f32, 0, 1, n, 1, 28, 28), func(ps []*nn.Param) optim.Optimizer {
		return optim.NewAdam(ps, optim.DefaultAdam())
	})
}

// TestCNNStepThreads checks that the CNN's steps give the same numbers,
// bit for bit, on one and on two threads: the convolutions' filter
// gradients sum the images in chunks fixed by the shapes. Under the race
// detector the batch is 20 images (chunks of 2), not 128.
func TestCNNStepThreads(t *testing.T) {
	batch := 128
	if raceEnabled || testing.Short() {
		batch = 20
	}
	run := func(threads int) [][]float32 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(threads))
		s := newCNNBatch(batch)
		for range 3 {
			s.step()
		}
		var out [][]float32
		for _, p := range s.params {
			out = append(out, p.Value.Float32s())
		}
		return out
	}
	a, b := run(1), run(2)
	for i := range a {
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				t.Fatalf("parameter %d, element %d: %v on one thread, %v on two", i, j, a[i][j], b[i][j])
			}
		}
	}
}

// BenchmarkCNNStep is one training step of the MNIST CNN:
//
//	go test -run='^$' -bench=CNNStep -count=5 ./nn
func BenchmarkCNNStep(b *testing.B) {
	s := newCNN()
	s.step()
	b.ReportAllocs()
	for b.Loop() {
		s.step()
	}
}
