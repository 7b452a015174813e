package tensor

// The matrix-vector kernels of gemv in AVX2 and FMA (gemv_amd64.s), used
// with both the AVX2 and the AVX-512 micro-kernels: a matrix-vector
// product streams its matrix once, so its speed is that of the loads,
// which 32-byte vectors already keep busy.
var (
	dotRowsAVX2F32  = dotRowsAsm32
	dotRowsAVX2F64  = dotRowsAsm64
	axpyRowsAVX2F32 = axpyRowsAsm32
	axpyRowsAVX2F64 = axpyRowsAsm64
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

// dotRowsAsm32 is dotRowsGo in assembly. The slices are checked here, so
// that the assembly cannot read or write past them.
func dotRowsAsm32(m, k int, a []float32, lda int, x, y []float32, ldy int) {
	if m == 0 || k == 0 {
		return
	}
	_, _, _ = a[(m-1)*lda+k-1], x[k-1], y[(m-1)*ldy]
	dotRowsF32(m, k, &a[0], lda, &x[0], &y[0], ldy)
}

// dotRowsAsm64 is dotRowsAsm32 for float64.
func dotRowsAsm64(m, k int, a []float64, lda int, x, y []float64, ldy int) {
	if m == 0 || k == 0 {
		return
	}
	_, _, _ = a[(m-1)*lda+k-1], x[k-1], y[(m-1)*ldy]
	dotRowsF64(m, k, &a[0], lda, &x[0], &y[0], ldy)
}

// axpyRowsAsm32 is axpyRowsGo in assembly, with the slices checked here.
func axpyRowsAsm32(y, alpha, x []float32, ldx int) {
	n, k := len(y), len(alpha)
	if n == 0 || k == 0 {
		return
	}
	_ = x[(k-1)*ldx+n-1]
	for p := 0; p < k; p += axpyRowsBlock {
		axpyRowsF32(n, min(axpyRowsBlock, k-p), &y[0], &alpha[p], &x[p*ldx], ldx)
	}
}

// axpyRowsAsm64 is axpyRowsAsm32 for float64.
func axpyRowsAsm64(y, alpha, x []float64, ldx int) {
	n, k := len(y), len(alpha)
	if n == 0 || k == 0 {
		return
	}
	_ = x[(k-1)*ldx+n-1]
	for p := 0; p < k; p += axpyRowsBlock {
		axpyRowsF64(n, min(axpyRowsBlock, k-p), &y[0], &alpha[p], &x[p*ldx], ldx)
	}
}
