package tensor_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/seed812a03d2/backprop/tensor"
)

// conv2dCase is one geometry of a convolution.
type conv2dCase struct {
	x, f   []int // [N C H W], [O C/groups kH kW]
	win    tensor.Window
	groups int
}

func (c conv2dCase) String() string {
	return fmt.Sprintf("x%v f%v stride%v pad%v dil%v groups%d", c.x, c.f, c.win.Stride, c.win.Padding, c.win.Dilation, c.groups)
}

func win(k, s, p, d [2]int) tensor.Window {
	return tensor.Window{Kernel: k, Stride: s, Padding: p, Dilation: d}
}

var conv2dCases = func() []conv2dCase {
	one, two := [2]int{1, 1}, [2]int{2, 2}
	return []conv2dCase{
		{[]int{1, 1, 5, 5}, []int{1, 1, 3, 3}, win([2]int{3, 3}, one, [2]int{}, one), 1},
		{[]int{3, 2, 6, 7}, []int{4, 2, 3, 3}, win([2]int{3, 3}, one, one, one), 1},
		{[]int{2, 4, 9, 8}, []int{6, 2, 3, 2}, win([2]int{3, 2}, [2]int{2, 1}, [2]int{1, 0}, [2]int{1, 2}), 2},
		{[]int{5, 3, 7, 7}, []int{3, 1, 2, 2}, win(two, two, one, one), 3},
		{[]int{4, 6, 10, 11}, []int{8, 3, 5, 3}, win([2]int{5, 3}, [2]int{1, 2}, [2]int{2, 1}, [2]int{2, 1}), 2},
		// The CNN of examples/mnist, a smaller batch: run per image.
		{[]int{9, 32, 14, 14}, []int{64, 32, 3, 3}, win([2]int{3, 3}, one, one, one), 1},
		{[]int{17, 1, 28, 28}, []int{32, 1, 3, 3}, win([2]int{3, 3}, one, one, one), 1},
		// Wider than 32 columns: no masked row moves.
		{[]int{2, 3, 9, 40}, []int{5, 3, 3, 3}, win([2]int{3, 3}, one, one, one), 1},
	}
}()

// naiveConv2d returns y = conv(x, f), x̄ = conv2dInput(gy, f) and f̄ =
// conv2dFilter(x, gy) in float64 by the defining sums.
func naiveConv2d(c conv2dCase, x, f, gy []float64) (y, xbar, fbar []float64, ho, wo int) {
	n, ch, h, w := c.x[0], c.x[1], c.x[2], c.x[3]
	o, cg, kh, kw := c.f[0], c.f[1], c.f[2], c.f[3]
	og := o / c.groups
	ho, wo = c.win.Out(h, w)
	y = make([]float64, n*o*ho*wo)
	xbar = make([]float64, len(x))
	fbar = make([]float64, len(f))
	for i := range n {
		for oc := range o {
			grp := oc / og
			for oi := range ho {
				for oj := range wo {
					yi := ((i*o+oc)*ho+oi)*wo + oj
					for q := range cg {
						ic := grp*cg + q
						for ki := range kh {
							for kj := range kw {
								ih := oi*c.win.Stride[0] - c.win.Padding[0] + ki*c.win.Dilation[0]
								iw := oj*c.win.Stride[1] - c.win.Padding[1] + kj*c.win.Dilation[1]
								if ih < 0 || ih >= h || iw < 0 || iw >= w {
									continue
								}
								xi := ((i*ch+ic)*h+ih)*w + iw
								fi := ((oc*cg+q)*kh+ki)*kw + kj
								y[yi] += x[xi] * f[fi]
								if gy != nil {
									xbar[xi] += gy[yi] * f[fi]
									fbar[fi] += gy[yi] * x[xi]
								}
							}
						}
					}
				}
			}
		}
	}
	return y, xbar, fbar, ho, wo
}

