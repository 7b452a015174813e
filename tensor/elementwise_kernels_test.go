package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestVectorKernels compares the assembly ReLU, its gradient and addition
// of every kernel set the CPU has with the Go loops bit for bit, on
// lengths that cross the 32- and 64-element steps and their tails, with
// zeros of both signs, infinities, NaNs and subnormals.
func TestVectorKernels(t *testing.T) {
	defer func() { vectorKernels = bestKernels }()
	for _, ks := range []kernelSet{goKernels, avx2Kernels, avx512Kernels} {
		if ks > bestKernels {
			continue
		}
		vectorKernels = ks
		testVectorKernels(t)
	}
}

func testVectorKernels(t *testing.T) {
	special := []float32{0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)),
		float32(math.NaN()), math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32, 1, -1}
	rng := rand.New(rand.NewPCG(1, 2))
	val := func() float32 {
		if rng.IntN(3) == 0 {
			return special[rng.IntN(len(special))]
		}
		return float32(rng.NormFloat64())
	}
	for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 48, 63, 64, 65, 127, 128, 196, 200, 784, 1000} {
		x, g := make([]float32, n), make([]float32, n)
		for i := range x {
			x[i], g[i] = val(), val()
		}
		got, want := make([]float32, n), make([]float32, n)
		reluF32(got, x)
		reluLoop(want, x)
		for i := range n {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("kernels %d, n=%d: relu(%v) = %v, want %v", vectorKernels, n, x[i], got[i], want[i])
			}
		}
		addF32(got, g, x)
		for i := range n {
			if want := g[i] + x[i]; math.Float32bits(got[i]) != math.Float32bits(want) && !(got[i] != got[i] && want != want) {
				t.Fatalf("kernels %d, n=%d: %v + %v = %v, want %v", vectorKernels, n, g[i], x[i], got[i], want)
			}
		}
		for _, b := range append(special, val()) {
			addScalarF32(got, x, b)
			for i := range n {
				if want := x[i] + b; math.Float32bits(got[i]) != math.Float32bits(want) && !(got[i] != got[i] && want != want) {
					t.Fatalf("kernels %d, n=%d: %v + %v = %v, want %v", vectorKernels, n, x[i], b, got[i], want)
				}
			}
		}
		reluGradF32(got, g, x)
		reluGradLoop32(want, g, x)
		for i := range n {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("kernels %d, n=%d: relu'(%v)·%v = %v, want %v", vectorKernels, n, x[i], g[i], got[i], want[i])
			}
		}
	}
}
