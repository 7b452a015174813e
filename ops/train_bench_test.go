package ops_test

import (
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// mlpStep is one SGD step of a 784-256-256-10 ReLU MLP with softmax
// cross-entropy on a batch of 128, float32, on a graph and table kept
// across steps.
type mlpStep struct {
	g      ad.Graph
	t      ad.Table
	x, y   *tensor.Tensor // batch and one-hot labels
	params []*tensor.Tensor
	lr     float32
}

func newMLPStep() *mlpStep {
	rng := tensor.NewRand(1)
	s := &mlpStep{lr: 0.01}
	s.x = tensor.RandUniform(rng, tensor.Float32, 0, 1, 128, 784)
	y := tensor.New(tensor.Float32, 128, 10)
	for i := range 128 {
		y.Float32s()[i*10+i%10] = 1
	}
	s.y = y
	for _, sh := range [][]int{{784, 256}, {256}, {256, 256}, {256}, {256, 10}, {10}} {
		std := 0.05
		if len(sh) == 1 {
			std = 0
		}
		s.params = append(s.params, tensor.RandNormal(rng, tensor.Float32, 0, std, sh...))
	}
	return s
}

func (s *mlpStep) step() float32 {
	g := &s.g
	g.Reset()
	p := make([]ad.Node, len(s.params))
	for i, v := range s.params {
		p[i] = g.Var("p", v)
	}
	h := g.Const(s.x)
	h = ops.ReLU(ops.Add(ops.MatMul(h, p[0]), p[1]))
	h = ops.ReLU(ops.Add(ops.MatMul(h, p[2]), p[3]))
	logits := ops.Add(ops.MatMul(h, p[4]), p[5])
	loss := ops.Neg(ops.Mean(ops.Sum(ops.Mul(ops.LogSoftmax(logits, 1), g.Const(s.y)), 1)))
	ad.BackwardInto(&s.t, loss, nil)
	for i, v := range s.params {
		d := s.t.Grad(p[i]).Float32s()
		w := v.Float32s()
		for j := range w {
			w[j] -= s.lr * d[j]
		}
	}
	return loss.Value().Float32s()[0]
}

// BenchmarkMLPStep is the training step of the performance issue:
// forward, backward and SGD update.
//
//	go test -run='^$' -bench=MLPStep -count=5 ./ops
func BenchmarkMLPStep(b *testing.B) {
	s := newMLPStep()
	s.step()
	b.ReportAllocs()
	for b.Loop() {
		s.step()
	}
}

func TestMLPStepLearns(t *testing.T) {
	s := newMLPStep()
	first := s.step()
	var last float32
	for range 20 {
		last = s.step()
	}
	if !(last < first) {
		t.Errorf("loss %v after 20 steps; first %v", last, first)
	}
}
