package tensor

// bestKernels is the best kernelSet that the CPU and the operating system
// support.
var bestKernels = detectCPU()

var (
	kernelAVX2F32 = kernel6x16F32
	kernelAVX2F64 = kernel6x8F64

	setKernelAVX2F32 = kernel6x16F32Set
	setKernelAVX2F64 = kernel6x8F64Set
	kernelAVX512F32  = kernel12x32F32
	kernelAVX512F64  = kernel12x16F64

	setKernelAVX512F32 = kernel12x32F32Set
	setKernelAVX512F64 = kernel12x16F64Set

	kernel8AVX512F32    = kernel8x32F32
	setKernel8AVX512F32 = kernel8x32F32Set
)

// kernel6x16F32 is the micro-kernel of gemm32 (see blocking.kernel) in
// AVX2 and FMA: twelve YMM accumulators hold the 6×16 tile.
//
//go:noescape
func kernel6x16F32(k int, a, b, c *float32, ldc int)

// kernel6x8F64 is the micro-kernel of gemm64 in AVX2 and FMA: twelve YMM
// accumulators hold the 6×8 tile.
//
//go:noescape
func kernel6x8F64(k int, a, b, c *float64, ldc int)

// kernel6x16F32Set and kernel6x8F64Set are kernel6x16F32 and kernel6x8F64
// storing the tile instead of adding it to c (see blocking.setKernel).
//
//go:noescape
func kernel6x16F32Set(k int, a, b, c *float32, ldc int)

//go:noescape
func kernel6x8F64Set(k int, a, b, c *float64, ldc int)

// kernel12x32F32 is the micro-kernel of gemm32 in AVX-512F: 24 ZMM
// accumulators hold the 12×32 tile.
//
//go:noescape
func kernel12x32F32(k int, a, b, c *float32, ldc int)

// kernel12x16F64 is the micro-kernel of gemm64 in AVX-512F: 24 ZMM
// accumulators hold the 12×16 tile.
//
//go:noescape
func kernel12x16F64(k int, a, b, c *float64, ldc int)

// kernel12x32F32Set and kernel12x16F64Set are kernel12x32F32 and
// kernel12x16F64 storing the tile instead of adding it to c (see
// blocking.setKernel).
//
//go:noescape
func kernel12x32F32Set(k int, a, b, c *float32, ldc int)

//go:noescape
func kernel12x16F64Set(k int, a, b, c *float64, ldc int)

// kernel8x32F32 and kernel8x32F32Set are kernel12x32F32 and
// kernel12x32F32Set for the first 8 rows of a 12-row panel of a (the edge
// panel of a batch of 128), writing c's 8 rows directly (see
// blocking.kernel8).
//
//go:noescape
func kernel8x32F32(k int, a, b, c *float32, ldc int)

//go:noescape
func kernel8x32F32Set(k int, a, b, c *float32, ldc int)

// transposeF32 writes, for each of n blocks of 16 columns of src (rows at
// a stride of lds), the columns of its first 4·groups rows as runs at a
// stride of ldd: dst[(16b+p)*ldd+i] = src[i*lds+16b+p] for b < n,
// i < 4·groups, p < 16. It needs AVX-512F; the packing of transposed
// operands runs on it (see blocking.transpose).
//
//go:noescape
func transposeF32(n, groups int, src *float32, lds int, dst *float32, ldd int)

// transposeAVX2F32 is transposeF32 in AVX2, for the CPUs without
// AVX-512F.
//
//go:noescape
func transposeAVX2F32(n, groups int, src *float32, lds int, dst *float32, ldd int)

// copyRowsAVX2F32 is copyRowsF32 in AVX2, for the CPUs without AVX-512:
// whole blocks of 8 elements, and the rest of a row under a mask.
//
//go:noescape
func copyRowsAVX2F32(n, w int, src *float32, lds int, dst *float32, mask uint32)

// copyRowsF32 packs n rows of w ≤ 32 elements of src (stride lds) one
// after another, dst[p*w+j] = src[p*lds+j], under the masks of mask's
// halves (bit j set for j < w). It needs AVX-512F; packing the operands
// that need no transposing runs on it (see blocking.copyRows).
//
//go:noescape
func copyRowsF32(n, w int, src *float32, lds int, dst *float32, mask uint32)

// fmaLoop32 runs n iterations of twelve independent 8-wide float32 FMAs,
// 192 floating-point operations each; benchmarks measure the peak with it.
func fmaLoop32(n int)

// fmaLoop64 is fmaLoop32 on 4-wide float64 FMAs, 96 operations each.
func fmaLoop64(n int)

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

func xgetbv() (eax, edx uint32)

func detectCPU() kernelSet {
	maxID, _, _, _ := cpuid(0, 0)
	if maxID < 7 {
		return goKernels
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const (
		fma     = 1 << 12
		osxsave = 1 << 27
		avx     = 1 << 28
	)
	if ecx1&(fma|osxsave|avx) != fma|osxsave|avx {
		return goKernels
	}
	// The OS must save the XMM and YMM state (XCR0 bits 1 and 2), and for
	// AVX-512 the opmask and ZMM state too (bits 5 to 7).
	xcr0, _ := xgetbv()
	if xcr0&6 != 6 {
		return goKernels
	}
	_, ebx7, _, _ := cpuid(7, 0)
	const (
		avx2    = 1 << 5
		avx512f = 1 << 16
	)
	switch {
	case ebx7&avx2 == 0:
		return goKernels
	case ebx7&avx512f == 0 || xcr0&0xe6 != 0xe6:
		return avx2Kernels
	}
	return avx512Kernels
}

// fmaLoop32AVX512 is fmaLoop32 on 16-wide AVX-512 FMAs, 384 operations
// each. It needs AVX-512F.
func fmaLoop32AVX512(n int)
