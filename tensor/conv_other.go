//go:build !amd64

package tensor

// Without assembly, im2col moves its rows with copy and loops and the
// max-pool runs in Go: rowMoves reports false, so the row functions are
// never called, and maxPool2x2Rows declines.

func rowMoves(width int) bool { return false }

func rowMovesWith(ks kernelSet, width int) bool { return false }

func im2colRowsF32(n int, dst []float32, ldd int, src []float32, lds, off, j0, j1, width int) {
	panic("tensor: im2colRowsF32 without assembly")
}

func im2colRowsWith(ks kernelSet, n int, dst []float32, ldd int, src []float32, lds, off, j0, j1, width int) {
	panic("tensor: im2colRowsWith without assembly")
}

func col2imRowsF32(n int, dst []float32, ldd, off int, src []float32, lds, j0, j1, width int) {
	panic("tensor: col2imRowsF32 without assembly")
}

func col2imRowsWith(ks kernelSet, n int, dst []float32, ldd, off int, src []float32, lds, j0, j1, width int) {
	panic("tensor: col2imRowsWith without assembly")
}

func maxPool2x2Rows(out []int, src []float32, w, ho, wo int) bool { return false }

func maxPool2x2With(ks kernelSet, out []int, src []float32, w, ho, wo int) bool { return false }
