package tensor_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/seed812a03d2/backprop/tensor"
)

// TestIm2ColAdjoint checks that Col2Im is Im2Col's adjoint, ⟨Im2Col(x), c⟩
// = ⟨x, Col2Im(c)⟩, over strides, paddings and dilations, and Im2Col
// against its definition element by element.
func TestIm2ColAdjoint(t *testing.T) {
	rng := tensor.NewRand(3)
	type size struct{ h, w int }
	// 28 and 32 wide rows take the masked row moves for float32 where the
	// CPU has them; 40 is too wide for them.
	for _, sz := range []size{{6, 7}, {28, 28}, {5, 32}, {4, 40}} {
		for _, win := range []tensor.Window{
			{Kernel: [2]int{3, 3}, Stride: [2]int{1, 1}, Padding: [2]int{1, 1}, Dilation: [2]int{1, 1}},
			{Kernel: [2]int{2, 3}, Stride: [2]int{2, 1}, Padding: [2]int{0, 2}, Dilation: [2]int{1, 2}},
			{Kernel: [2]int{3, 2}, Stride: [2]int{1, 3}, Padding: [2]int{2, 1}, Dilation: [2]int{2, 1}},
		} {
			for _, dt := range []tensor.DType{tensor.Float64, tensor.Float32} {
				checkIm2Col(t, rng, dt, sz.h, sz.w, win)
			}
		}
	}
}

// checkIm2Col checks Im2Col against its definition, and Col2Im against a
// plain loop of additions in Im2Col's order (so, exactly) and as its
// adjoint, on memory recycled from a pool full of NaNs.
func checkIm2Col(t *testing.T, rng *rand.Rand, dt tensor.DType, h, w int, win tensor.Window) {
	t.Helper()
	name := fmt.Sprintf("%v %d×%d %+v", dt, h, w, win)
	x := tensor.RandNormal(rng, dt, 0, 1, 2, 3, h, w)
	ho, wo := win.Out(h, w)
	kk := win.Kernel[0] * win.Kernel[1]
	var pool tensor.Pool
	pool.Put(tensor.Full(dt, math.NaN(), 2, 3, kk, ho*wo))
	pool.Put(tensor.Full(dt, math.NaN(), 2, 3, h, w))
	cols := tensor.Im2ColWith(&pool, x, win)
	if !cols.Shape().Equal(tensor.Shape{2, 3, kk, ho * wo}) {
		t.Fatalf("%s: shape %v", name, cols.Shape())
	}
	c := tensor.RandNormal(rng, dt, 0, 1, cols.Shape()...)
	want := tensor.New(dt, 2, 3, h, w)
	for n := range 2 {
		for ch := range 3 {
			for ki := range win.Kernel[0] {
				for kj := range win.Kernel[1] {
					for oi := range ho {
						for oj := range wo {
							ih := oi*win.Stride[0] - win.Padding[0] + ki*win.Dilation[0]
							iw := oj*win.Stride[1] - win.Padding[1] + kj*win.Dilation[1]
							v := 0.0
							k := ki*win.Kernel[1] + kj
							if ih >= 0 && ih < h && iw >= 0 && iw < w {
								v = x.At(n, ch, ih, iw)
								want.Set(want.At(n, ch, ih, iw)+c.At(n, ch, k, oi*wo+oj), n, ch, ih, iw)
							}
							if got := cols.At(n, ch, k, oi*wo+oj); got != v {
								t.Fatalf("%s: cols[%d %d %d %d] = %v; want %v", name, n, ch, k, oi*wo+oj, got, v)
							}
						}
					}
				}
			}
		}
	}
	back := tensor.Col2ImWith(&pool, c, win, h, w)
	var lhs, rhs float64
	cv, colv := values(c), values(cols)
	for i, v := range colv {
		lhs += v * cv[i]
	}
	xv, bv, wv := values(x), values(back), values(want)
	for i, v := range xv {
		if bv[i] != wv[i] {
			t.Fatalf("%s: Col2Im element %d = %v; want %v", name, i, bv[i], wv[i])
		}
		rhs += v * bv[i]
	}
	tol := 1e-12 // Col2Im sums in the element type
	if dt == tensor.Float32 {
		tol = 1e-5
	}
	if math.Abs(lhs-rhs) > tol*math.Abs(lhs) {
		t.Errorf("%s: ⟨Im2Col(x), c⟩ = %v, ⟨x, Col2Im(c)⟩ = %v", name, lhs, rhs)
	}
}

// values returns the elements of t as float64s.
func values(t *tensor.Tensor) []float64 {
	if t.DType() == tensor.Float64 {
		return t.Float64s()
	}
	out := make([]float64, t.Size())
	for i, v := range t.Float32s() {
		out[i] = float64(v)
	}
	return out
}

