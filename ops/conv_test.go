package ops_test

import (
	"math"
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/adtest"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// conv2dNaive is the definition of PyTorch's conv2d, loop by loop.
func conv2dNaive(x, w *tensor.Tensor, o ops.Conv2dOptions) *tensor.Tensor {
	def := func(v, d int) int {
		if v == 0 {
			return d
		}
		return v
	}
	sh, sw := def(o.Stride[0], 1), def(o.Stride[1], 1)
	dh, dw := def(o.Dilation[0], 1), def(o.Dilation[1], 1)
	ph, pw := o.Padding[0], o.Padding[1]
	g := def(o.Groups, 1)
	xs, ws := x.Shape(), w.Shape()
	n, c, h, wd := xs[0], xs[1], xs[2], xs[3]
	oc, kh, kw := ws[0], ws[2], ws[3]
	ho := (h+2*ph-dh*(kh-1)-1)/sh + 1
	wo := (wd+2*pw-dw*(kw-1)-1)/sw + 1
	out := tensor.New(tensor.Float64, n, oc, ho, wo)
	cg, og := c/g, oc/g
	for b := range n {
		for f := range oc {
			grp := f / og
			for i := range ho {
				for j := range wo {
					s := 0.0
					for ci := range cg {
						for a := range kh {
							for e := range kw {
								y, z := i*sh+a*dh-ph, j*sw+e*dw-pw
								if y < 0 || y >= h || z < 0 || z >= wd {
									continue
								}
								s += x.At(b, grp*cg+ci, y, z) * w.At(f, ci, a, e)
							}
						}
					}
					out.Set(s, b, f, i, j)
				}
			}
		}
	}
	return out
}

func pool2dNaive(x *tensor.Tensor, o ops.Pool2dOptions, isMax bool) *tensor.Tensor {
	st := o.Stride
	if st == [2]int{} {
		st = o.Kernel
	}
	xs := x.Shape()
	ho := (xs[2]+2*o.Padding[0]-o.Kernel[0])/st[0] + 1
	wo := (xs[3]+2*o.Padding[1]-o.Kernel[1])/st[1] + 1
	out := tensor.New(tensor.Float64, xs[0], xs[1], ho, wo)
	for b := range xs[0] {
		for c := range xs[1] {
			for i := range ho {
				for j := range wo {
					best, sum := math.Inf(-1), 0.0
					for a := range o.Kernel[0] {
						for e := range o.Kernel[1] {
							y, z := i*st[0]+a-o.Padding[0], j*st[1]+e-o.Padding[1]
							v := math.Inf(-1)
							if y >= 0 && y < xs[2] && z >= 0 && z < xs[3] {
								v = x.At(b, c, y, z)
								sum += v
							}
							best = math.Max(best, v)
						}
					}
					if isMax {
						out.Set(best, b, c, i, j)
					} else {
						out.Set(sum/float64(o.Kernel[0]*o.Kernel[1]), b, c, i, j)
					}
				}
			}
		}
	}
	return out
}

func closeTo(a, b *tensor.Tensor) bool {
	if !a.Shape().Equal(b.Shape()) {
		return false
	}
	for i, v := range a.Data() {
		if math.Abs(v-b.Data()[i]) > 1e-12 {
			return false
		}
	}
	return true
}

func TestConv2dAndPools(t *testing.T) {
	convs := []struct {
		name   string
		x, w   []int
		opt    ops.Conv2dOptions
		second bool
	}{
		{"plain", []int{2, 3, 5, 5}, []int{4, 3, 3, 3}, ops.Conv2dOptions{}, true},
		{"stride and padding", []int{1, 2, 6, 5}, []int{3, 2, 3, 2}, ops.Conv2dOptions{Stride: [2]int{2, 1}, Padding: [2]int{1, 2}}, true},
		{"dilation", []int{1, 1, 7, 7}, []int{2, 1, 3, 3}, ops.Conv2dOptions{Dilation: [2]int{2, 3}}, true},
		{"groups", []int{2, 4, 4, 4}, []int{6, 2, 2, 2}, ops.Conv2dOptions{Groups: 2, Padding: [2]int{1, 1}}, true},
		{"depthwise", []int{1, 3, 4, 4}, []int{3, 1, 3, 3}, ops.Conv2dOptions{Groups: 3, Padding: [2]int{1, 1}}, false},
	}
	for i, c := range convs {
		t.Run("conv2d "+c.name, func(t *testing.T) {
			xv, wv := uniform(uint64(200+i), -1, 1, c.x...), uniform(uint64(300+i), -1, 1, c.w...)
			var g ad.Graph
			got := ops.Conv2d(g.Var("x", xv), g.Var("w", wv), c.opt).Value()
			if want := conv2dNaive(xv, wv, c.opt); !closeTo(got, want) {
				t.Fatalf("conv2d %v: got %v, want %v", c.name, got.Shape(), want.Shape())
			}
			bv := uniform(uint64(500+i), -1, 1, c.w[0])
			withBias := ops.Conv2dBias(g.Var("x", xv), g.Var("w", wv), g.Var("b", bv), c.opt).Value()
			want := conv2dNaive(xv, wv, c.opt)
			for j := range want.Size() {
				want.Float64s()[j] += bv.Float64s()[j/(want.Shape()[2]*want.Shape()[3])%c.w[0]]
			}
			if !closeTo(withBias, want) {
				t.Fatalf("conv2d with a bias %v: got %v, want %v", c.name, withBias.Data()[:4], want.Data()[:4])
			}
			f := func(xs ...ad.Node) ad.Node { return ops.Tanh(ops.Conv2d(xs[0], xs[1], c.opt)) }
			adtest.CheckGrad(t, f, xv, wv)
			if c.second {
				adtest.CheckGrad2(t, f, xv, wv)
			}
		})
	}
	pools := []struct {
		name string
		opt  ops.Pool2dOptions
	}{
		{"2x2", ops.Pool2dOptions{Kernel: [2]int{2, 2}}},
		{"3x3 stride 2 padding 1", ops.Pool2dOptions{Kernel: [2]int{3, 3}, Stride: [2]int{2, 2}, Padding: [2]int{1, 1}}},
		{"2x3 stride 1", ops.Pool2dOptions{Kernel: [2]int{2, 3}, Stride: [2]int{1, 1}}},
	}
	for i, p := range pools {
		t.Run("pools "+p.name, func(t *testing.T) {
			xv := awayFrom(uint64(400+i), -1, 1, 0.01, nil, 2, 2, 5, 6)
			var g ad.Graph
			x := g.Var("x", xv)
			if got, want := ops.MaxPool2d(x, p.opt).Value(), pool2dNaive(xv, p.opt, true); !closeTo(got, want) {
				t.Errorf("max pool: got %v, want %v", got.Data(), want.Data())
			}
			if got, want := ops.AvgPool2d(x, p.opt).Value(), pool2dNaive(xv, p.opt, false); !closeTo(got, want) {
				t.Errorf("avg pool: got %v, want %v", got.Data(), want.Data())
			}
			for _, f := range []adtest.Func{
				func(xs ...ad.Node) ad.Node { return ops.Square(ops.MaxPool2d(xs[0], p.opt)) },
				func(xs ...ad.Node) ad.Node { return ops.Square(ops.AvgPool2d(xs[0], p.opt)) },
			} {
				adtest.CheckGrad(t, f, xv)
				adtest.CheckGrad2(t, f, xv)
			}
		})
	}
	var g ad.Graph
	x := g.Var("x", uniform(1, -1, 1, 1, 3, 4, 4))
	for name, f := range map[string]func(){
		"rank":             func() { ops.Conv2d(ops.Sum(x, 0), g.Var("w", uniform(2, -1, 1, 2, 3, 3, 3)), ops.Conv2dOptions{}) },
		"channels":         func() { ops.Conv2d(x, g.Var("w", uniform(2, -1, 1, 2, 2, 3, 3)), ops.Conv2dOptions{}) },
		"groups":           func() { ops.Conv2d(x, g.Var("w", uniform(2, -1, 1, 2, 1, 3, 3)), ops.Conv2dOptions{Groups: 2}) },
		"window too large": func() { ops.Conv2d(x, g.Var("w", uniform(2, -1, 1, 2, 3, 5, 5)), ops.Conv2dOptions{}) },
		"negative stride":  func() { ops.MaxPool2d(x, ops.Pool2dOptions{Kernel: [2]int{2, 2}, Stride: [2]int{-1, 1}}) },
		"pool padding":     func() { ops.MaxPool2d(x, ops.Pool2dOptions{Kernel: [2]int{2, 2}, Padding: [2]int{2, 0}}) },
		"pad negative":     func() { ops.Pad(x, [2]int{-1, 0}) },
	} {
		if err := tensor.Catch(f); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// BenchmarkConv2d is a forward and backward pass of a 3×3 convolution of a
// batch of 64 MNIST-sized images to 32 channels, and of 32 to 64 channels
// at 14×14, as in a small classifier.
//
//	go test -run='^$' -bench=Conv2d -benchmem ./ops
//
// BenchmarkConv2d is the forward and backward pass (the gradients of the
// input and the filters) of the MNIST CNN's two convolutions, 3×3 with
// padding 1, batch 128, float32, in GFLOP/s counting 2·N·O·H·W·C·9 for the
// forward pass and twice that for the backward; bench/conv/torch_conv.py
// measures PyTorch on the same shapes:
//
//	go test -run='^$' -bench=Conv2d -count=5 ./ops
func BenchmarkConv2d(b *testing.B) {
	for _, c := range []struct {
		name string
		x, w []int
	}{
		{"1to32@28x28", []int{128, 1, 28, 28}, []int{32, 1, 3, 3}},
		{"32to64@14x14", []int{128, 32, 14, 14}, []int{64, 32, 3, 3}},
	} {
		xv, wv := uniform(1, -1, 1, c.x...).AsType(tensor.Float32), uniform(2, -1, 1, c.w...).AsType(tensor.Float32)
		flops := 3 * 2 * float64(c.x[0]*c.w[0]*c.x[2]*c.x[3]*c.w[1]*c.w[2]*c.w[3])
		seed := tensor.Ones(tensor.Float32, c.x[0], c.w[0], c.x[2], c.x[3])
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			var g ad.Graph
			var t ad.Table
			for b.Loop() {
				g.Reset()
				x, w := g.Var("x", xv), g.Var("w", wv)
				y := ops.Conv2d(x, w, ops.Conv2dOptions{Padding: [2]int{1, 1}})
				ad.BackwardInto(&t, y, seed, x, w)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

func TestNegativeStrideAndDilation(t *testing.T) {
	var g ad.Graph
	x := g.Const(tensor.New(tensor.Float64, 1, 1, 5, 5))
	w := g.Const(tensor.New(tensor.Float64, 1, 1, 3, 3))
	for name, f := range map[string]func(){
		"conv stride":   func() { ops.Conv2d(x, w, ops.Conv2dOptions{Stride: [2]int{-1, -1}}) },
		"conv dilation": func() { ops.Conv2d(x, w, ops.Conv2dOptions{Dilation: [2]int{-3, 1}}) },
		"avg stride":    func() { ops.AvgPool2d(x, ops.Pool2dOptions{Kernel: [2]int{2, 2}, Stride: [2]int{-2, -2}}) },
	} {
		if err := tensor.Catch(f); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
