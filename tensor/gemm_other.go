//go:build !amd64

package tensor

// Without assembly kernels the pure-Go ones stand in.
var (
	haveAsmKernels = false
	asmKernel32    = kernelGo32
	asmKernel64    = kernelGo64
)
