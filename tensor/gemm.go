package tensor

import (
	"runtime"
	"sync"
	"unsafe"
)

// This file holds the general matrix multiply behind MatMul and its
// transposed variants, in the style of GotoBLAS and BLIS: c += op(a)·op(b)
// is cut into blocks that fit the caches, each block of op(a) and op(b) is
// packed into contiguous micro-panels, and a register-tiled micro-kernel
// (Go assembly where the CPU allows, see gemm_amd64.go; pure Go otherwise)
// computes one mr×nr tile of c at a time:
//
//	for jc in n, step nc:            the kc×nc block of op(b) stays in L3
//	  for pc in k, step kc:          pack op(b)[pc:pc+kc, jc:jc+nc]
//	    for ic in m, step mc:        pack op(a)[ic:ic+mc, pc:pc+kc] (L2)
//	      for jr in nc, step nr:     a kc×nr micro-panel of b stays in L1
//	        for ir in mc, step mr:   micro-kernel: c[ir:+mr, jr:+nr] += …
//
// Products below gemmSmall multiply-adds skip the packing and run a plain
// loop; products above gemmParallel split the larger of m and n across
// GOMAXPROCS goroutines.

// blocking is one element type's GEMM: the micro-kernel and its tile
// (mr×nr), and the cache blocks (kc, mc, nc; mc a multiple of mr, nc of
// nr).
type blocking[T float] struct {
	mr, nr     int
	kc, mc, nc int
	// kernel sets c[i*ldc+j] += Σ_p a[p*mr+i]·b[p*nr+j] for i < mr, j < nr
	// and p < k, on packed micro-panels a and b.
	kernel func(k int, a, b, c *T, ldc int)
	// setKernel, where there is one, is kernel storing the sum in c
	// instead of adding it: the first block of k of gemmSet, which then
	// neither zeroes c first nor reads it. Without one, gemmSet zeroes
	// each tile just before kernel adds into it.
	setKernel func(k int, a, b, c *T, ldc int)
	// kernel8 and setKernel8, where there are some, are kernel and
	// setKernel for an edge panel of exactly 8 of the mr = 12 rows (the
	// last of a batch of 128), writing c directly instead of through a
	// scratch tile.
	kernel8, setKernel8 func(k int, a, b, c *T, ldc int)
	// dotRows and axpyRows are gemv's kernels, for products with one row
	// or one column (see dotRowsGo and axpyRowsGo).
	dotRows  func(m, k int, a []T, lda int, x, y []T, ldy int)
	axpyRows func(y, alpha, x []T, ldx int)
	// transpose, where the CPU has one, writes n blocks of 16 columns of
	// the first 4·groups rows of src (stride lds) transposed, as runs at a
	// stride of ldd: dst[(16b+p)*ldd+i] = src[i*lds+16b+p]. Packing a
	// row-major op(a) or a transposed op(b) is such a transpose, which the
	// scalar loops do at a fifth of the speed.
	transpose func(n, groups int, src *T, lds int, dst *T, ldd int)
	// copyRows, where the CPU has one, packs n rows of w ≤ 32 elements of
	// src (stride lds) one after another, dst[p*w+j] = src[p*lds+j], with
	// mask's bit j set for j < w: the packing of the other operands, a
	// row of a micro-panel at a time, which copy does with a call each.
	copyRows func(n, w int, src *T, lds int, dst *T, mask uint32)
}

// gemm32 and gemm64 are the blockings in use, set by useKernels.
var (
	gemm32 blocking[float32]
	gemm64 blocking[float64]
)

// maxTile is the largest mr·nr of any blocking, the size of an edge tile's
// scratch buffer.
const maxTile = 12 * 32

// kernelSet names a family of micro-kernels.
type kernelSet int

const (
	goKernels     kernelSet = iota // pure Go, 6×16 and 6×8 tiles
	avx2Kernels                    // AVX2 and FMA, 6×16 and 6×8
	avx512Kernels                  // AVX-512F, 12×32 and 12×16
)