func TestMaxPoolIndex(t *testing.T) {
	nan := math.NaN()
	x := tensor.FromFloat32s([]float32{
		1, 5, 2, 2,
		5, 0, 2, 2,
		-1, -2, 3, float32(nan),
		-3, -4, float32(nan), 9,
	}, 1, 1, 4, 4)
	win := tensor.Window{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}, Dilation: [2]int{1, 1}}
	// Ties go to the first (positions 1 and 2); NaN wins, the first NaN.
	got := tensor.MaxPoolIndex(x, win).Data()
	want := []int{1, 2, 8, 11}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("MaxPoolIndex = %v; want %v", got, want)
		}
	}
	// With padding, the padding is never chosen, even over negatives.
	win.Padding = [2]int{1, 1}
	got = tensor.MaxPoolIndex(tensor.Full(tensor.Float64, -7, 1, 1, 2, 2), win).Data()
	for i, p := range got {
		if p != i {
			t.Fatalf("MaxPoolIndex over -7 with padding = %v; want [0 1 2 3]", got)
		}
	}
	// MaxPoolIndexInto writes the same positions into the slice it is
	// given, and holds that slice.
	win.Padding = [2]int{}
	buf := make([]int, 4)
	idx := tensor.MaxPoolIndexInto(buf, x, win)
	if d := idx.Data(); &d[0] != &buf[0] {
		t.Error("MaxPoolIndexInto's Index does not hold the given slice")
	}
	for i := range want {
		if buf[i] != want[i] {
			t.Fatalf("MaxPoolIndexInto = %v; want %v", buf, want)
		}
	}
	// MaxPoolInto also writes the maxima, x at those positions, bit for
	// bit, on the 2×2 path and the general one (3×3, stride 1, padded),
	// in both element types.
	rng := tensor.NewRand(5)
	for _, w := range []tensor.Window{
		{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}, Dilation: [2]int{1, 1}},
		{Kernel: [2]int{3, 3}, Stride: [2]int{1, 1}, Padding: [2]int{1, 1}, Dilation: [2]int{1, 1}},
	} {
		for _, d := range []tensor.DType{tensor.Float32, tensor.Float64} {
			x := tensor.RandNormal(rng, d, 0, 1, 3, 2, 6, 8)
			if d == tensor.Float32 {
				x.Float32s()[7] = float32(nan)
			} else {
				x.Float64s()[7] = nan
			}
			ho, wo := w.Out(6, 8)
			values := tensor.New(d, 3*2, ho*wo)
			idx := tensor.MaxPoolInto(make([]int, 3*2*ho*wo), values, x, w)
			gathered := tensor.Gather(tensor.Reshape(x, 3*2, 6*8), 1, idx)
			for i, v := range values.Data() {
				if g := gathered.Data()[i]; math.Float64bits(g) != math.Float64bits(v) {
					t.Fatalf("%v %v: MaxPoolInto's value %d is %v; the gather at its position %v", w.Kernel, d, i, v, g)
				}
			}
		}
	}
	for name, f := range map[string]func(){
		"values size":  func() { tensor.MaxPoolInto(make([]int, 4), tensor.New(tensor.Float32, 3), x, win) },
		"values dtype": func() { tensor.MaxPoolInto(make([]int, 4), tensor.New(tensor.Float64, 4), x, win) },
		"nil images":   func() { tensor.MaxPoolInto(make([]int, 4), tensor.New(tensor.Float32, 4), nil, win) },
	} {
		err := tensor.Catch(f)
		_, shape := err.(*tensor.ShapeError)
		_, dtype := err.(*tensor.DTypeError)
		if name == "values dtype" && !dtype || name != "values dtype" && !shape {
			t.Errorf("%s: %v (%T)", name, err, err)
		}
	}
}

func TestWindowErrors(t *testing.T) {
	x := tensor.New(tensor.Float64, 1, 1, 3, 3)
	for name, f := range map[string]func(){
		"rank": func() {
			tensor.Im2Col(tensor.New(tensor.Float64, 3, 3), tensor.Window{Kernel: [2]int{1, 1}, Stride: [2]int{1, 1}, Dilation: [2]int{1, 1}})
		},
		"zero": func() { tensor.Im2Col(x, tensor.Window{Kernel: [2]int{1, 1}}) },
		"too big": func() {
			tensor.Im2Col(x, tensor.Window{Kernel: [2]int{4, 1}, Stride: [2]int{1, 1}, Dilation: [2]int{1, 1}})
		},
		"cols shape": func() {
			tensor.Col2Im(tensor.New(tensor.Float64, 1, 1, 2, 9), tensor.Window{Kernel: [2]int{1, 1}, Stride: [2]int{1, 1}, Dilation: [2]int{1, 1}}, 3, 3)
		},
		"positions' length": func() {
			tensor.MaxPoolIndexInto(make([]int, 5), tensor.New(tensor.Float64, 1, 1, 4, 4), tensor.Window{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}, Dilation: [2]int{1, 1}})
		},
		"all padding": func() {
			tensor.MaxPoolIndex(x, tensor.Window{Kernel: [2]int{2, 2}, Stride: [2]int{3, 3}, Padding: [2]int{2, 2}, Dilation: [2]int{1, 1}})
		},
	} {
		if err := tensor.Catch(f); err == nil || !strings.HasPrefix(err.Error(), "tensor: ") {
			t.Errorf("%s: error %v", name, err)
		}
	}
}

