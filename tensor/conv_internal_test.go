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
	for _, wo := range []int{1, 7, 14, 15, 16, 17, 31, 32, 33, 40} {
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
			got, want := make([]int, ho*wo), make([]int, ho*wo)
			if !maxPool2x2Rows(got, src, w, ho, wo) {
				t.Skip("no AVX-512")
			}
			maxPool2x2Go(want, src, w, ho, wo)
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("wo=%d w=%d: window %d at %d, want %d", wo, w, i, got[i], want[i])
				}
			}
		}
	}
}
