package tensor

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// BenchmarkPeakFMA measures one core's floating-point peak with chains of
// independent AVX2 FMAs and no memory traffic: the ceiling for gemm.
func BenchmarkPeakFMA(b *testing.B) {
	if bestKernels < avx2Kernels {
		b.Skip("no AVX2 and FMA")
	}
	const n = 1 << 20
	b.Run("float32", func(b *testing.B) {
		cpu0 := cpuTime()
		for b.Loop() {
			fmaLoop32(n)
		}
		reportPeak(b, 192*n, cpuTime()-cpu0)
	})
	b.Run("float64", func(b *testing.B) {
		cpu0 := cpuTime()
		for b.Loop() {
			fmaLoop64(n)
		}
		reportPeak(b, 96*n, cpuTime()-cpu0)
	})
}

// BenchmarkPeakFMA512 is BenchmarkPeakFMA for float32 with AVX-512 FMAs.
func BenchmarkPeakFMA512(b *testing.B) {
	if bestKernels < avx512Kernels {
		b.Skip("no AVX-512")
	}
	const n = 1 << 20
	cpu0 := cpuTime()
	for b.Loop() {
		fmaLoop32AVX512(n)
	}
	reportPeak(b, 384*n, cpuTime()-cpu0)
}

// reportPeak reports GFLOP/s and GFLOP/cpu-s for flops operations per
// iteration, given the CPU time of the loop.
func reportPeak(b *testing.B, flops float64, cpu time.Duration) {
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	if cpu > 0 {
		b.ReportMetric(flops*float64(b.N)/cpu.Seconds()/1e9, "GFLOP/cpu-s")
	}
}

// TestGemmKernels compares the assembly micro-kernels with the pure-Go
// one on every k up to 9 (the unrolled loop and its tail) and a long one.
func TestGemmKernels(t *testing.T) {
	type kernel[T float] struct {
		name   string
		set    kernelSet
		mr, nr int
		f      func(k int, a, b, c *T, ldc int)
	}
	k32 := []kernel[float32]{
		{"kernel6x16F32", avx2Kernels, 6, 16, kernel6x16F32},
		{"kernel6x16F32Set", avx2Kernels, 6, 16, kernel6x16F32Set},
		{"kernel12x32F32", avx512Kernels, 12, 32, kernel12x32F32},
		{"kernel12x32F32Set", avx512Kernels, 12, 32, kernel12x32F32Set},
	}
	k64 := []kernel[float64]{
		{"kernel6x8F64", avx2Kernels, 6, 8, kernel6x8F64},
		{"kernel6x8F64Set", avx2Kernels, 6, 8, kernel6x8F64Set},
		{"kernel12x16F64", avx512Kernels, 12, 16, kernel12x16F64},
		{"kernel12x16F64Set", avx512Kernels, 12, 16, kernel12x16F64Set},
	}
	for _, kn := range k32 {
		t.Run(kn.name, func(t *testing.T) {
			if bestKernels < kn.set {
				t.Skip("not supported by this CPU")
			}
			checkKernel(t, strings.HasSuffix(kn.name, "Set"), kn.mr, kn.nr, kn.f, 1e-4)
		})
	}
	for _, kn := range k64 {
		t.Run(kn.name, func(t *testing.T) {
			if bestKernels < kn.set {
				t.Skip("not supported by this CPU")
			}
			checkKernel(t, strings.HasSuffix(kn.name, "Set"), kn.mr, kn.nr, kn.f, 1e-12)
		})
	}
}

// checkKernel compares f with kernelGo, which adds the tile to c or, if
// set, stores it (c starts as NaN in the tile for a set kernel).
func checkKernel[T float](t *testing.T, set bool, mr, nr int, f func(k int, a, b, c *T, ldc int), tol float64) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, k := range []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 257} {
		a, b := make([]T, mr*k+1), make([]T, nr*k+1)
		for i := range a {
			a[i] = T(r.NormFloat64())
		}
		for i := range b {
			b[i] = T(r.NormFloat64())
		}
		ldc := nr + 3 // wider than the tile, and odd
		got, want := make([]T, mr*ldc), make([]T, mr*ldc)
		for i := range got {
			got[i], want[i] = T(i), T(i)
			if set && i%ldc < nr {
				got[i], want[i] = T(math.NaN()), T(math.NaN())
			}
		}
		f(k, &a[0], &b[0], &got[0], ldc)
		kernelGo(set, mr, nr, k, a, b, want, ldc)
		for i := range got {
			if !(math.Abs(float64(got[i]-want[i])) <= tol*max(1, math.Abs(float64(want[i])))) {
				t.Errorf("k=%d: element %d = %v; pure Go gives %v", k, i, got[i], want[i])
			}
		}
	}
}