// TestKernelsOverwriteRecycledMemory gives each kernel that asks its pool
// for memory without zeros a recycled tensor full of NaN, and checks its
// result against the same kernel on fresh zeros.
func TestKernelsOverwriteRecycledMemory(t *testing.T) {
	rng := tensor.NewRand(5)
	x := tensor.RandNormal(rng, tensor.Float32, 0, 1, 2, 3, 5, 5)
	m := tensor.RandNormal(rng, tensor.Float32, 0, 1, 4, 6)
	bias := tensor.RandNormal(rng, tensor.Float32, 0, 1, 6)
	win := tensor.Window{Kernel: [2]int{3, 3}, Stride: [2]int{2, 1}, Padding: [2]int{1, 2}, Dilation: [2]int{1, 1}}
	idx := tensor.NewIndex([]int{1, 0, 5, 2}, 4, 1)
	for _, k := range []struct {
		name string
		f    func(a tensor.Alloc) *tensor.Tensor
	}{
		{"Im2Col", func(a tensor.Alloc) *tensor.Tensor { return tensor.Im2ColWith(a, x, win) }},
		{"Add broadcast", func(a tensor.Alloc) *tensor.Tensor { return tensor.AddWith(a, m, bias) }},
		{"Neg", func(a tensor.Alloc) *tensor.Tensor { return tensor.NegWith(a, m) }},
		{"ReLUGrad", func(a tensor.Alloc) *tensor.Tensor { return tensor.ReLUGradWith(a, m, tensor.NegWith(nil, m)) }},
		{"Gather", func(a tensor.Alloc) *tensor.Tensor { return tensor.GatherWith(a, m, 1, idx) }},
		{"Sum", func(a tensor.Alloc) *tensor.Tensor { return tensor.SumWith(a, m, []int{0}, false) }},
		{"Max", func(a tensor.Alloc) *tensor.Tensor { return tensor.MaxWith(a, m, []int{1}, true) }},
		{"SumTo", func(a tensor.Alloc) *tensor.Tensor { return tensor.SumToWith(a, m, 1, 6) }},
		{"Softmax", func(a tensor.Alloc) *tensor.Tensor { return tensor.SoftmaxWith(a, m, 1) }},
		{"Transpose", func(a tensor.Alloc) *tensor.Tensor { return tensor.TransposeWith(a, m, 1, 0) }},
		{"BroadcastTo", func(a tensor.Alloc) *tensor.Tensor { return tensor.BroadcastToWith(a, bias, 4, 6) }},
		{"MatMul batched", func(a tensor.Alloc) *tensor.Tensor { return tensor.MatMulWith(a, x, x, false, true) }},
		{"ScatterAdd", func(a tensor.Alloc) *tensor.Tensor {
			return tensor.ScatterAddWith(a, tensor.GatherWith(nil, m, 1, idx), 1, idx, tensor.Shape{4, 6})
		}},
		{"ScatterAdd inner", func(a tensor.Alloc) *tensor.Tensor {
			i0 := tensor.NewIndex([]int{3, 0, 3, 1, 2, 2, 0, 1, 1, 0, 3, 3}, 2, 6)
			return tensor.ScatterAddWith(a, tensor.GatherWith(nil, m, 0, i0), 0, i0, tensor.Shape{4, 6})
		}},
	} {
		want := k.f(nil)
		p := tensor.NewPool()
		junk := tensor.Full(tensor.Float32, math.NaN(), want.Shape()...)
		p.Put(junk)
		var got *tensor.Tensor
		if err := tensor.Catch(func() { got = k.f(p) }); err != nil {
			t.Errorf("%s: %v", k.name, err)
			continue
		}
		if got != junk {
			t.Errorf("%s: did not take the recycled tensor", k.name)
		}
		for i, v := range want.Float32s() {
			if g := got.Float32s()[i]; g != v {
				t.Errorf("%s: element %d = %v on recycled memory; %v on fresh", k.name, i, g, v)
				break
			}
		}
	}
}
