package tensor_test

import (
	"fmt"
	"testing"

	"github.com/seed812a03d2/backprop/tensor"
)

// BenchmarkKernels times element-wise and reduction kernels on tensors of
// 1k, 64k and 1M elements (shape [n/1024 1024], so that the last axis is
// 1024 long). It reports millions of elements per second of wall time
// (Melem/s) and per second of the process's CPU time (Melem/cpu-s; on a
// shared machine it leaves out the time other jobs held the cores, and
// GOMAXPROCS times it bounds Melem/s).
func BenchmarkKernels(b *testing.B) {
	kernels := []struct {
		name string
		f    func(x, y *tensor.Tensor) *tensor.Tensor
	}{
		{"Add", tensor.Add},
		{"AddRow", func(x, y *tensor.Tensor) *tensor.Tensor { return tensor.Add(x, y) }}, // y is one row
		{"ReLU", func(x, _ *tensor.Tensor) *tensor.Tensor { return tensor.ReLU(x) }},
		{"Exp", func(x, _ *tensor.Tensor) *tensor.Tensor { return tensor.Exp(x) }},
		{"SumLast", func(x, _ *tensor.Tensor) *tensor.Tensor { return tensor.Sum(x, []int{-1}, false) }},
		{"SoftmaxLast", func(x, _ *tensor.Tensor) *tensor.Tensor { return tensor.Softmax(x, -1) }},
	}
	for _, d := range []tensor.DType{tensor.Float32, tensor.Float64} {
		for _, k := range kernels {
			for _, n := range []int{1 << 10, 1 << 16, 1 << 20} {
				b.Run(fmt.Sprintf("%v/%s/n=%d", d, k.name, n), func(b *testing.B) {
					x, y := randn(1, d, n>>10, 1024), randn(2, d, n>>10, 1024)
					if k.name == "AddRow" {
						y = randn(2, d, 1024)
					}
					b.ReportAllocs()
					cpu0 := tensor.CPUTime()
					for b.Loop() {
						k.f(x, y)
					}
					b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Melem/s")
					if cpu := tensor.CPUTime() - cpu0; cpu > 0 {
						b.ReportMetric(float64(n)*float64(b.N)/cpu.Seconds()/1e6, "Melem/cpu-s")
					}
				})
			}
		}
	}
}
