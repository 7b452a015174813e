package tensor

// The row moves of im2col and col2im in AVX-512F (conv_amd64.s): a row of
// up to 32 elements moves in two masked registers, its padding zeroed by
// the mask, instead of a copy and two clears, or a loop of additions.

// im2colRows512F32 sets dst[r*ldd+j] = src[r*lds+off+j] for r < n and the
// j where lmask has bit j, and 0 for the other j where smask has it.
//
//go:noescape
func im2colRows512F32(n int, dst *float32, ldd int, src *float32, lds, off int, lmask, smask uint32)

// col2imRows512F32 sets dst[r*ldd+off+j] += src[r*lds+j] for r < n and
// the j where mask has bit j.
//
//go:noescape
func col2imRows512F32(n int, dst *float32, ldd, off int, src *float32, lds int, mask uint32)

// im2colRowsAVX2F32 is im2colRows512F32 in AVX2 for 8 ≤ width: the
// columns [j0, j1) are loaded, the width columns stored.
//
//go:noescape
func im2colRowsAVX2F32(n int, dst *float32, ldd int, src *float32, lds, off, j0, j1, width int)

// col2imRowsAVX2F32 is col2imRows512F32 in AVX2 for j1 ≤ width and 8 ≤
// width, the width of src's rows.
//
//go:noescape
func col2imRowsAVX2F32(n int, dst *float32, ldd, off int, src *float32, lds, j0, j1, width int)

// rowMoves reports whether im2colRowsF32 and col2imRowsF32 run on this
// CPU for rows of width columns: up to 32 of them, and with AVX2 alone at
// least 8.
func rowMoves(width int) bool { return rowMovesWith(bestKernels, width) }

func rowMovesWith(ks kernelSet, width int) bool {
	switch {
	case ks >= avx512Kernels:
		return 0 < width && width <= 32
	case ks >= avx2Kernels:
		return 8 <= width && width <= 32
	}
	return false
}

// im2colRowsF32 sets dst[r*ldd+j] = src[r*lds+off+j] for r < n and j in
// [j0, j1), and 0 for the other j < width, where rowMoves(width).
func im2colRowsF32(n int, dst []float32, ldd int, src []float32, lds, off, j0, j1, width int) {
	im2colRowsWith(bestKernels, n, dst, ldd, src, lds, off, j0, j1, width)
}

// im2colRowsWith is im2colRowsF32 with the kernels of ks, where
// rowMovesWith(ks, width).
func im2colRowsWith(ks kernelSet, n int, dst []float32, ldd int, src []float32, lds, off, j0, j1, width int) {
	_, _ = dst[(n-1)*ldd+width-1], src[(n-1)*lds+off+j1-1]
	_ = src[off+j0]
	if ks >= avx512Kernels {
		im2colRows512F32(n, &dst[0], ldd, &src[0], lds, off, bitRange(j0, j1), bitRange(0, width))
	} else {
		im2colRowsAVX2F32(n, &dst[0], ldd, &src[0], lds, off, j0, j1, width)
	}
}

// col2imRowsF32 sets dst[r*ldd+off+j] += src[r*lds+j] for r < n and j in
// [j0, j1), j1 ≤ width, where rowMoves(width) and src's rows have width
// columns.
func col2imRowsF32(n int, dst []float32, ldd, off int, src []float32, lds, j0, j1, width int) {
	col2imRowsWith(bestKernels, n, dst, ldd, off, src, lds, j0, j1, width)
}

// col2imRowsWith is col2imRowsF32 with the kernels of ks, where
// rowMovesWith(ks, width).
func col2imRowsWith(ks kernelSet, n int, dst []float32, ldd, off int, src []float32, lds, j0, j1, width int) {
	_, _ = dst[(n-1)*ldd+off+j1-1], src[(n-1)*lds+width-1]
	_ = dst[off+j0]
	if ks >= avx512Kernels {
		col2imRows512F32(n, &dst[0], ldd, off, &src[0], lds, bitRange(j0, j1))
	} else {
		col2imRowsAVX2F32(n, &dst[0], ldd, off, &src[0], lds, j0, j1, width)
	}
}

// bitRange returns the bits j0 to j1-1 set, for 0 ≤ j0 ≤ j1 ≤ 32.
func bitRange(j0, j1 int) uint32 { return uint32(uint64(1)<<j1-1) &^ uint32(uint64(1)<<j0-1) }

// maxPool2x2F32 is maxPool2x2 of one plane of ho rows of windows, each row
// full blocks of 16 windows and a last one of tail windows (inputs masked
// by tailIn, outputs by tailOut).
//
//go:noescape
func maxPool2x2F32(ho, w int, src *float32, out *int, full int, tailIn, tailOut uint32, tail int)

// maxPool2x2Rows is maxPool2x2 for float32 in assembly: in AVX-512, 16
// windows a step, or in AVX2, 8 windows a step where a row has at least
// 8. Positions are computed in 32 bits, so the plane must have fewer than
// 2³¹ elements. It reports whether it ran.
func maxPool2x2Rows(out []int, src []float32, w, ho, wo int) bool {
	return maxPool2x2With(bestKernels, out, src, w, ho, wo)
}

// maxPool2x2With is maxPool2x2Rows with the kernels of ks, which the CPU
// must have.
func maxPool2x2With(ks kernelSet, out []int, src []float32, w, ho, wo int) bool {
	if ho == 0 || wo == 0 || 2*ho*w >= 1<<31 {
		return false
	}
	_, _ = out[ho*wo-1], src[(2*ho-1)*w+2*wo-1]
	switch {
	case ks >= avx512Kernels:
		full, tail := wo/16, wo%16
		maxPool2x2F32(ho, w, &src[0], &out[0], full, bitRange(0, 2*tail), bitRange(0, tail), tail)
	case ks >= avx2Kernels && wo >= 8:
		maxPool2x2AVX2F32(ho, w, &src[0], &out[0], wo)
	default:
		return false
	}
	return true
}

// maxPool2x2AVX2F32 is maxPool2x2 of one plane of ho rows of wo ≥ 8
// windows in AVX2, 8 windows a step.
//
//go:noescape
func maxPool2x2AVX2F32(ho, w int, src *float32, out *int, wo int)
