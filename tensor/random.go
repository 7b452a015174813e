package tensor

import "math/rand/v2"

// RandNormal returns a tensor of samples from the normal distribution with
// the given mean and standard deviation, drawn from rng. The same rng state
// gives the same tensor.
func RandNormal(rng *rand.Rand, dtype DType, mean, std float64, shape ...int) *Tensor {
	t := New(dtype, shape...)
	for i := range t.Size() {
		t.setFlat(i, mean+std*rng.NormFloat64())
	}
	return t
}

// RandUniform returns a tensor of samples from the uniform distribution on
// [lo, hi), drawn from rng.
func RandUniform(rng *rand.Rand, dtype DType, lo, hi float64, shape ...int) *Tensor {
	t := New(dtype, shape...)
	for i := range t.Size() {
		t.setFlat(i, lo+(hi-lo)*rng.Float64())
	}
	return t
}

// NewRand returns a random number generator seeded with seed, for use with
// RandNormal and RandUniform.
func NewRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}
