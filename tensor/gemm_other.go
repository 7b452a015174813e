//go:build !amd64

package tensor

// Without assembly kernels only the pure-Go ones run; the others stand in
// for the assembly ones in useKernels.
var (
	bestKernels     = goKernels
	kernelAVX2F32   = kernelGo32
	kernelAVX2F64   = kernelGo64
	kernelAVX512F32 = kernelGo32
	kernelAVX512F64 = kernelGo64

	setKernelAVX2F32   = setKernelGo32
	setKernelAVX2F64   = setKernelGo64
	setKernelAVX512F32 = setKernelGo32
	setKernelAVX512F64 = setKernelGo64

	kernel8AVX512F32    func(k int, a, b, c *float32, ldc int) // none: edge panels go through a scratch tile
	setKernel8AVX512F32 func(k int, a, b, c *float32, ldc int)

	copyRowsF32      func(n, w int, src *float32, lds int, dst *float32, mask uint32)  // none
	copyRowsAVX2F32  func(n, w int, src *float32, lds int, dst *float32, mask uint32)  // none
	transposeF32     func(n, groups int, src *float32, lds int, dst *float32, ldd int) // none: packing runs in Go
	transposeAVX2F32 func(n, groups int, src *float32, lds int, dst *float32, ldd int) // none
)

// Nor are there assembly matrix-vector kernels.
var (
	dotRowsAVX2F32  = dotRowsGo[float32]
	dotRowsAVX2F64  = dotRowsGo[float64]
	axpyRowsAVX2F32 = axpyRowsGo[float32]
	axpyRowsAVX2F64 = axpyRowsGo[float64]

	dotRowsAVX512F32  = dotRowsGo[float32]
	dotRowsAVX512F64  = dotRowsGo[float64]
	axpyRowsAVX512F32 = axpyRowsGo[float32]
	axpyRowsAVX512F64 = axpyRowsGo[float64]
)

// axpyF32 and axpyF64 are axpy without assembly.
func axpyF32(alpha float32, x, y []float32) { axpy(y, alpha, x) }
func axpyF64(alpha float64, x, y []float64) { axpy(y, alpha, x) }
