package ops

import (
	"fmt"
	"math/rand/v2"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// Dropout zeroes each element of x with probability p and scales the rest
// by 1/(1 - p), so that the expectation is x's; the mask is drawn from rng,
// so a seeded rng gives the same mask. The mask is a constant of the
// graph: the gradient is the upstream one times the mask. p = 0 returns x
// itself; p = 1 gives zeros. Dropout is for training: at evaluation leave
// it out. It panics if p is outside [0, 1] or NaN, or rng is nil.
func Dropout(x ad.Node, p float64, rng *rand.Rand) ad.Node {
	if !(p >= 0 && p <= 1) {
		panic(fmt.Errorf("ops: Dropout: probability %v outside [0, 1]", p))
	}
	if rng == nil {
		panic(fmt.Errorf("ops: Dropout: nil rng"))
	}
	if p == 0 {
		return x
	}
	keep := 1 - p
	// The mask's storage is the graph's, recycled at Reset. Each element
	// is drawn as rng.Float64(), in order, as tensor.RandUniform draws.
	m := x.Graph().Tensor(x.DType(), x.Shape()...)
	if keep > 0 {
		scale := 1 / keep
		if m.DType() == tensor.Float32 {
			d := m.Float32s()
			for i := range d {
				if rng.Float64() < keep {
					d[i] = float32(scale)
				}
			}
		} else {
			d := m.Float64s()
			for i := range d {
				if rng.Float64() < keep {
					d[i] = scale
				}
			}
		}
	}
	return Mul(x, x.Graph().Const(m)) // drawn, not computed from x: a constant
}

// MaxWithIndex returns the largest elements of x along axis, as Max, with
// their positions (see tensor.ArgMax). The gradient is Max's: where
// several elements tie, they share it, while the index names the first.
func MaxWithIndex(x ad.Node, axis int) (ad.Node, *tensor.Index) {
	return Max(x, axis), ArgMax(x, axis)
}

// MinWithIndex returns the smallest elements of x along axis with their
// positions, as MaxWithIndex.
func MinWithIndex(x ad.Node, axis int) (ad.Node, *tensor.Index) {
	return Min(x, axis), ArgMin(x, axis)
}
