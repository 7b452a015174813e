package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// gemmConfig is one way of running gemm: which kernels, and which of the
// paths (plain loops, blocked, parallel) with which block sizes.
type gemmConfig struct {
	name     string
	kernels  kernelSet
	small    int // gemmSmall
	parallel int // gemmParallel
	workers  int // gemmWorkers
	tiny     bool
	// noSetKernel takes the set kernels away: gemmSet then zeroes each
	// tile before adding into it.
	noSetKernel bool
}

// set installs c and returns a function that restores the defaults.
func (c gemmConfig) set(t *testing.T) (restore func()) {
	t.Helper()
	oldSmall, oldPar, oldWorkers := gemmSmall, gemmParallel, gemmWorkers
	if !useKernels(c.kernels) {
		t.Skipf("no such kernels on this CPU")
	}
	gemmSmall, gemmParallel, gemmWorkers = c.small, c.parallel, c.workers
	if c.tiny {
		// Blocks of a few tiles, so that small products cross every
		// block boundary.
		gemm32.kc, gemm32.mc, gemm32.nc = 5, 2*gemm32.mr, 2*gemm32.nr
		gemm64.kc, gemm64.mc, gemm64.nc = 7, 3*gemm64.mr, 3*gemm64.nr
	}
	if c.noSetKernel {
		gemm32.setKernel, gemm64.setKernel = nil, nil
		gemm32.setKernel8, gemm64.setKernel8 = nil, nil
	}
	return func() {
		gemmSmall, gemmParallel, gemmWorkers = oldSmall, oldPar, oldWorkers
		useKernels(bestKernels)
	}
}

var gemmConfigs = []gemmConfig{
	{name: "simple", kernels: goKernels, small: math.MaxInt, parallel: math.MaxInt, workers: 1},
	{name: "go", kernels: goKernels, small: 0, parallel: math.MaxInt, workers: 1},
	{name: "go-tiny-blocks", kernels: goKernels, small: 0, parallel: math.MaxInt, workers: 1, tiny: true},
	{name: "go-parallel-2", kernels: goKernels, small: 0, parallel: 0, workers: 2, tiny: true},
	{name: "avx2", kernels: avx2Kernels, small: 0, parallel: math.MaxInt, workers: 1},
	{name: "avx2-tiny-blocks", kernels: avx2Kernels, small: 0, parallel: math.MaxInt, workers: 1, tiny: true},
	{name: "avx2-parallel-3", kernels: avx2Kernels, small: 0, parallel: 0, workers: 3},
	{name: "avx2-tiny-blocks-no-set-kernel", kernels: avx2Kernels, small: 0, parallel: math.MaxInt, workers: 1, tiny: true, noSetKernel: true},
	{name: "avx512", kernels: avx512Kernels, small: 0, parallel: math.MaxInt, workers: 1},
	{name: "avx512-tiny-blocks", kernels: avx512Kernels, small: 0, parallel: math.MaxInt, workers: 1, tiny: true},
	{name: "avx512-parallel-3", kernels: avx512Kernels, small: 0, parallel: 0, workers: 3},
	{name: "avx512-tiny-blocks-no-set-kernel", kernels: avx512Kernels, small: 0, parallel: math.MaxInt, workers: 1, tiny: true, noSetKernel: true},
	{name: "default", kernels: bestKernels, small: gemmSmall, parallel: gemmParallel, workers: gemmWorkers},
}

// refGemm returns op(a)·op(b) in float64 by the triple loop.
func refGemm(transA, transB bool, m, n, k int, a []float64, lda int, b []float64, ldb int) []float64 {
	c := make([]float64, m*n)
	for i := range m {
		for j := range n {
			s := 0.0
			for p := range k {
				ai, bj := 0.0, 0.0
				if transA {
					ai = a[p*lda+i]
				} else {
					ai = a[i*lda+p]
				}
				if transB {
					bj = b[j*ldb+p]
				} else {
					bj = b[p*ldb+j]
				}
				s += ai * bj
			}
			c[i*n+j] = s
		}
	}
	return c
}

// refCache holds the references of checkGemm, which every configuration
// of TestGemmPaths shares.
var refCache = map[string][]float64{}

