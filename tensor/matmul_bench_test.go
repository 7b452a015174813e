package tensor_test

import (
	"fmt"
	"testing"

	"github.com/seed812a03d2/backprop/tensor"
)

// BenchmarkMatMul times the products of the performance issue: square
// GEMMs and the shapes of a 784-256 dense layer with batch 128 (forward
// x·W, and backward's xᵀ·g and g·Wᵀ, both as plain products of
// materialised operands and through MatMulTransA and MatMulTransB), and
// matrix-vector products. It
// reports GFLOP/s, counting 2·m·n·k operations per product, per second of
// wall time and per second of the process's CPU time (GFLOP/cpu-s; on an
// idle machine GOMAXPROCS times GFLOP/cpu-s bounds GFLOP/s).
func BenchmarkMatMul(b *testing.B) {
	type bench struct {
		name    string
		f       func(x, y *tensor.Tensor) *tensor.Tensor
		x, y    []int // operand shapes
		m, n, k int
	}
	var benches []bench
	for _, s := range []int{16, 64, 512, 1024} {
		benches = append(benches, bench{fmt.Sprintf("%d", s), tensor.MatMul, []int{s, s}, []int{s, s}, s, s, s})
	}
	benches = append(benches,
		bench{"128x784x256", tensor.MatMul, []int{128, 784}, []int{784, 256}, 128, 256, 784},
		bench{"784x128x256", tensor.MatMul, []int{784, 128}, []int{128, 256}, 784, 256, 128},
		bench{"128x256x784", tensor.MatMul, []int{128, 256}, []int{256, 784}, 128, 784, 256},
		bench{"TransA-784x128x256", tensor.MatMulTransA, []int{128, 784}, []int{128, 256}, 784, 256, 128},
		bench{"TransB-128x256x784", tensor.MatMulTransB, []int{128, 256}, []int{784, 256}, 128, 784, 256},
		// Few columns: the MLP's last layer (10 outputs) and a 3×3
		// filter's gradient over one 28×28 image's windows.
		bench{"TransB-128x10x256", tensor.MatMulTransB, []int{128, 256}, []int{10, 256}, 128, 10, 256},
		bench{"TransB-32x9x784", tensor.MatMulTransB, []int{32, 784}, []int{9, 784}, 32, 9, 784},
	)
	// Matrix-vector products (gemv), the shapes of a Hessian-vector product
	// through a 256×256 or 1024×1024 layer: W·v as dot products of rows,
	// Wᵀ·v as scaled additions of rows.
	for _, s := range []int{256, 1024} {
		benches = append(benches,
			bench{fmt.Sprintf("%dx%dx1", s, s), tensor.MatMul, []int{s, s}, []int{s, 1}, s, 1, s},
			bench{fmt.Sprintf("TransA-%dx%dx1", s, s), tensor.MatMulTransA, []int{s, s}, []int{s, 1}, s, 1, s},
		)
	}
	for _, d := range []tensor.DType{tensor.Float32, tensor.Float64} {
		for _, bb := range benches {
			b.Run(fmt.Sprintf("%v/%s", d, bb.name), func(b *testing.B) {
				x, y := randn(1, d, bb.x...), randn(2, d, bb.y...)
				flops := 2 * float64(bb.m) * float64(bb.n) * float64(bb.k)
				bb.f(x, y) // warm the pools of packing buffers
				cpu0 := tensor.CPUTime()
				for b.Loop() {
					bb.f(x, y)
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				if cpu := tensor.CPUTime() - cpu0; cpu > 0 {
					b.ReportMetric(flops*float64(b.N)/cpu.Seconds()/1e9, "GFLOP/cpu-s")
				}
			})
		}
	}
}
