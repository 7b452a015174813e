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

// TestRowMoves compares the assembly row moves of im2col and col2im, for
// every kernel set the CPU has, with their definitions, on widths that
// cross the 8-column blocks and on ranges of columns that leave out
// padding on either side; the elements around the rows (sentinels) must
// stay as they were.
func TestRowMoves(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	const n, sentinel = 5, -7
	ran := 0
	for width := 1; width <= 32; width++ {
		for _, r := range [][2]int{{0, width}, {1, width}, {0, width - 1}, {2, width - 3}, {width / 2, width}, {3, 5}, {7, 9}, {8, 16}} {
			j0, j1 := r[0], min(r[1], width)
			if j0 < 0 || j0 >= j1 {
				continue
			}
			for _, ks := range []kernelSet{avx2Kernels, avx512Kernels} {
				if ks > bestKernels || !rowMovesWith(ks, width) {
					continue
				}
				ran++
				// The image's rows are lds apart with room on both sides;
				// off puts column j of a row at image column off+j.
				lds, ldd, off := width+6, width+3, 2-j0
				base := 3 + j0 // the first image element read, src[base+off+j0] ≥ 3
				img := make([]float32, base+n*lds+8)
				for i := range img {
					img[i] = float32(rng.IntN(100))
				}
				cols := make([]float32, n*ldd)
				for i := range cols {
					cols[i] = sentinel
				}
				im2colRowsWith(ks, n, cols, ldd, img[base:], lds, off, j0, j1, width)
				for r := range n {
					for j := range ldd {
						want := float32(sentinel)
						if j < width {
							want = 0
						}
						if j0 <= j && j < j1 {
							want = img[base+r*lds+off+j]
						}
						if got := cols[r*ldd+j]; got != want {
							t.Fatalf("im2col kernels %d width %d [%d, %d): row %d column %d = %v, want %v", ks, width, j0, j1, r, j, got, want)
						}
					}
				}
				src := make([]float32, n*width)
				for i := range src {
					src[i] = float32(rng.IntN(100))
				}
				want := append([]float32(nil), img...)
				for r := range n {
					for j := j0; j < j1; j++ {
						want[base+r*lds+off+j] += src[r*width+j]
					}
				}
				col2imRowsWith(ks, n, img[base:], lds, off, src, width, j0, j1, width)
				for i := range img {
					if img[i] != want[i] {
						t.Fatalf("col2im kernels %d width %d [%d, %d): image element %d = %v, want %v", ks, width, j0, j1, i, img[i], want[i])
					}
				}
			}
		}
	}
	if ran == 0 {
		t.Skip("no assembly row moves on this CPU")
	}
}