func convert[T float](x []float64) []T {
	out := make([]T, len(x))
	for i, v := range x {
		out[i] = T(v)
	}
	return out
}

// checkGemm runs gemm on random operands with leading dimensions padded by
// pad and compares with refGemm; c starts at 1 to check that gemm adds.
// Then it runs gemmSet on a c of NaN, which it must overwrite, with 1 in
// the padding, which it must leave.
func checkGemm[T float](t *testing.T, transA, transB bool, m, n, k, pad int, tol float64) {
	t.Helper()
	r := rand.New(rand.NewPCG(uint64(m*1000003+n*1009+k), 7))
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	lda, ldb, ldc := ac+pad, bc+pad, n+pad
	a64 := make([]float64, ar*lda)
	b64 := make([]float64, br*ldb)
	for i := range a64 {
		a64[i] = float64(T(r.NormFloat64()))
	}
	for i := range b64 {
		b64[i] = float64(T(r.NormFloat64()))
	}
	key := fmt.Sprint(transA, transB, m, n, k, pad, unsafe.Sizeof(T(0)))
	want, ok := refCache[key]
	if !ok {
		want = refGemm(transA, transB, m, n, k, a64, lda, b64, ldb)
		refCache[key] = want
	}
	a, b := convert[T](a64), convert[T](b64)
	for _, set := range []bool{false, true} {
		c := make([]T, m*ldc)
		for i := range c {
			c[i] = 1
			if set && i%ldc < n {
				c[i] = T(math.NaN())
			}
		}
		name, base := "1 + gemm", 1.0
		if set {
			gemmSet(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
			name, base = "gemmSet", 0
		} else {
			gemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
		}
		bad := 0
		for i := range m {
			for j := range ldc {
				got, w := float64(c[i*ldc+j]), 1.0
				if j < n {
					w = base + want[i*n+j]
				}
				if !(math.Abs(got-w) <= tol*max(1, math.Abs(w))) {
					if bad < 5 {
						t.Errorf("%s(%v, %v, %d, %d, %d) [%d %d] = %v; want %v", name, transA, transB, m, n, k, i, j, got, w)
					}
					bad++
				}
			}
		}
		if bad > 5 {
			t.Errorf("%s: %d more wrong elements", name, bad-5)
		}
	}
}

func TestGemmPaths(t *testing.T) {
	type size struct{ m, n, k int }
	sizes := []size{
		{1, 1, 1}, {1, 1, 9}, {3, 4, 0}, {40, 50, 0}, {1, 17, 1}, {6, 16, 4}, {6, 8, 4}, {12, 32, 1}, {5, 15, 3},
		{7, 29, 13}, {13, 7, 29}, {29, 13, 7}, {31, 37, 41}, {64, 64, 64}, {2, 100, 50}, {100, 2, 50},
		{50, 40, 300}, {131, 67, 263},
		// Few columns, many rows (gemmSkinny): a layer's ten outputs, a
		// 3×3 filter's nine weights.
		{128, 10, 256}, {32, 9, 784}, {25, 3, 600},
		// Edge panels packed by the transposer: a batch of 128 (8 of 12
		// rows) and of 100 (4 of 12 rows, 4 of 6).
		{128, 40, 100}, {100, 40, 100},
		// Matrix-vector products (gemv): one column or one row.
		{257, 1, 300}, {1, 257, 300}, {1, 1, 1000}, {300, 1, 2}, {3, 1, 300},
	}
	big := []size{{128, 256, 784}, {784, 256, 128}, {128, 784, 256}}
	for _, cfg := range gemmConfigs {
		t.Run(cfg.name, func(t *testing.T) {
			defer cfg.set(t)()
			sizes := sizes
			if !testing.Short() && !raceEnabled && !cfg.tiny {
				sizes = append(sizes[:len(sizes):len(sizes)], big...)
			}
			for _, sz := range sizes {
				for _, tr := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
					for _, pad := range []int{0, 3} {
						if pad != 0 && sz.m*sz.n*sz.k > 1<<20 {
							continue
						}
						name := fmt.Sprintf("%dx%dx%d/transA=%v/transB=%v/pad=%d", sz.m, sz.k, sz.n, tr[0], tr[1], pad)
						t.Run(name, func(t *testing.T) {
							// float32 sums of k terms of size 1 carry errors
							// of about sqrt(k)·2⁻²⁴ each.
							checkGemm[float32](t, tr[0], tr[1], sz.m, sz.n, sz.k, pad, 1e-5*math.Sqrt(float64(sz.k)))
							checkGemm[float64](t, tr[0], tr[1], sz.m, sz.n, sz.k, pad, 1e-13*math.Sqrt(float64(sz.k)))
						})
					}
				}
			}
		})
	}
}

