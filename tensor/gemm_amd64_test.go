package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

// BenchmarkPeakFMA measures one core's floating-point peak with chains of
// independent AVX2 FMAs and no memory traffic: the ceiling for gemm.
func BenchmarkPeakFMA(b *testing.B) {
	if !haveAsmKernels {
		b.Skip("no AVX2 and FMA")
	}
	const n = 1 << 20
	b.Run("float32", func(b *testing.B) {
		for b.Loop() {
			fmaLoop32(n)
		}
		b.ReportMetric(192*n*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
	b.Run("float64", func(b *testing.B) {
		for b.Loop() {
			fmaLoop64(n)
		}
		b.ReportMetric(96*n*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
}

// BenchmarkPeakFMA512 is BenchmarkPeakFMA for float32 with AVX-512 FMAs.
func BenchmarkPeakFMA512(b *testing.B) {
	if !haveAVX512 {
		b.Skip("no AVX-512")
	}
	const n = 1 << 20
	for b.Loop() {
		fmaLoop32AVX512(n)
	}
	b.ReportMetric(384*n*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// TestGemmKernels compares the assembly micro-kernels with the pure-Go
// ones on every k up to 9 (the unrolled loop and its tail) and a long one.
func TestGemmKernels(t *testing.T) {
	if !haveAsmKernels {
		t.Skip("no assembly kernels on this CPU")
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, k := range []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 257} {
		a32, b32 := make([]float32, 6*k+1), make([]float32, 16*k+1)
		a64, b64 := make([]float64, 6*k+1), make([]float64, 8*k+1)
		for i := range a32 {
			a32[i] = float32(r.NormFloat64())
			a64[i] = float64(a32[i])
		}
		for i := range b32 {
			b32[i] = float32(r.NormFloat64())
		}
		for i := range b64 {
			b64[i] = r.NormFloat64()
		}
		const ldc = 19 // odd, and wider than any tile
		c1, c2 := make([]float32, 6*ldc), make([]float32, 6*ldc)
		d1, d2 := make([]float64, 6*ldc), make([]float64, 6*ldc)
		for i := range c1 {
			c1[i], c2[i], d1[i], d2[i] = float32(i), float32(i), float64(i), float64(i)
		}
		kernel6x16F32(k, &a32[0], &b32[0], &c1[0], ldc)
		kernelGo32(k, &a32[0], &b32[0], &c2[0], ldc)
		kernel6x8F64(k, &a64[0], &b64[0], &d1[0], ldc)
		kernelGo64(k, &a64[0], &b64[0], &d2[0], ldc)
		for i := range c1 {
			if math.Abs(float64(c1[i]-c2[i])) > 1e-4*max(1, math.Abs(float64(c2[i]))) {
				t.Errorf("kernel6x16F32(k=%d) element %d = %v; pure Go gives %v", k, i, c1[i], c2[i])
			}
			if math.Abs(d1[i]-d2[i]) > 1e-12*max(1, math.Abs(d2[i])) {
				t.Errorf("kernel6x8F64(k=%d) element %d = %v; pure Go gives %v", k, i, d1[i], d2[i])
			}
		}
	}
}