// useKernels selects the micro-kernels ks and their blocking, if the CPU
// has them (bestKernels is the best it has), and reports whether it did.
//
// The blocks are sized for AMD Zen 4 and 5 (32 or 48 KiB L1d, 1 MiB L2 per
// core): a kc×nr micro-panel of b plus an mr×kc one of a fit L1, an mc×kc
// block of a fits L2 with room to spare.
func useKernels(ks kernelSet) bool {
	if ks > bestKernels {
		return false
	}
	switch ks {
	case goKernels:
		gemm32 = blocking[float32]{mr: 6, nr: 16, kc: 256, mc: 240, nc: 4080, kernel: kernelGo32, setKernel: setKernelGo32,
			dotRows: dotRowsGo[float32], axpyRows: axpyRowsGo[float32]}
		gemm64 = blocking[float64]{mr: 6, nr: 8, kc: 256, mc: 120, nc: 2040, kernel: kernelGo64, setKernel: setKernelGo64,
			dotRows: dotRowsGo[float64], axpyRows: axpyRowsGo[float64]}
	case avx2Kernels:
		gemm32 = blocking[float32]{mr: 6, nr: 16, kc: 256, mc: 240, nc: 4080, kernel: kernelAVX2F32, setKernel: setKernelAVX2F32,
			dotRows: dotRowsAVX2F32, axpyRows: axpyRowsAVX2F32, transpose: transposeAVX2F32, copyRows: copyRowsAVX2F32}
		gemm64 = blocking[float64]{mr: 6, nr: 8, kc: 256, mc: 120, nc: 2040, kernel: kernelAVX2F64, setKernel: setKernelAVX2F64,
			dotRows: dotRowsAVX2F64, axpyRows: axpyRowsAVX2F64}
	case avx512Kernels:
		gemm32 = blocking[float32]{mr: 12, nr: 32, kc: 512, mc: 240, nc: 4096, kernel: kernelAVX512F32, setKernel: setKernelAVX512F32,
			kernel8: kernel8AVX512F32, setKernel8: setKernel8AVX512F32,
			dotRows: dotRowsAVX512F32, axpyRows: axpyRowsAVX512F32, transpose: transposeF32, copyRows: copyRowsF32}
		gemm64 = blocking[float64]{mr: 12, nr: 16, kc: 512, mc: 120, nc: 2048, kernel: kernelAVX512F64, setKernel: setKernelAVX512F64,
			dotRows: dotRowsAVX512F64, axpyRows: axpyRowsAVX512F64}
	}
	return true
}

func init() { useKernels(bestKernels) }

var (
	// gemmSmall is the number of multiply-adds (m·n·k) at or below which
	// gemm runs the plain loops: packing costs more than it saves there.
	gemmSmall = 512
	// gemmParallel is the number of multiply-adds at or above which gemm
	// splits the product across goroutines. Below 2²⁵ (a 322³ product)
	// waking a second goroutine and moving the result between cores cost
	// more than they save here: the MLP step of BENCHMARKS.md, whose
	// products have 2.5·10⁷ multiply-adds, took 2.1 ms on two threads at
	// 2¹⁹ and 1.5 ms at 2²⁵; 512³ and 1024³ scale the same at either.
	gemmParallel = 1 << 25
	// gemmWorkers, when positive, replaces GOMAXPROCS as the number of
	// goroutines for a parallel product. Tests set it.
	gemmWorkers = 0
)

// blockingFor returns the blocking for T.
func blockingFor[T float]() *blocking[T] {
	var z T
	switch any(z).(type) {
	case float32:
		return any(&gemm32).(*blocking[T])
	default:
		return any(&gemm64).(*blocking[T])
	}
}