// TestGemvPaths runs gemm's matrix-vector products (one row or one column)
// with every kernel set, on lengths that cross each unrolled loop and tail
// of the kernels: dotRows takes four rows at a time and 8 or 16 elements
// a step, axpyRows 16 or 32 columns and two rows a step.
func TestGemvPaths(t *testing.T) {
	var lengths []int
	for l := 1; l <= 40; l++ {
		lengths = append(lengths, l)
	}
	lengths = append(lengths, 63, 64, 65, 100)
	for _, cfg := range gemmConfigs {
		t.Run(cfg.name, func(t *testing.T) {
			defer cfg.set(t)()
			for _, tr := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
				for _, pad := range []int{0, 3} {
					for _, mn := range []int{1, 2, 3, 4, 5, 7, 8, 9, 17, 33, 100} {
						for _, k := range lengths {
							for _, sz := range [][2]int{{mn, 1}, {1, mn}} {
								m, n := sz[0], sz[1]
								checkGemm[float32](t, tr[0], tr[1], m, n, k, pad, 1e-5*math.Sqrt(float64(k)))
								checkGemm[float64](t, tr[0], tr[1], m, n, k, pad, 1e-13*math.Sqrt(float64(k)))
							}
						}
					}
				}
			}
		})
	}
}

// gemmSkinny gives, bit for bit, what the direct blocked product gives,
// on every kernel set and with blocks small enough that k is summed in
// several blocks, in float32 and float64, with products that underflow
// to −0 as well as ordinary ones.
func TestGemmSkinnySameBits(t *testing.T) {
	t.Run("float32", func(t *testing.T) { testGemmSkinnySameBits[float32](t, 1e-30) })
	t.Run("float64", func(t *testing.T) { testGemmSkinnySameBits[float64](t, 1e-200) })
}

func testGemmSkinnySameBits[T float](t *testing.T, tiny float64) {
	for _, cfg := range gemmConfigs {
		if cfg.small != 0 || cfg.parallel != math.MaxInt {
			continue
		}
		t.Run(cfg.name, func(t *testing.T) {
			defer cfg.set(t)()
			for _, s := range []struct{ m, n, k int }{{128, 10, 256}, {32, 9, 784}, {25, 3, 37}, {32, 8, 3}, {32, 12, 3}} {
				for _, tr := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
					r := rand.New(rand.NewPCG(uint64(s.m*s.n*s.k), 3))
					a, b := make([]T, s.m*s.k), make([]T, s.k*s.n)
					for i := range a {
						a[i] = T(r.NormFloat64())
						if s.k == 3 {
							a[i] = T(tiny) // every product underflows to −0
						}
					}
					for i := range b {
						b[i] = T(r.NormFloat64())
						if s.k == 3 {
							b[i] = T(-tiny)
						}
					}
					lda, ldb := s.k, s.n
					if tr[0] {
						lda = s.m
					}
					if tr[1] {
						ldb = s.k
					}
					want, got := make([]T, s.m*s.n), make([]T, s.m*s.n)
					gemmBlocked(blockingFor[T](), true, tr[0], tr[1], s.m, s.n, s.k, a, lda, b, ldb, want, s.n)
					gemmSkinny(tr[0], tr[1], s.m, s.n, s.k, a, lda, b, ldb, got, s.n)
					for i := range want {
						if math.Float64bits(float64(got[i])) != math.Float64bits(float64(want[i])) {
							t.Fatalf("%v %v: element %d: %v through the transpose, %v directly", s, tr, i, got[i], want[i])
						}
					}
				}
			}
		})
	}
}
