package tensor_test

import (
	"testing"

	"github.com/seed812a03d2/backprop/tensor"
)

// The windows of the MNIST CNN's layers, batch 128, float32:
//
//	go test -run='^$' -bench='Im2Col|Col2Im|MaxPoolIndex' ./tensor
func BenchmarkIm2Col(b *testing.B) {
	x := tensor.RandUniform(tensor.NewRand(1), tensor.Float32, -1, 1, 128, 32, 14, 14)
	win := tensor.Window{Kernel: [2]int{3, 3}, Stride: [2]int{1, 1}, Padding: [2]int{1, 1}, Dilation: [2]int{1, 1}}
	for b.Loop() {
		tensor.Im2Col(x, win)
	}
}

func BenchmarkCol2Im(b *testing.B) {
	cols := tensor.RandUniform(tensor.NewRand(1), tensor.Float32, -1, 1, 128, 32, 9, 196)
	win := tensor.Window{Kernel: [2]int{3, 3}, Stride: [2]int{1, 1}, Padding: [2]int{1, 1}, Dilation: [2]int{1, 1}}
	for b.Loop() {
		tensor.Col2Im(cols, win, 14, 14)
	}
}

func BenchmarkMaxPoolIndex(b *testing.B) {
	x := tensor.RandUniform(tensor.NewRand(1), tensor.Float32, -1, 1, 128, 32, 28, 28)
	win := tensor.Window{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}, Dilation: [2]int{1, 1}}
	for b.Loop() {
		tensor.MaxPoolIndex(x, win)
	}
}
