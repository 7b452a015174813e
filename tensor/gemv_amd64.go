package tensor

// The matrix-vector kernels of gemv in assembly (gemv_amd64.s), in AVX2
// and FMA, and in AVX-512F.
var (
	dotRowsAVX2F32    = dotRowsAsm(dotRowsF32)
	dotRowsAVX2F64    = dotRowsAsm(dotRowsF64)
	axpyRowsAVX2F32   = axpyRowsAsm(axpyRowsF32)
	axpyRowsAVX2F64   = axpyRowsAsm(axpyRowsF64)
	dotRowsAVX512F32  = dotRowsAsm(dotRows512F32)
	dotRowsAVX512F64  = dotRowsAsm(dotRows512F64)
	axpyRowsAVX512F32 = axpyRowsAsm(axpyRows512F32)
	axpyRowsAVX512F64 = axpyRowsAsm(axpyRows512F64)
)

// axpyRowsBlock is the number of rows of x that one call of the axpyRows
// assembly adds, a column block at a time. With more rows each column
// block reads more streams at once than the prefetchers follow: a 1024×1024
// float64 product took 2.5 times as long with 64 rows as with 4.
const axpyRowsBlock = 4

// dotRowsF32 sets y[i*ldy] += Σ_p a[i*lda+p]·x[p] for i < m and p < k,
// with m, k ≥ 1.
//
//go:noescape
func dotRowsF32(m, k int, a *float32, lda int, x, y *float32, ldy int)

// dotRowsF64 is dotRowsF32 for float64.
//
//go:noescape
func dotRowsF64(m, k int, a *float64, lda int, x, y *float64, ldy int)

// axpyRowsF32 sets y[j] += Σ_p alpha[p]·x[p*ldx+j] for j < n and p < k,
// with n, k ≥ 1.
//
//go:noescape
func axpyRowsF32(n, k int, y, alpha, x *float32, ldx int)

// axpyRowsF64 is axpyRowsF32 for float64.
//
//go:noescape
func axpyRowsF64(n, k int, y, alpha, x *float64, ldx int)

// dotRowsF32, dotRowsF64, axpyRowsF32 and axpyRowsF64 in AVX-512F.
//
//go:noescape
func dotRows512F32(m, k int, a *float32, lda int, x, y *float32, ldy int)

//go:noescape
func dotRows512F64(m, k int, a *float64, lda int, x, y *float64, ldy int)

//go:noescape
func axpyRows512F32(n, k int, y, alpha, x *float32, ldx int)

//go:noescape
func axpyRows512F64(n, k int, y, alpha, x *float64, ldx int)

// dotRowsAsm returns dotRowsGo running the assembly f. It checks the
// slices, so that f cannot read or write past them.
func dotRowsAsm[T float](f func(m, k int, a *T, lda int, x, y *T, ldy int)) func(m, k int, a []T, lda int, x, y []T, ldy int) {
	return func(m, k int, a []T, lda int, x, y []T, ldy int) {
		if m == 0 || k == 0 {
			return
		}
		_, _, _ = a[(m-1)*lda+k-1], x[k-1], y[(m-1)*ldy]
		f(m, k, &a[0], lda, &x[0], &y[0], ldy)
	}
}

// axpyRowsAsm returns axpyRowsGo running the assembly f, axpyRowsBlock
// rows at a time, with the slices checked.
func axpyRowsAsm[T float](f func(n, k int, y, alpha, x *T, ldx int)) func(y, alpha, x []T, ldx int) {
	return func(y, alpha, x []T, ldx int) {
		n, k := len(y), len(alpha)
		if n == 0 || k == 0 {
			return
		}
		_ = x[(k-1)*ldx+n-1]
		for p := 0; p < k; p += axpyRowsBlock {
			f(n, min(axpyRowsBlock, k-p), &y[0], &alpha[p], &x[p*ldx], ldx)
		}
	}
}

// axpyF32 and axpyF64 set y += alpha·x with the best matrix-vector kernel
// the CPU has, on one row; len(x) ≥ len(y) ≥ 1. They call the assembly
// directly, so that alpha stays on the stack.
func axpyF32(alpha float32, x, y []float32) {
	switch bestKernels {
	case avx512Kernels:
		axpyRows512F32(len(y), 1, &y[0], &alpha, &x[0], len(y))
	case avx2Kernels:
		axpyRowsF32(len(y), 1, &y[0], &alpha, &x[0], len(y))
	default:
		axpy(y, alpha, x)
	}
}

func axpyF64(alpha float64, x, y []float64) {
	switch bestKernels {
	case avx512Kernels:
		axpyRows512F64(len(y), 1, &y[0], &alpha, &x[0], len(y))
	case avx2Kernels:
		axpyRowsF64(len(y), 1, &y[0], &alpha, &x[0], len(y))
	default:
		axpy(y, alpha, x)
	}
}
