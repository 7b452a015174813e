package functional_test

import (
	"math"
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/functional"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

var sink float64

// The Hessian-vector product of f(x) = Σ tanh(W·x), W 256×256, float64:
// forward over reverse (functional.HVP) against a hand-written Go HVP,
// H·v = Wᵀ·(-2·t·(1 - t²) ⊙ W·v) with t = tanh(W·x).
//
//	go test -run='^$' -bench=HVP -count=5 ./functional
func BenchmarkHVP(b *testing.B) {
	const n = 256
	rng := tensor.NewRand(3)
	w := tensor.RandNormal(rng, tensor.Float64, 0, 1/math.Sqrt(n), n, n)
	x := tensor.RandNormal(rng, tensor.Float64, 0, 1, n, 1)
	v := tensor.RandNormal(rng, tensor.Float64, 0, 1, n, 1)
	want := handHVP(w.Float64s(), x.Float64s(), v.Float64s(), n)
	b.Run("functional.HVP", func(b *testing.B) {
		b.ReportAllocs()
		var g ad.Graph
		for b.Loop() {
			g.Reset()
			wn := g.Const(w)
			f := func(x ad.Node) ad.Node { return ops.Sum(ops.Tanh(ops.MatMul(wn, x))) }
			hv := functional.HVP(f, g.Var("x", x), g.Const(v))
			sink = hv.Value().Float64s()[0]
		}
		if math.Abs(sink-want[0]) > 1e-12*math.Max(1, math.Abs(want[0])) {
			b.Fatalf("HVP[0] = %v; hand-written %v", sink, want[0])
		}
	})
	b.Run("handwritten", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sink = handHVP(w.Float64s(), x.Float64s(), v.Float64s(), n)[0]
		}
	})
}

func handHVP(w, x, v []float64, n int) []float64 {
	s := make([]float64, n)
	for i := range n {
		var wx, wv float64
		row := w[i*n : (i+1)*n]
		for j, wij := range row {
			wx += wij * x[j]
			wv += wij * v[j]
		}
		t := math.Tanh(wx)
		s[i] = -2 * t * (1 - t*t) * wv
	}
	out := make([]float64, n)
	for i := range n {
		row := w[i*n : (i+1)*n]
		for j, wij := range row {
			out[j] += wij * s[i]
		}
	}
	return out
}
