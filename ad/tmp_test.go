package ad_test

import (
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
)

func BenchmarkReuse(b *testing.B) {
	var g ad.Graph
	b.ReportAllocs()
	for b.Loop() {
		g.Reset()
		x0 := g.ScalarVar("x0", 0.5)
		a, c := g.ScalarConst(0.9), g.ScalarConst(0.1)
		x := x0
		for range chainSteps {
			x = ops.Add(ops.Mul(ops.Sin(x), a), ops.Mul(x, c))
		}
		sink = ad.Backward(x).Scalar(x0)
	}
}
