package ad_test

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// peakDuringMiB runs f and returns the most heap it held at any moment
// (sampled every 100 µs) over what was live before. The collector runs
// eagerly meanwhile (GOGC=5), so that garbage is counted little.
func peakDuringMiB(f func()) float64 {
	defer debug.SetGCPercent(debug.SetGCPercent(5))
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	runtime.GC()
	base := read()
	done, peak := make(chan struct{}), make(chan uint64)
	go func() {
		m := base
		for {
			select {
			case <-done:
				peak <- max(m, read())
				return
			case <-time.After(100 * time.Microsecond):
				m = max(m, read())
			}
		}
	}()
	f()
	close(done)
	return float64(<-peak-base) / (1 << 20)
}

// chainCheckpointed is chainGraph cut into checkpointed segments of k
// steps.
func chainCheckpointed(k int) float64 {
	var g ad.Graph
	x0 := g.ScalarVar("x0", 0.5)
	segment := func(xs []ad.Node) ad.Node { return steps(xs[0], k) }
	x := x0
	for range chainSteps / k {
		x = ad.Checkpoint(segment, x)
	}
	return ad.Backward(x).Scalar(x0)
}

// mlp is a deep tanh network: layers of width 256 on a batch of 256, in
// float32, with the loss Σ y²; every layer has its own weights. With
// segment > 0 every segment layers are one checkpoint.
func mlp(layers, segment int) float64 {
	var g ad.Graph
	rng := tensor.NewRand(1)
	h := g.Const(tensor.RandNormal(rng, tensor.Float32, 0, 1, 256, 256))
	ws := make([]ad.Node, layers)
	bs := make([]ad.Node, layers)
	for i := range ws {
		ws[i] = g.Var("w", tensor.RandNormal(rng, tensor.Float32, 0, 0.06, 256, 256))
		bs[i] = g.Var("b", tensor.Zeros(tensor.Float32, 256))
	}
	layer := func(h, w, b ad.Node) ad.Node { return ops.Tanh(ops.Add(ops.MatMul(h, w), b)) }
	for i := 0; i < layers; {
		n := min(max(segment, 1), layers-i)
		if segment == 0 {
			h = layer(h, ws[i], bs[i])
			i++
			continue
		}
		lo := i
		in := append([]ad.Node{h}, append(ws[lo:lo+n:lo+n], bs[lo:lo+n]...)...)
		h = ad.Checkpoint(func(xs []ad.Node) ad.Node {
			y := xs[0]
			for j := range n {
				y = layer(y, xs[1+j], xs[1+n+j])
			}
			return y
		}, in...)
		i += n
	}
	t := ad.Backward(ops.Sum(ops.Square(h)))
	return t.Grad(ws[0]).Data()[0]
}

// Gradient checkpointing: peak memory and time against plain Backward, on
// the 1M-operation chain (segments of √250000 = 500 steps) and on a
// 36-layer MLP (segments of 6 layers).
//
//	go test -run='^$' -bench=Checkpoint -count=5 ./ad
func BenchmarkCheckpoint(b *testing.B) {
	for _, bc := range []struct {
		name string
		f    func() float64
	}{
		{"chain/Backward", func() float64 { return chainGraph(new(ad.Graph), nil, false) }},
		{"chain/checkpoint-500", func() float64 { return chainCheckpointed(500) }},
		{"mlp36/Backward", func() float64 { return mlp(36, 0) }},
		{"mlp36/checkpoint-6", func() float64 { return mlp(36, 6) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			peak := peakDuringMiB(func() { sink = bc.f() })
			for b.Loop() {
				sink = bc.f()
			}
			b.ReportMetric(peak, "peak-MiB")
		})
	}
}

func TestCheckpointedBenchmarksAgree(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the 1M-operation chain")
	}
	if a, b := chainGraph(new(ad.Graph), nil, false), chainCheckpointed(500); a != b {
		t.Errorf("chain: %v with checkpoints, %v without", b, a)
	}
	if a, b := mlp(12, 0), mlp(12, 4); a != b && (a-b)/a > 1e-5 {
		t.Errorf("mlp: %v with checkpoints, %v without", b, a)
	}
}
