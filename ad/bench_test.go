package ad_test

import (
	"math"
	"runtime"
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
)

// The benchmarks of the engine issue, side by side: the worked example as
// a full call, and a chain of one million elementary operations against a
// plain Go loop (the function only) and a hand-written Go adjoint (the
// limit). Run them with
//
//	go test -run='^$' -bench=. -count=10 ./ad > new.txt && benchstat new.txt

var sink float64

// workedExample builds, evaluates and differentiates the worked example
// on a fresh graph.
func workedExample(record bool) float64 {
	var g ad.Graph
	return workedExampleOn(&g, nil, record)
}

// workedExampleOn is workedExample on g, with the table t when t is not nil.
func workedExampleOn(g *ad.Graph, t *ad.Table, record bool) float64 {
	u1 := g.ScalarVar("u1", 4)
	u2 := g.ScalarVar("u2", 2)
	u3 := ops.Add(u1, u2)
	u4 := ops.Mul(u3, u3)
	u5 := ops.Sin(u4)
	switch {
	case record:
		return ad.Gradients(u5, u1)[0].Scalar()
	case t != nil:
		ad.BackwardInto(t, u5, nil)
		return t.Scalar(u1)
	}
	return ad.Backward(u5).Scalar(u1)
}

func BenchmarkWorkedExample(b *testing.B) {
	for _, bc := range []struct {
		name   string
		record bool
	}{{"Backward", false}, {"Gradients", true}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sink = workedExample(bc.record)
			}
		})
	}
	b.Run("Backward-reused", func(b *testing.B) {
		// A graph and a table kept across calls, as in a training loop.
		var g ad.Graph
		var t ad.Table
		b.ReportAllocs()
		for b.Loop() {
			g.Reset()
			sink = workedExampleOn(&g, &t, false)
		}
	})
	b.Run("handwritten", func(b *testing.B) {
		b.ReportAllocs()
		u1, u2 := 4.0, 2.0
		for b.Loop() {
			u3 := u1 + u2
			u4 := u3 * u3
			sink = math.Sin(u4) + math.Cos(u4)*2*u3
		}
	})
}

// chainSteps steps of x = sin(x)·0.9 + x·0.1 are 4 elementary operations
// each: one million in all.
var chainSteps = 250_000

func chainPlain() float64 {
	x := 0.5
	for range chainSteps {
		x = math.Sin(x)*0.9 + x*0.1
	}
	return x
}

// chainAdjoint is the hand-written reverse mode: a forward sweep that keeps
// the inputs of each step, and a backward sweep that multiplies the local
// derivatives.
func chainAdjoint(xs []float64) float64 {
	x := 0.5
	for i := range chainSteps {
		xs[i] = x
		x = math.Sin(x)*0.9 + x*0.1
	}
	d := 1.0
	for i := chainSteps - 1; i >= 0; i-- {
		d *= math.Cos(xs[i])*0.9 + 0.1
	}
	return d
}

// chainGraph builds, evaluates and differentiates the chain on g, which
// is fresh or Reset for reuse, with the table t when t is not nil.
func chainGraph(g *ad.Graph, t *ad.Table, record bool) float64 {
	x0 := g.ScalarVar("x0", 0.5)
	a, b := g.ScalarConst(0.9), g.ScalarConst(0.1)
	x := x0
	for range chainSteps {
		x = ops.Add(ops.Mul(ops.Sin(x), a), ops.Mul(x, b))
	}
	switch {
	case record:
		return ad.Gradients(x, x0)[0].Scalar()
	case t != nil:
		ad.BackwardInto(t, x, nil)
		return t.Scalar(x0)
	}
	return ad.Backward(x).Scalar(x0)
}

// peakMiB returns the heap that one call of f holds at its end, when it
// holds the most (the graph and the gradient table), over what was live
// before it.
func peakMiB(f func()) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
}

func BenchmarkChain(b *testing.B) {
	ops := 4 * chainSteps
	xs := make([]float64, chainSteps)
	var reused ad.Graph // a graph and a table kept across calls
	var table ad.Table
	for _, bc := range []struct {
		name string
		f    func() float64
	}{
		{"plain", chainPlain},
		{"adjoint", func() float64 { return chainAdjoint(xs) }},
		{"Backward", func() float64 { return chainGraph(new(ad.Graph), nil, false) }},
		{"Backward-reused", func() float64 { reused.Reset(); return chainGraph(&reused, &table, false) }},
		{"Gradients", func() float64 { return chainGraph(new(ad.Graph), nil, true) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			peak := peakMiB(func() { sink = bc.f() })
			for b.Loop() {
				sink = bc.f()
			}
			if bc.name != "Backward-reused" { // its graph and table were live before
				b.ReportMetric(peak, "peak-MiB")
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(ops), "ns/elem-op")
		})
	}
}
