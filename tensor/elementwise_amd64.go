package tensor

// The element-wise kernels that the training step spends most time in, in
// AVX-512F assembly (elementwise_amd64.s), for float32.

// relu512F32 sets dst[i] = max(src[i], 0) for i < n, a multiple of 64,
// as reluLoop does (NaN stays NaN, -0 becomes +0).
//
//go:noescape
func relu512F32(n int, dst, src *float32)

// reluGrad512F32 sets dst[i] = grad[i] where x[i] > 0 and +0 elsewhere,
// for i < n, a multiple of 64, as reluGradLoop32 does.
//
//go:noescape
func reluGrad512F32(n int, dst, grad, x *float32)

// add512F32 sets dst[i] = x[i] + y[i] for i < n, a multiple of 64.
//
//go:noescape
func add512F32(n int, dst, x, y *float32)

// addScalar512F32 sets dst[i] = x[i] + b for i < n, a multiple of 16.
//
//go:noescape
func addScalar512F32(n int, dst, x *float32, b float32)

// reluAVX2F32, reluGradAVX2F32, addAVX2F32 and addScalarAVX2F32 are
// the kernels above in AVX2, 32 elements a step, for n a multiple of 32
// (addScalarAVX2F32: of 8).
//
//go:noescape
func reluAVX2F32(n int, dst, src *float32)

//go:noescape
func reluGradAVX2F32(n int, dst, grad, x *float32)

//go:noescape
func addAVX2F32(n int, dst, x, y *float32)

//go:noescape
func addScalarAVX2F32(n int, dst, x *float32, b float32)

// vectorKernels is the kernel set of the element-wise kernels below:
// bestKernels, but a test sets it to each set the CPU has.
var vectorKernels = bestKernels

// addScalarF32 sets dst[i] = x[i] + b, in AVX-512 64 elements a step and
// then 16, in AVX2 32 and then 8 (a bias added to a channel's pixels); x
// is at least as long as dst.
func addScalarF32(dst, x []float32, b float32) {
	x = x[:len(dst)]
	n := 0
	switch {
	case vectorKernels >= avx512Kernels:
		if n = len(dst) &^ 15; n > 0 {
			addScalar512F32(n, &dst[0], &x[0], b)
		}
	case vectorKernels >= avx2Kernels:
		if n = len(dst) &^ 7; n > 0 {
			addScalarAVX2F32(n, &dst[0], &x[0], b)
		}
	}
	for i := n; i < len(dst); i++ {
		dst[i] = x[i] + b
	}
}

// addF32 sets dst = x + y, 64 elements a step in AVX-512, 32 in AVX2; x
// and y are at least as long as dst.
func addF32(dst, x, y []float32) {
	x, y = x[:len(dst)], y[:len(dst)]
	n := 0
	switch {
	case vectorKernels >= avx512Kernels:
		if n = len(dst) &^ 63; n > 0 {
			add512F32(n, &dst[0], &x[0], &y[0])
		}
	case vectorKernels >= avx2Kernels:
		if n = len(dst) &^ 31; n > 0 {
			addAVX2F32(n, &dst[0], &x[0], &y[0])
		}
	}
	for i := n; i < len(dst); i++ {
		dst[i] = x[i] + y[i]
	}
}

// reluF32 is reluLoop for float32, 64 elements a step in AVX-512, 32 in
// AVX2.
func reluF32(dst, src []float32) {
	dst = dst[:len(src)]
	n := 0
	switch {
	case vectorKernels >= avx512Kernels:
		if n = len(src) &^ 63; n > 0 {
			relu512F32(n, &dst[0], &src[0])
		}
	case vectorKernels >= avx2Kernels:
		if n = len(src) &^ 31; n > 0 {
			reluAVX2F32(n, &dst[0], &src[0])
		}
	}
	reluLoop(dst[n:], src[n:])
}

// reluGradF32 is reluGradLoop32, 64 elements a step in AVX-512, 32 in
// AVX2.
func reluGradF32(dst, g, x []float32) {
	dst, x = dst[:len(g)], x[:len(g)]
	n := 0
	switch {
	case vectorKernels >= avx512Kernels:
		if n = len(g) &^ 63; n > 0 {
			reluGrad512F32(n, &dst[0], &g[0], &x[0])
		}
	case vectorKernels >= avx2Kernels:
		if n = len(g) &^ 31; n > 0 {
			reluGradAVX2F32(n, &dst[0], &g[0], &x[0])
		}
	}
	reluGradLoop32(dst[n:], g[n:], x[n:])
}
