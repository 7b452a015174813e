package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestMaxPool2x2Rows compares the assembly 2×2 max-pool with the Go loop
// on widths that cross its 16-window blocks, odd sizes, ties, NaNs and
// infinities.
func TestMaxPool2x2Rows(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 5))
	special := []float32{0, float32(math.Copysign(0, -1)), 1, 1, -1, float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))}
	ran := 0
	for _, wo := range []int{1, 7, 8, 9, 12, 14, 15, 16, 17, 24, 31, 32, 33, 40} {
		for _, extra := range []int{0, 1} { // an odd width leaves the last column out
			w, ho := 2*wo+extra, 16
			src := make([]float32, (2*ho+extra)*w)
			for i := range src {
				if rng.IntN(2) == 0 {
					src[i] = special[rng.IntN(len(special))]
				} else {
					src[i] = float32(rng.IntN(5))
				}
			}
			want := make([]int, ho*wo)
			maxPool2x2Go(want, src, w, ho, wo)
			for _, ks := range []kernelSet{avx2Kernels, avx512Kernels} {
				if ks > bestKernels {
					continue
				}
				got := make([]int, ho*wo)
				if !maxPool2x2With(ks, got, src, w, ho, wo) {
					if ks == avx2Kernels && wo < 8 {
						continue // AVX2 declines rows of fewer than 8 windows
					}
					t.Fatalf("kernels %d declined wo=%d", ks, wo)
				}
				ran++
				for i := range got {
					if got[i] != want[i] {
						t.Fatalf("kernels %d, wo=%d w=%d: window %d at %d, want %d", ks, wo, w, i, got[i], want[i])
					}
				}
			}
		}
	}
	if ran == 0 {
		t.Skip("no assembly max-pool on this CPU")
	}
}

// TestMaxPool2x2Go compares the Go 2×2 max-pool, which selects without
// branches, with a scan of each window in order (the first of equal
// elements wins, a NaN wins), on ties, signed zeros, NaNs and infinities.
func TestMaxPool2x2Go(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 7))
	special := []float32{0, float32(math.Copysign(0, -1)), 1, 1, -1, float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))}
	for _, extra := range []int{0, 1} {
		wo, ho := 9, 7
		w := 2*wo + extra
		src := make([]float32, (2*ho+extra)*w)
		for trial := range 200 {
			for i := range src {
				if rng.IntN(2) == 0 {
					src[i] = special[rng.IntN(len(special))]
				} else {
					src[i] = float32(rng.IntN(3))
				}
			}
			got := make([]int, ho*wo)
			maxPool2x2Go(got, src, w, ho, wo)
			for oi := range ho {
				for oj := range wo {
					best := -1
					for _, at := range []int{2*oi*w + 2*oj, 2*oi*w + 2*oj + 1, (2*oi+1)*w + 2*oj, (2*oi+1)*w + 2*oj + 1} {
						switch v := src[at]; {
						case best >= 0 && src[best] != src[best]:
						case best < 0 || v != v || v > src[best]:
							best = at
						}
					}
					if g := got[oi*wo+oj]; g != best {
						t.Fatalf("trial %d, window (%d, %d): at %d, want %d", trial, oi, oj, g, best)
					}
				}
			}
		}
	}
}