func TestConv2dVsNaive(t *testing.T) {
	rng := tensor.NewRand(7)
	for _, c := range conv2dCases {
		for _, dt := range []tensor.DType{tensor.Float64, tensor.Float32} {
			t.Run(fmt.Sprintf("%v/%v", c, dt), func(t *testing.T) {
				x := tensor.RandUniform(rng, dt, -1, 1, c.x...)
				f := tensor.RandUniform(rng, dt, -1, 1, c.f...)
				ho, wo := c.win.Out(c.x[2], c.x[3])
				gy := tensor.RandUniform(rng, dt, -1, 1, c.x[0], c.f[0], ho, wo)
				y, xbar, fbar, _, _ := naiveConv2d(c, values(x), values(f), values(gy))
				tol := 1e-12
				if dt == tensor.Float32 {
					tol = 1e-4
				}
				check := func(name string, got *tensor.Tensor, want []float64, shape []int) {
					t.Helper()
					if !got.Shape().Equal(tensor.Shape(shape)) || got.DType() != dt {
						t.Fatalf("%s: shape %v %v, want %v %v", name, got.Shape(), got.DType(), shape, dt)
					}
					for i, v := range values(got) {
						if math.Abs(v-want[i]) > tol*(1+math.Abs(want[i])) {
							t.Fatalf("%s: element %d is %v, want %v", name, i, v, want[i])
						}
					}
				}
				check("Conv2d", tensor.Conv2d(x, f, nil, c.win, c.groups), y, []int{c.x[0], c.f[0], ho, wo})
				bias := tensor.RandUniform(rng, dt, -1, 1, c.f[0])
				yb := append([]float64(nil), y...)
				for i := range yb {
					yb[i] += values(bias)[i/(ho*wo)%c.f[0]]
				}
				check("Conv2d with a bias", tensor.Conv2d(x, f, bias, c.win, c.groups), yb, []int{c.x[0], c.f[0], ho, wo})
				check("Conv2dInput", tensor.Conv2dInput(gy, f, c.win, c.groups, c.x[2], c.x[3]), xbar, c.x)
				check("Conv2dFilter", tensor.Conv2dFilter(x, gy, c.win, c.groups), fbar, c.f)
			})
		}
	}
}

// TestConv2dRecycledMemory gives the kernels results taken from a Pool
// that held other numbers: every element must be written.
func TestConv2dRecycledMemory(t *testing.T) {
	rng := tensor.NewRand(3)
	c := conv2dCases[2]
	x := tensor.RandUniform(rng, tensor.Float32, -1, 1, c.x...)
	f := tensor.RandUniform(rng, tensor.Float32, -1, 1, c.f...)
	ho, wo := c.win.Out(c.x[2], c.x[3])
	gy := tensor.RandUniform(rng, tensor.Float32, -1, 1, c.x[0], c.f[0], ho, wo)
	var p tensor.Pool
	for _, s := range [][]int{{c.x[0], c.f[0], ho, wo}, c.x, c.f} {
		p.Put(tensor.Full(tensor.Float32, math.NaN(), s...))
	}
	for name, pair := range map[string][2]*tensor.Tensor{
		"Conv2d":       {tensor.Conv2d(x, f, nil, c.win, c.groups), tensor.Conv2dWith(&p, x, f, nil, c.win, c.groups)},
		"Conv2dInput":  {tensor.Conv2dInput(gy, f, c.win, c.groups, c.x[2], c.x[3]), tensor.Conv2dInputWith(&p, gy, f, c.win, c.groups, c.x[2], c.x[3])},
		"Conv2dFilter": {tensor.Conv2dFilter(x, gy, c.win, c.groups), tensor.Conv2dFilterWith(&p, x, gy, c.win, c.groups)},
	} {
		a, b := values(pair[0]), values(pair[1])
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("%s into recycled memory: element %d is %v, want %v", name, i, b[i], a[i])
			}
		}
	}
}

