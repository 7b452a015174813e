package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/seed812a03d2/backprop/tensor"
)

// Fans returns the fan-in and fan-out of a weight of the given shape, as
// PyTorch computes them: for [out in] they are in and out; for a
// convolution's [out in/groups kH kW] both are multiplied by the kernel's
// size kH·kW. A vector's fans are both its size.
func Fans(shape tensor.Shape) (in, out int) {
	switch len(shape) {
	case 0:
		return 1, 1
	case 1:
		return shape[0], shape[0]
	}
	field := 1
	for _, s := range shape[2:] {
		field *= s
	}
	return shape[1] * field, shape[0] * field
}

// Gain returns the recommended gain of an activation, as PyTorch's
// calculate_gain: 1 for "linear", "sigmoid" and "conv"; 5/3 for "tanh";
// √2 for "relu"; √(2/(1 + slope²)) for "leaky_relu" with the given
// negative slope; 3/4 for "selu". It panics for other names.
func Gain(activation string, slope float64) float64 {
	switch activation {
	case "linear", "sigmoid", "conv":
		return 1
	case "tanh":
		return 5.0 / 3
	case "relu":
		return math.Sqrt2
	case "leaky_relu":
		return math.Sqrt(2 / (1 + slope*slope))
	case "selu":
		return 0.75
	}
	panic(fmt.Errorf("nn: Gain: unknown activation %q", activation))
}

// XavierUniform returns a tensor of the shape drawn from U(-a, a) with
// a = gain·√(6/(fan_in + fan_out)) (Glorot and Bengio, 2010), as PyTorch's
// xavier_uniform_.
func XavierUniform(rng *rand.Rand, dtype tensor.DType, gain float64, shape ...int) *tensor.Tensor {
	in, out := Fans(shape)
	a := gain * math.Sqrt(6/float64(in+out))
	return tensor.RandUniform(rng, dtype, -a, a, shape...)
}

// XavierNormal returns a tensor of the shape drawn from N(0, σ²) with
// σ = gain·√(2/(fan_in + fan_out)), as PyTorch's xavier_normal_.
func XavierNormal(rng *rand.Rand, dtype tensor.DType, gain float64, shape ...int) *tensor.Tensor {
	in, out := Fans(shape)
	return tensor.RandNormal(rng, dtype, 0, gain*math.Sqrt(2/float64(in+out)), shape...)
}

// KaimingUniform returns a tensor of the shape drawn from U(-b, b) with
// b = gain·√(3/fan_in) (He et al., 2015), as PyTorch's kaiming_uniform_
// in its default mode fan_in. For ReLU the gain is Gain("relu", 0).
func KaimingUniform(rng *rand.Rand, dtype tensor.DType, gain float64, shape ...int) *tensor.Tensor {
	in, _ := Fans(shape)
	b := gain * math.Sqrt(3/float64(in))
	return tensor.RandUniform(rng, dtype, -b, b, shape...)
}

// KaimingNormal returns a tensor of the shape drawn from N(0, σ²) with
// σ = gain/√fan_in, as PyTorch's kaiming_normal_ in mode fan_in.
func KaimingNormal(rng *rand.Rand, dtype tensor.DType, gain float64, shape ...int) *tensor.Tensor {
	in, _ := Fans(shape)
	return tensor.RandNormal(rng, dtype, 0, gain/math.Sqrt(float64(in)), shape...)
}

// defaultWeight is PyTorch's default for the weights of Linear and
// Conv2d: kaiming_uniform_ with a = √5, which is U(-1/√fan_in, 1/√fan_in).
func defaultWeight(rng *rand.Rand, dtype tensor.DType, shape ...int) *tensor.Tensor {
	return KaimingUniform(rng, dtype, Gain("leaky_relu", math.Sqrt(5)), shape...)
}

// defaultBias is PyTorch's default for the biases of Linear and Conv2d:
// U(-1/√fan_in, 1/√fan_in) with the weight's fan-in.
func defaultBias(rng *rand.Rand, dtype tensor.DType, fanIn, n int) *tensor.Tensor {
	b := 1 / math.Sqrt(float64(fanIn))
	if fanIn == 0 {
		b = 0
	}
	return tensor.RandUniform(rng, dtype, -b, b, n)
}
