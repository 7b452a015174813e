package tensor

import (
	"fmt"
	"slices"
	"testing"
)

// TestCopyStridedShapes compares copyStrided, which drops axes of size 1
// and merges axes whose strides allow it, with an element-by-element
// copy, for every permutation of the axes of shapes with axes of size 1,
// from row-major sources and from broadcast ones (stride 0).
func TestCopyStridedShapes(t *testing.T) {
	shapes := []Shape{{}, {1}, {5}, {256, 1}, {1, 7}, {3, 1, 4}, {2, 3, 4}, {1, 1, 1}, {2, 1, 3, 1, 2}}
	for _, s := range shapes {
		for _, perm := range permutations(len(s)) {
			for _, bcast := range []bool{false, true} {
				name := fmt.Sprintf("%v/perm=%v/broadcast=%v", s, perm, bcast)
				t.Run(name, func(t *testing.T) {
					n := s.Size()
					src := make([]float64, n+3)
					for i := range src {
						src[i] = float64(i + 1)
					}
					ss := rowStrides(s)
					if bcast {
						for a := range ss {
							if a%2 == 0 {
								ss[a] = 0
							}
						}
					}
					// Copy src, read in the order of the axes perm, to a
					// row-major dst of the permuted shape.
					ps := make(Shape, len(s))
					pss := make([]int, len(s))
					for i, p := range perm {
						ps[i], pss[i] = s[p], ss[p]
					}
					got := make([]float64, n+2)
					copyStrided(got, 1, rowStrides(ps), src, 2, pss, ps)
					want := make([]float64, n+2)
					idx := make([]int, len(ps))
					for i := range n {
						so := 2
						for a := range idx {
							so += idx[a] * pss[a]
						}
						want[1+i] = src[so]
						for a := len(idx) - 1; a >= 0; a-- {
							if idx[a]++; idx[a] < ps[a] {
								break
							}
							idx[a] = 0
						}
					}
					if !slices.Equal(got, want) {
						t.Errorf("copyStrided = %v; want %v", got, want)
					}
				})
			}
		}
	}
}

// permutations returns every permutation of 0, 1, …, n-1.
func permutations(n int) [][]int {
	if n == 0 {
		return [][]int{{}}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := slices.Insert(slices.Clone(p), i, n-1)
			out = append(out, q)
		}
	}
	return out
}