// gemm sets c += op(a)·op(b) for row-major matrices: op(a) is m×k, either
// a itself (lda ≥ k elements per row) or, if transA, the transpose of the
// k×m matrix a (lda ≥ m); op(b) is k×n, b (ldb ≥ n) or, if transB, the
// transpose of the n×k matrix b (ldb ≥ k); c is m×n with ldc ≥ n. The
// slices start at the first element of each matrix.
func gemm[T float](transA, transB bool, m, n, k int, a []T, lda int, b []T, ldb int, c []T, ldc int) {
	gemmInto(false, transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
}

// gemmSet is gemm setting c = op(a)·op(b), whatever c held (a result
// taken from a Pool without zeroing it): the first block of k stores its
// tiles instead of adding them, which saves zeroing c and reading it.
func gemmSet[T float](transA, transB bool, m, n, k int, a []T, lda int, b []T, ldb int, c []T, ldc int) {
	gemmInto(true, transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
}

// gemmInto is gemm if !set and gemmSet if set.
func gemmInto[T float](set, transA, transB bool, m, n, k int, a []T, lda int, b []T, ldb int, c []T, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if set && (k == 0 || m*n*k <= gemmSmall || n == 1 || m == 1) {
		// The unblocked products add into c: zero it first. (set is
		// not assigned to: the closures below would then move it to the
		// heap.)
		for i := range m {
			clear(c[i*ldc:][:n])
		}
		gemmInto(false, transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
		return
	}
	if k == 0 {
		return
	}
	if m*n*k <= gemmSmall {
		gemmSimple(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
		return
	}
	if n == 1 || m == 1 {
		gemv(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
		return
	}
	bl := blockingFor[T]()
	// The transposed product has m ≥ nr/2 columns, so it is not skinny
	// again.
	if set && 2*n < bl.nr && m >= 2*bl.mr && 2*m >= bl.nr {
		gemmSkinny(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
		return
	}
	w := gemmWorkers
	if w <= 0 {
		w = runtime.GOMAXPROCS(0)
	}
	if w <= 1 || float64(m)*float64(n)*float64(k) < float64(gemmParallel) {
		gemmBlocked(bl, set, transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
		return
	}
	// Split the larger of m and n, so that each goroutine packs all of the
	// smaller operand and its share of the larger one.
	var wg sync.WaitGroup
	if m >= n {
		chunk := roundUp(ceilDiv(m, w), bl.mr)
		for i0 := 0; i0 < m; i0 += chunk {
			mi := min(chunk, m-i0)
			aoff := i0 * lda
			if transA {
				aoff = i0
			}
			run := func() { gemmBlocked(bl, set, transA, transB, mi, n, k, a[aoff:], lda, b, ldb, c[i0*ldc:], ldc) }
			if i0+mi == m {
				run()
			} else {
				wg.Go(run)
			}
		}
	} else {
		chunk := roundUp(ceilDiv(n, w), bl.nr)
		for j0 := 0; j0 < n; j0 += chunk {
			nj := min(chunk, n-j0)
			boff := j0
			if transB {
				boff = j0 * ldb
			}
			run := func() { gemmBlocked(bl, set, transA, transB, m, nj, k, a, lda, b[boff:], ldb, c[j0:], ldc) }
			if j0+nj == n {
				run()
			} else {
				wg.Go(run)
			}
		}
	}
	wg.Wait()
}

// gemmSkinny is gemmSet for a product with fewer columns than half a
// tile's and at least two tiles' rows (a layer's ten outputs, a 3×3
// filter's nine weights): it computes the transpose, Cᵀ = op(b)ᵀ·op(a)ᵀ,
// into scratch and moves it into c, so that the few columns fill rows of
// tiles (mr of them) instead of wasting most of each tile's nr columns.
// Every element is summed over k in the same order as by the direct
// product, so the results are the same bit for bit.
func gemmSkinny[T float](transA, transB bool, m, n, k int, a []T, lda int, b []T, ldb int, c []T, ldc int) {
	buf := takeScratch[T]()
	defer scratchPool[T]().Put(buf)
	t := scratchOf(buf, n*m)
	gemmInto(true, !transB, !transA, n, m, k, b, ldb, a, lda, t, m)
	for i := range m {
		ci := c[i*ldc:][:n]
		for j := range ci {
			ci[j] = t[j*m+i]
		}
	}
}

var (
	scratchPool32 sync.Pool
	scratchPool64 sync.Pool
)

func scratchPool[T float]() *sync.Pool { return poolOf[T](&scratchPool32, &scratchPool64) }

// takeScratch returns a scratch slice from the pool, for the caller to
// put back.
func takeScratch[T float]() *[]T {
	buf, _ := scratchPool[T]().Get().(*[]T)
	if buf == nil {
		buf = new([]T)
	}
	return buf
}

// scratchOf returns n elements of the pooled scratch buf, its contents
// unspecified, growing it if it is shorter.
func scratchOf[T float](buf *[]T, n int) []T {
	if cap(*buf) < n {
		*buf = make([]T, n)
	}
	return (*buf)[:n]
}

func ceilDiv(x, y int) int { return (x + y - 1) / y }
func roundUp(x, y int) int { return ceilDiv(x, y) * y }

// evenBlock returns the block size at most max that cuts n into the
// fewest, most even blocks, rounded up to a multiple of unit.
func evenBlock(n, max, unit int) int {
	if n <= max {
		return roundUp(n, unit)
	}
	return min(max, roundUp(ceilDiv(n, ceilDiv(n, max)), unit))
}

// packBuf holds one goroutine's packed blocks.
type packBuf[T float] struct {
	a, b []T
	tile [maxTile]T // an edge tile of c
}

var (
	packPool32 sync.Pool
	packPool64 sync.Pool
)

func packPool[T float]() *sync.Pool { return poolOf[T](&packPool32, &packPool64) }

// poolOf returns p32 for float32 and p64 for float64.
func poolOf[T float](p32, p64 *sync.Pool) *sync.Pool {
	var z T
	if _, ok := any(z).(float32); ok {
		return p32
	}
	return p64
}

// takePackBuf returns a packBuf from the pool, for the caller to put
// back.
func takePackBuf[T float]() *packBuf[T] {
	buf, _ := packPool[T]().Get().(*packBuf[T])
	if buf == nil {
		buf = new(packBuf[T])
	}
	return buf
}

// blocks returns the sizes of the blocks along k, m and n that gemm cuts
// an m×n×k product into: the fewest, most even blocks of at most kc, mc
// and nc.
func (bl *blocking[T]) blocks(m, n, k int) (kc, mc, nc int) {
	return evenBlock(k, bl.kc, 1), evenBlock(m, bl.mc, bl.mr), evenBlock(n, bl.nc, bl.nr)
}

// aligned returns a slice of n elements from s starting at a 64-byte
// boundary, reallocating s if it is too short.
func aligned[T float](s *[]T, n int) []T {
	var z T
	pad := 64 / int(unsafe.Sizeof(z))
	if cap(*s) < n+pad {
		*s = make([]T, n+pad)
	}
	buf := (*s)[:cap(*s)]
	off := int(uintptr(unsafe.Pointer(&buf[0]))%64) / int(unsafe.Sizeof(z))
	if off != 0 {
		off = pad - off
	}
	return buf[off : off+n]
}

// gemmBlocked is gemmInto on one goroutine, with packing.
func gemmBlocked[T float](bl *blocking[T], set, transA, transB bool, m, n, k int, a []T, lda int, b []T, ldb int, c []T, ldc int) {
	mr, nr := bl.mr, bl.nr
	kc, mc, nc := bl.blocks(m, n, k)
	buf := takePackBuf[T]()
	defer packPool[T]().Put(buf)
	ap := aligned(&buf.a, mc*kc)
	bp := aligned(&buf.b, nc*kc)

	for jc := 0; jc < n; jc += nc {
		ncc := min(nc, n-jc)
		for pc := 0; pc < k; pc += kc {
			kcc := min(kc, k-pc)
			packB(nr, bl, transB, kcc, ncc, b, ldb, pc, jc, bp)
			for ic := 0; ic < m; ic += mc {
				mcc := min(mc, m-ic)
				packA(mr, bl, transA, mcc, kcc, a, lda, ic, pc, ap)
				macroKernel(bl, set && pc == 0, mcc, ncc, kcc, ap, bp, c[ic*ldc+jc:], ldc, &buf.tile)
			}
		}
	}
}

// sharesPacking reports whether gemmSharedA runs a batch of m×n×k
// products: those that gemm would run blocked on one goroutine, whose
// packed op(a), every block of it, fits in a few of gemm's A blocks.
func sharesPacking[T float](m, n, k int) bool {
	bl := blockingFor[T]()
	return m*n*k > gemmSmall && n > 1 && m > 1 &&
		float64(m)*float64(n)*float64(k) < float64(gemmParallel) &&
		roundUp(m, bl.mr)*k <= 4*bl.mc*bl.kc
}

// gemmSharedA sets c_i = op(a)·op(b_i) for the products i in [lo, hi)
// of a batch that shares its first operand, where sharesPacking: the
// blocks of op(a) are packed once, not once per product (a convolution's
// filters, against each image's windows). product returns b_i and c_i,
// and done, if not nil, is called with i once c_i is complete. Each
// product is computed exactly as gemmBlocked computes it, so the results
// are those of gemmSet, bit for bit.
func gemmSharedA[T float](transA, transB bool, m, n, k int, a []T, lda, ldb, ldc, lo, hi int, product func(i int) (b, c []T), done func(i int)) {
	bl := blockingFor[T]()
	mr, nr := bl.mr, bl.nr
	kc, mc, nc := bl.blocks(m, n, k)
	buf := takePackBuf[T]()
	defer packPool[T]().Put(buf)
	// Block (pc, ic) of op(a) lies at pc·roundUp(m, mr) + ic·kcc.
	rows := roundUp(m, mr)
	ap := aligned(&buf.a, rows*k)
	for pc := 0; pc < k; pc += kc {
		kcc := min(kc, k-pc)
		for ic := 0; ic < m; ic += mc {
			packA(mr, bl, transA, min(mc, m-ic), kcc, a, lda, ic, pc, ap[pc*rows+ic*kcc:])
		}
	}
	bp := aligned(&buf.b, nc*kc)
	for i := lo; i < hi; i++ {
		b, c := product(i)
		for jc := 0; jc < n; jc += nc {
			ncc := min(nc, n-jc)
			for pc := 0; pc < k; pc += kc {
				kcc := min(kc, k-pc)
				packB(nr, bl, transB, kcc, ncc, b, ldb, pc, jc, bp)
				for ic := 0; ic < m; ic += mc {
					macroKernel(bl, pc == 0, min(mc, m-ic), ncc, kcc, ap[pc*rows+ic*kcc:], bp, c[ic*ldc+jc:], ldc, &buf.tile)
				}
			}
		}
		if done != nil {
			done(i)
		}
	}
}

// macroKernel sets c += ap·bp for a packed mc×kc block ap and kc×nc block
// bp, or c = ap·bp if set, one mr×nr tile at a time. Edge tiles go
// through a scratch tile, but for edge panels of 8 rows where there are
// 8-row kernels. With set, every path stores the sum of the block as the
// kernel accumulated it (a sum of products that all underflow to −0 stays
// −0), so that the results do not depend on which path a tile took.
func macroKernel[T float](bl *blocking[T], set bool, mc, nc, kc int, ap, bp, c []T, ldc int, tile *[maxTile]T) {
	mr, nr, kern := bl.mr, bl.nr, bl.kernel
	zero := false // zero each tile of c before kern adds into it
	if set {
		if bl.setKernel != nil {
			kern = bl.setKernel
		} else {
			zero = true
		}
	}
	tmp := tile         // edge tiles; in the pooled buffer, since the kernel's pointer makes a local escape
	kern8 := bl.kernel8 // for edge panels of 8 rows, if not nil
	if set {
		kern8 = bl.setKernel8
	}
	if mr != 12 {
		kern8 = nil // the 8-row kernels read panels of 12 rows
	}
	for jr := 0; jr < nc; jr += nr {
		nrr := min(nr, nc-jr)
		b := &bp[jr*kc]
		for ir := 0; ir < mc; ir += mr {
			mrr := min(mr, mc-ir)
			a := &ap[ir*kc]
			if mrr == mr && nrr == nr {
				// The whole tile lies inside c: its last element is
				// c[(ir+mr-1)*ldc+jr+nr-1].
				_ = c[(ir+mr-1)*ldc+jr+nr-1]
				if zero {
					for i := range mr {
						clear(c[(ir+i)*ldc+jr:][:nr])
					}
				}
				kern(kc, a, b, &c[ir*ldc+jr], ldc)
				continue
			}
			if mrr == 8 && nrr == nr && kern8 != nil {
				_ = c[(ir+7)*ldc+jr+nr-1]
				kern8(kc, a, b, &c[ir*ldc+jr], ldc)
				continue
			}
			if set && bl.setKernel != nil {
				bl.setKernel(kc, a, b, &tmp[0], nr)
			} else {
				clear(tmp[:])
				bl.kernel(kc, a, b, &tmp[0], nr)
			}
			for i := range mrr {
				ci := c[(ir+i)*ldc+jr:][:nrr]
				if set {
					copy(ci, tmp[i*nr:i*nr+nrr])
					continue
				}
				for j, v := range tmp[i*nr : i*nr+nrr] {
					ci[j] += v
				}
			}
		}
	}
}

// packA packs op(a)[ic:ic+mc, pc:pc+kc] into dst as micro-panels of mr
// rows: panel r holds, for each p, the mr elements op(a)[ic+r*mr+i, pc+p],
// zero-padded past the last row, with bl's assembly where it has some.
func packA[T float](mr int, bl *blocking[T], trans bool, mc, kc int, a []T, lda, ic, pc int, dst []T) {
	tr, cp := bl.transpose, bl.copyRows
	for ir := 0; ir < mc; ir += mr {
		mrr := min(mr, mc-ir)
		d := dst[ir*kc : (ir+mr)*kc]
		switch {
		case !trans && tr != nil && mrr%4 == 0 && kc >= 16:
			// An edge panel too (the last 8 rows of a batch of 128): its
			// runs are mr apart, their ends zeroed below.
			packTransposed(tr, mrr, mr, kc, a[(ic+ir)*lda+pc:], lda, d)
		case trans && cp != nil && mrr == mr:
			packRows(cp, mr, kc, a[pc*lda+ic+ir:], lda, d)
		case trans:
			// op(a)[i, p] = a[p*lda+i]: each p is a contiguous run.
			for p := range kc {
				copy(d[p*mr:p*mr+mrr], a[(pc+p)*lda+ic+ir:][:mrr])
			}
		case mrr == mr && mr%6 == 0:
			// Six rows at a time, read in step and written in runs of six.
			for i0 := 0; i0 < mr; i0 += 6 {
				r0 := a[(ic+ir+i0)*lda+pc:][:kc]
				r1 := a[(ic+ir+i0+1)*lda+pc:][:kc]
				r2 := a[(ic+ir+i0+2)*lda+pc:][:kc]
				r3 := a[(ic+ir+i0+3)*lda+pc:][:kc]
				r4 := a[(ic+ir+i0+4)*lda+pc:][:kc]
				r5 := a[(ic+ir+i0+5)*lda+pc:][:kc]
				for p := range kc {
					q := (*[6]T)(d[p*mr+i0:])
					q[0], q[1], q[2], q[3], q[4], q[5] = r0[p], r1[p], r2[p], r3[p], r4[p], r5[p]
				}
			}
		default:
			for i := range mrr {
				for p, v := range a[(ic+ir+i)*lda+pc:][:kc] {
					d[p*mr+i] = v
				}
			}
		}
		if mrr < mr {
			for p := range kc {
				clear(d[p*mr+mrr : p*mr+mr])
			}
		}
	}
}

// packTransposed packs a micro-panel from the transpose of its source:
// d[p*ldd+i] = src[i*lds+p] for i < rows (a multiple of 4, at most ldd)
// and p < kc (≥ 16), with tr (blocking.transpose) on 16 columns a block
// and the last kc%16 in the loop.
func packTransposed[T float](tr func(n, groups int, src *T, lds int, dst *T, ldd int), rows, ldd, kc int, src []T, lds int, d []T) {
	blocks := kc / 16
	_, _ = src[(rows-1)*lds+kc-1], d[(kc-1)*ldd+rows-1]
	tr(blocks, rows/4, &src[0], lds, &d[0], ldd)
	for i := range rows {
		for p, v := range src[i*lds+blocks*16:][:kc-blocks*16] {
			d[(blocks*16+p)*ldd+i] = v
		}
	}
}

// packRows packs a micro-panel whose rows lie in its source as runs:
// d[p*w+j] = src[p*lds+j] for j < w ≤ 32 and p < kc, with cp
// (blocking.copyRows).
func packRows[T float](cp func(n, w int, src *T, lds int, dst *T, mask uint32), w, kc int, src []T, lds int, d []T) {
	_, _ = src[(kc-1)*lds+w-1], d[w*kc-1]
	cp(kc, w, &src[0], lds, &d[0], uint32(1)<<w-1)
}

// packB packs op(b)[pc:pc+kc, jc:jc+nc] into dst as micro-panels of nr
// columns: panel r holds, for each p, the nr elements op(b)[pc+p,
// jc+r*nr+j], zero-padded past the last column, with bl's assembly where
// it has some.
func packB[T float](nr int, bl *blocking[T], trans bool, kc, nc int, b []T, ldb, pc, jc int, dst []T) {
	tr, cp := bl.transpose, bl.copyRows
	for jr := 0; jr < nc; jr += nr {
		nrr := min(nr, nc-jr)
		d := dst[jr*kc : (jr+nr)*kc]
		switch {
		case trans && tr != nil && nrr == nr && nr%4 == 0 && kc >= 16:
			packTransposed(tr, nr, nr, kc, b[(jc+jr)*ldb+pc:], ldb, d)
		case trans && nrr == nr && nr%8 == 0:
			// op(b)[p, j] = b[j*ldb+p]: eight columns at a time, read in
			// step and written in runs of eight.
			for j0 := 0; j0 < nr; j0 += 8 {
				r0 := b[(jc+jr+j0)*ldb+pc:][:kc]
				r1 := b[(jc+jr+j0+1)*ldb+pc:][:kc]
				r2 := b[(jc+jr+j0+2)*ldb+pc:][:kc]
				r3 := b[(jc+jr+j0+3)*ldb+pc:][:kc]
				r4 := b[(jc+jr+j0+4)*ldb+pc:][:kc]
				r5 := b[(jc+jr+j0+5)*ldb+pc:][:kc]
				r6 := b[(jc+jr+j0+6)*ldb+pc:][:kc]
				r7 := b[(jc+jr+j0+7)*ldb+pc:][:kc]
				for p := range kc {
					q := (*[8]T)(d[p*nr+j0:])
					q[0], q[1], q[2], q[3] = r0[p], r1[p], r2[p], r3[p]
					q[4], q[5], q[6], q[7] = r4[p], r5[p], r6[p], r7[p]
				}
			}
		case trans:
			for j := range nrr {
				for p, v := range b[(jc+jr+j)*ldb+pc:][:kc] {
					d[p*nr+j] = v
				}
			}
		case !trans && cp != nil && nrr == nr:
			packRows(cp, nr, kc, b[pc*ldb+jc+jr:], ldb, d)
		case nrr == 32 && nr == 32:
			for p := range kc {
				*(*[32]T)(d[p*32:]) = *(*[32]T)(b[(pc+p)*ldb+jc+jr:])
			}
		case nrr == 16 && nr == 16:
			for p := range kc {
				*(*[16]T)(d[p*16:]) = *(*[16]T)(b[(pc+p)*ldb+jc+jr:])
			}
		case nrr == 8 && nr == 8:
			for p := range kc {
				*(*[8]T)(d[p*8:]) = *(*[8]T)(b[(pc+p)*ldb+jc+jr:])
			}
		default:
			for p := range kc {
				copy(d[p*nr:p*nr+nrr], b[(pc+p)*ldb+jc+jr:][:nrr])
			}
		}
		if nrr < nr {
			for p := range kc {
				clear(d[p*nr+nrr : p*nr+nr])
			}
		}
	}
}

// gemv is gemm for a product with one column (n == 1) or one row
// (m == 1): a matrix-vector product, which packing would only slow down.
// It runs as dot products of contiguous rows, or as scaled additions of
// contiguous rows, whichever the layout gives.
func gemv[T float](transA, transB bool, m, n, k int, a []T, lda int, b []T, ldb int, c []T, ldc int) {
	bl := blockingFor[T]()
	if n == 1 {
		// c[i] += Σ_p op(a)[i, p]·v[p], with v the column of op(b).
		v := b[:k]
		if !transB && ldb != 1 {
			v = make([]T, k)
			for p := range v {
				v[p] = b[p*ldb]
			}
		}
		if !transA {
			bl.dotRows(m, k, a, lda, v, c, ldc)
			return
		}
		if ldc == 1 {
			bl.axpyRows(c[:m], v, a, lda)
			return
		}
		for p, vp := range v {
			for i, aip := range a[p*lda:][:m] {
				c[i*ldc] += vp * aip
			}
		}
		return
	}
	// m == 1: c[j] += Σ_p u[p]·op(b)[p, j], with u the row of op(a).
	u := a[:k]
	if transA && lda != 1 {
		u = make([]T, k)
		for p := range u {
			u[p] = a[p*lda]
		}
	}
	if transB {
		bl.dotRows(n, k, b, ldb, u, c, 1)
		return
	}
	bl.axpyRows(c[:n], u, b, ldb)
}

// dotRowsGo sets y[i*ldy] += a[i*lda:][:k]·x for i < m.
func dotRowsGo[T float](m, k int, a []T, lda int, x, y []T, ldy int) {
	for i := range m {
		y[i*ldy] += dot(a[i*lda:][:k], x)
	}
}

// axpyRowsGo sets y += Σ_p alpha[p]·x[p, :] for the rows of x (stride
// ldx), four rows a pass so that y is loaded and stored a quarter as
// often.
func axpyRowsGo[T float](y, alpha, x []T, ldx int) {
	n := len(y)
	p := 0
	for ; p+4 <= len(alpha); p += 4 {
		a0, a1, a2, a3 := alpha[p], alpha[p+1], alpha[p+2], alpha[p+3]
		x0 := x[p*ldx:][:n]
		x1 := x[(p+1)*ldx:][:n]
		x2 := x[(p+2)*ldx:][:n]
		x3 := x[(p+3)*ldx:][:n]
		for i := range y {
			y[i] += a0*x0[i] + a1*x1[i] + a2*x2[i] + a3*x3[i]
		}
	}
	for ; p < len(alpha); p++ {
		axpy(y, alpha[p], x[p*ldx:][:n])
	}
}

// dot returns x·y, with four partial sums for instruction-level
// parallelism.
func dot[T float](x, y []T) T {
	y = y[:len(x)]
	var s0, s1, s2, s3 T
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i] * y[i]
		s1 += x[i+1] * y[i+1]
		s2 += x[i+2] * y[i+2]
		s3 += x[i+3] * y[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// axpy sets y += alpha·x.
func axpy[T float](y []T, alpha T, x []T) {
	x = x[:len(y)]
	for i, v := range x {
		y[i] += alpha * v
	}
}

// gemmSimple is gemm without packing, for small products.
func gemmSimple[T float](transA, transB bool, m, n, k int, a []T, lda int, b []T, ldb int, c []T, ldc int) {
	switch {
	case !transA && !transB:
		// i-p-j: stream rows of b and c.
		for i := range m {
			ci := c[i*ldc:][:n]
			for p, aip := range a[i*lda:][:k] {
				for j, v := range b[p*ldb:][:n] {
					ci[j] += aip * v
				}
			}
		}
	case !transA && transB:
		// c[i, j] += a[i, :]·b[j, :].
		for i := range m {
			ai := a[i*lda:][:k]
			ci := c[i*ldc:][:n]
			for j := range ci {
				var s T
				for p, v := range b[j*ldb:][:k] {
					s += ai[p] * v
				}
				ci[j] += s
			}
		}
	case transA && !transB:
		// p-i-j: row p of a scales row p of b into each row of c.
		for p := range k {
			bp := b[p*ldb:][:n]
			for i, aip := range a[p*lda:][:m] {
				ci := c[i*ldc:][:n]
				for j, v := range bp {
					ci[j] += aip * v
				}
			}
		}
	default:
		for i := range m {
			ci := c[i*ldc:][:n]
			for j := range ci {
				var s T
				for p, v := range b[j*ldb:][:k] {
					s += a[p*lda+i] * v
				}
				ci[j] += s
			}
		}
	}
}

// kernelGo is the pure-Go micro-kernel for an mr×nr tile (mr even, nr a
// multiple of 4): blocks of 2×4 accumulators in registers. It adds the
// tile to c, or stores it there if set.
func kernelGo[T float](set bool, mr, nr, k int, a, b, c []T, ldc int) {
	for i := 0; i < mr; i += 2 {
		for j := 0; j < nr; j += 4 {
			var c00, c01, c02, c03, c10, c11, c12, c13 T
			for p := range k {
				a0, a1 := a[p*mr+i], a[p*mr+i+1]
				bp := (*[4]T)(b[p*nr+j:])
				b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
				c00 += a0 * b0
				c01 += a0 * b1
				c02 += a0 * b2
				c03 += a0 * b3
				c10 += a1 * b0
				c11 += a1 * b1
				c12 += a1 * b2
				c13 += a1 * b3
			}
			r0 := (*[4]T)(c[i*ldc+j:])
			r1 := (*[4]T)(c[(i+1)*ldc+j:])
			if set {
				*r0 = [4]T{c00, c01, c02, c03}
				*r1 = [4]T{c10, c11, c12, c13}
				continue
			}
			r0[0] += c00
			r0[1] += c01
			r0[2] += c02
			r0[3] += c03
			r1[0] += c10
			r1[1] += c11
			r1[2] += c12
			r1[3] += c13
		}
	}
}

func kernelGo32(k int, a, b, c *float32, ldc int) {
	kernelGo(false, 6, 16, k, unsafe.Slice(a, 6*k), unsafe.Slice(b, 16*k), unsafe.Slice(c, 5*ldc+16), ldc)
}

func kernelGo64(k int, a, b, c *float64, ldc int) {
	kernelGo(false, 6, 8, k, unsafe.Slice(a, 6*k), unsafe.Slice(b, 8*k), unsafe.Slice(c, 5*ldc+8), ldc)
}

func setKernelGo32(k int, a, b, c *float32, ldc int) {
	kernelGo(true, 6, 16, k, unsafe.Slice(a, 6*k), unsafe.Slice(b, 16*k), unsafe.Slice(c, 5*ldc+16), ldc)
}

func setKernelGo64(k int, a, b, c *float64, ldc int) {
	kernelGo(true, 6, 8, k, unsafe.Slice(a, 6*k), unsafe.Slice(b, 8*k), unsafe.Slice(c, 5*ldc+8), ldc)
}