func TestConv2dErrors(t *testing.T) {
	x := tensor.New(tensor.Float32, 2, 4, 6, 6)
	f := tensor.New(tensor.Float32, 6, 2, 3, 3)
	gy := tensor.New(tensor.Float32, 2, 6, 4, 4)
	k3 := win([2]int{3, 3}, [2]int{1, 1}, [2]int{}, [2]int{1, 1})
	for name, fn := range map[string]func(){
		"rank":            func() { tensor.Conv2d(tensor.New(tensor.Float32, 4, 6, 6), f, nil, k3, 2) },
		"groups":          func() { tensor.Conv2d(x, f, nil, k3, 1) },
		"zero groups":     func() { tensor.Conv2d(x, f, nil, k3, 0) },
		"kernel":          func() { tensor.Conv2d(x, f, nil, win([2]int{2, 2}, [2]int{1, 1}, [2]int{}, [2]int{1, 1}), 2) },
		"too large":       func() { tensor.Conv2d(tensor.New(tensor.Float32, 2, 4, 2, 2), f, nil, k3, 2) },
		"dtype":           func() { tensor.Conv2d(x, tensor.New(tensor.Float64, 6, 2, 3, 3), nil, k3, 2) },
		"input gradients": func() { tensor.Conv2dInput(tensor.New(tensor.Float32, 2, 6, 3, 4), f, k3, 2, 6, 6) },
		"input rank":      func() { tensor.Conv2dInput(tensor.New(tensor.Float32, 6, 4, 4), f, k3, 2, 6, 6) },
		"filter gradients": func() {
			tensor.Conv2dFilter(x, tensor.New(tensor.Float32, 2, 5, 4, 4), k3, 2)
		},
		"filter images": func() { tensor.Conv2dFilter(tensor.New(tensor.Float32, 3, 4, 6, 6), gy, k3, 2) },
		"nil":           func() { tensor.Conv2d(nil, f, nil, k3, 2) },
		"bias":          func() { tensor.Conv2d(x, f, tensor.New(tensor.Float32, 5), k3, 2) },
		"bias dtype":    func() { tensor.Conv2d(x, f, tensor.New(tensor.Float64, 6), k3, 2) },
	} {
		err := tensor.Catch(fn)
		_, shape := err.(*tensor.ShapeError)
		_, dtype := err.(*tensor.DTypeError)
		if wantDType := name == "dtype" || name == "bias dtype"; shape == wantDType || dtype != wantDType {
			t.Errorf("%s: %v (%T), want a *tensor.%s", name, err, err, map[bool]string{false: "ShapeError", true: "DTypeError"}[wantDType])
		}
	}
	err := tensor.Catch(func() { tensor.Conv2d(x, f, nil, k3, 1) })
	if want := "tensor: Conv2d: incompatible shapes [2 4 6 6] and [6 2 3 3]: 4 input channels in 1 groups need filters of 4 channels"; err == nil || err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

// TestConv2dEmptyBatch: no images give no outputs, no image gradients,
// and filter gradients of zero, a sum over no images.
func TestConv2dEmptyBatch(t *testing.T) {
	k3 := win([2]int{3, 3}, [2]int{1, 1}, [2]int{1, 1}, [2]int{1, 1})
	x := tensor.New(tensor.Float32, 0, 2, 5, 5)
	f := tensor.Full(tensor.Float32, 1, 3, 2, 3, 3)
	gy := tensor.New(tensor.Float32, 0, 3, 5, 5)
	if y := tensor.Conv2d(x, f, tensor.Full(tensor.Float32, 1, 3), k3, 1); !y.Shape().Equal(tensor.Shape{0, 3, 5, 5}) {
		t.Errorf("Conv2d of no images: shape %v", y.Shape())
	}
	if xbar := tensor.Conv2dInput(gy, f, k3, 1, 5, 5); !xbar.Shape().Equal(tensor.Shape{0, 2, 5, 5}) {
		t.Errorf("Conv2dInput of no images: shape %v", xbar.Shape())
	}
	var p tensor.Pool
	p.Put(tensor.Full(tensor.Float32, 7, 3, 2, 3, 3))
	fbar := tensor.Conv2dFilterWith(&p, x, gy, k3, 1)
	for i, v := range fbar.Data() {
		if v != 0 {
			t.Fatalf("Conv2dFilter of no images: element %d is %v, want 0", i, v)
		}
	}
}