// TestTranspose checks the packing transpose against its definition, for
// 0 to 3 blocks of 1 to 3 groups of rows and strides wider than both.
func TestTranspose(t *testing.T) {
	if bestKernels < avx2Kernels {
		t.Skip("no AVX2")
	}
	kernels := map[string]func(n, groups int, src *float32, lds int, dst *float32, ldd int){"AVX2": transposeAVX2F32}
	if bestKernels >= avx512Kernels {
		kernels["AVX-512"] = transposeF32
	}
	for name, tr := range kernels {
		t.Run(name, func(t *testing.T) { testTranspose(t, tr) })
	}
}

func testTranspose(t *testing.T, tr func(n, groups int, src *float32, lds int, dst *float32, ldd int)) {
	for n := range 4 {
		for groups := 1; groups <= 3; groups++ {
			lds, ldd := 16*n+5, 4*groups+3
			src := make([]float32, 4*groups*lds+1)
			for i := range src {
				src[i] = float32(i + 1)
			}
			dst := make([]float32, max(16*n*ldd, 1))
			if n > 0 {
				tr(n, groups, &src[0], lds, &dst[0], ldd)
			}
			for q := range 16 * n {
				for i := range ldd {
					want := float32(0)
					if i < 4*groups {
						want = src[i*lds+q]
					}
					if got := dst[q*ldd+i]; got != want {
						t.Fatalf("n=%d, groups=%d: dst[%d*%d+%d] = %v, want %v", n, groups, q, ldd, i, got, want)
					}
				}
			}
		}
	}
}

// TestCopyRows checks the packing copies of every kernel set the CPU has
// against their definition for every width, and that they write nothing
// past the packed rows.
func TestCopyRows(t *testing.T) {
	kernels := []struct {
		ks   kernelSet
		copy func(n, w int, src *float32, lds int, dst *float32, mask uint32)
	}{{avx2Kernels, copyRowsAVX2F32}, {avx512Kernels, copyRowsF32}}
	ran := 0
	for _, k := range kernels {
		if k.ks > bestKernels {
			continue
		}
		ran++
		testCopyRows(t, k.ks, k.copy)
	}
	if ran == 0 {
		t.Skip("no AVX2")
	}
}

func testCopyRows(t *testing.T, ks kernelSet, copyRows func(n, w int, src *float32, lds int, dst *float32, mask uint32)) {
	for w := 1; w <= 32; w++ {
		const n, lds = 5, 37
		src := make([]float32, n*lds)
		for i := range src {
			src[i] = float32(i + 1)
		}
		dst := make([]float32, n*w+1)
		dst[n*w] = -1
		copyRows(n, w, &src[0], lds, &dst[0], uint32(1)<<w-1)
		for p := range n {
			for j := range w {
				if got, want := dst[p*w+j], src[p*lds+j]; got != want {
					t.Fatalf("kernels %d, w=%d: dst[%d*%d+%d] = %v, want %v", ks, w, p, w, j, got, want)
				}
			}
		}
		if dst[n*w] != -1 {
			t.Fatalf("kernels %d, w=%d: wrote past the rows", ks, w)
		}
	}
}

// TestKernel8 checks the 8-row kernels against the first 8 rows of the
// 12-row ones, bit for bit, on every k up to 9 and a long one; the rows
// past the 8th, and the columns past the tile, must stay as they were.
func TestKernel8(t *testing.T) {
	if bestKernels < avx512Kernels {
		t.Skip("no AVX-512")
	}
	r := rand.New(rand.NewPCG(3, 4))
	for _, set := range []bool{false, true} {
		k8, k12 := kernel8x32F32, kernel12x32F32
		if set {
			k8, k12 = kernel8x32F32Set, kernel12x32F32Set
		}
		for _, k := range []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 257} {
			a, b := make([]float32, 12*k+1), make([]float32, 32*k+1)
			for i := range a {
				a[i] = float32(r.NormFloat64())
			}
			for i := range b {
				b[i] = float32(r.NormFloat64())
			}
			const ldc = 35
			got, want := make([]float32, 12*ldc), make([]float32, 12*ldc)
			for i := range got {
				got[i], want[i] = float32(i), float32(i)
			}
			k8(k, &a[0], &b[0], &got[0], ldc)
			k12(k, &a[0], &b[0], &want[0], ldc)
			for i := range got {
				w := want[i]
				if i >= 8*ldc || i%ldc >= 32 {
					w = float32(i) // untouched
				}
				if math.Float32bits(got[i]) != math.Float32bits(w) {
					t.Fatalf("set=%v k=%d: element %d (row %d) = %v; want %v", set, k, i, i/ldc, got[i], w)
				}
			}
		}
	}
}
