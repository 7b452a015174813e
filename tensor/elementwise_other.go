//go:build !amd64

package tensor

// Without assembly the element-wise kernels are the Go loops: reluF32,
// reluGradF32, addF32 and addScalarF32 are reluLoop, reluGradLoop32 and
// plain loops.

// vectorKernels is the kernel set a test asks for; here there is one,
// the Go loops.
var vectorKernels = goKernels

func reluF32(dst, src []float32)      { reluLoop(dst, src) }
func reluGradF32(dst, g, x []float32) { reluGradLoop32(dst, g, x) }

func addF32(dst, x, y []float32) {
	x, y = x[:len(dst)], y[:len(dst)]
	for i := range dst {
		dst[i] = x[i] + y[i]
	}
}

func addScalarF32(dst, x []float32, b float32) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] = x[i] + b
	}
}
