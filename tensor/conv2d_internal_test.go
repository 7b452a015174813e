package tensor

import (
	"fmt"
	"testing"
)

// TestConv2dSameBitsAnyThreads checks that the convolution and its
// adjoints give the same bits on one goroutine and split across 2 or 3:
// images run apart, and the filters' sums over images are chunked by the
// shapes alone.
func TestConv2dSameBitsAnyThreads(t *testing.T) {
	one := [2]int{1, 1}
	for _, c := range []struct {
		x, f   Shape
		win    Window
		groups int
	}{
		{Shape{13, 32, 14, 14}, Shape{64, 32, 3, 3}, Window{Kernel: [2]int{3, 3}, Stride: one, Padding: one, Dilation: one}, 1},
		{Shape{40, 1, 28, 28}, Shape{32, 1, 3, 3}, Window{Kernel: [2]int{3, 3}, Stride: one, Padding: one, Dilation: one}, 1},
		{Shape{7, 8, 9, 10}, Shape{12, 4, 3, 2}, Window{Kernel: [2]int{3, 2}, Stride: [2]int{2, 1}, Padding: [2]int{1, 0}, Dilation: [2]int{1, 2}}, 2},
	} {
		for _, d := range []DType{Float32, Float64} {
			x, f := specials(1, d, c.x...), specials(2, d, c.f...)
			ho, wo := c.win.Out(c.x[2], c.x[3])
			gy := specials(3, d, c.x[0], c.f[0], ho, wo)
			bias := specials(4, d, c.f[0])
			for _, workers := range []int{2, 3} {
				for name, fn := range map[string]func() *Tensor{
					"Conv2d":       func() *Tensor { return Conv2d(x, f, nil, c.win, c.groups) },
					"Conv2d bias":  func() *Tensor { return Conv2d(x, f, bias, c.win, c.groups) },
					"Conv2dInput":  func() *Tensor { return Conv2dInput(gy, f, c.win, c.groups, c.x[2], c.x[3]) },
					"Conv2dFilter": func() *Tensor { return Conv2dFilter(x, gy, c.win, c.groups) },
				} {
					serial, parallel := serialAndParallel(workers, func() *Tensor {
						// gemm's own split too, where a product is large.
						old := gemmWorkers
						defer func() { gemmWorkers = old }()
						gemmWorkers = parallelWorkers
						return fn()
					})
					if ok, why := sameBits(serial, parallel); !ok {
						t.Errorf("%s %v %v %v on %d goroutines: %s", name, c.x, c.f, d, workers, why)
					}
				}
			}
		}
	}
}

// TestFilterChunks checks that the chunks of images depend on the shapes
// alone and bound the memory of their sums.
func TestFilterChunks(t *testing.T) {
	for _, c := range []struct {
		g    convGeom
		want int
	}{
		{convGeom{n: 128, c: 32, o: 64, groups: 1, win: Window{Kernel: [2]int{3, 3}}}, 16},
		{convGeom{n: 5, c: 32, o: 64, groups: 1, win: Window{Kernel: [2]int{3, 3}}}, 5},
		{convGeom{n: 128, c: 512, o: 512, groups: 1, win: Window{Kernel: [2]int{3, 3}}}, 1},
		{convGeom{n: 128, c: 256, o: 256, groups: 1, win: Window{Kernel: [2]int{3, 3}}}, 7},
	} {
		if got := filterChunks(c.g); got != c.want {
			t.Errorf("%s: %d chunks, want %d", fmt.Sprint(c.g.n, c.g.c, c.g.o), got, c.want)
		}
	}
}
