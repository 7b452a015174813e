package tensor

import (
	"fmt"
	"math"
	"testing"
)

// BenchmarkGemmSmall compares the plain loops with the packed path on
// small square products, to place gemmSmall.
func BenchmarkGemmSmall(b *testing.B) {
	for _, s := range []int{4, 6, 8, 12, 16, 24, 32} {
		a, bb, c := make([]float32, s*s), make([]float32, s*s), make([]float32, s*s)
		for _, path := range []struct {
			name  string
			small int
		}{{"simple", math.MaxInt}, {"packed", 0}} {
			b.Run(fmt.Sprintf("%d/%s", s, path.name), func(b *testing.B) {
				old := gemmSmall
				gemmSmall = path.small
				defer func() { gemmSmall = old }()
				for b.Loop() {
					gemm(false, false, s, s, s, a, s, bb, s, c, s)
				}
			})
		}
	}
}
