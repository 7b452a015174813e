package tensor_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/seed812a03d2/backprop/tensor"
)

func TestReshape(t *testing.T) {
	tests := []struct {
		name  string
		from  tensor.Shape
		to    []int
		shape tensor.Shape
	}{
		{"transpose sizes", tensor.Shape{2, 3}, []int{3, 2}, tensor.Shape{3, 2}},
		{"flatten", tensor.Shape{2, 3}, []int{6}, tensor.Shape{6}},
		{"infer all", tensor.Shape{2, 3}, []int{-1}, tensor.Shape{6}},
		{"infer first", tensor.Shape{2, 3, 4}, []int{-1, 4}, tensor.Shape{6, 4}},
		{"infer last", tensor.Shape{2, 3, 4}, []int{2, -1}, tensor.Shape{2, 12}},
		{"infer middle with ones", tensor.Shape{6}, []int{1, -1, 1}, tensor.Shape{1, 6, 1}},
		{"to scalar", tensor.Shape{1, 1}, nil, nil},
		{"from scalar", nil, []int{1, 1, 1}, tensor.Shape{1, 1, 1}},
		{"scalar infer", nil, []int{-1}, tensor.Shape{1}},
		{"zero size", tensor.Shape{0, 3}, []int{3, 0, 5}, tensor.Shape{3, 0, 5}},
		{"zero size infer", tensor.Shape{0, 3}, []int{-1, 3}, tensor.Shape{0, 3}},
	}
	for _, tt := range tests {
		for _, d := range dtypes {
			t.Run(tt.name+"/"+d.String(), func(t *testing.T) {
				// A non-nil empty shape makes a scalar, not a vector.
				x := fromData(d, seq(tt.from.Size()), append([]int{}, tt.from...)...)
				call := fmt.Sprintf("Reshape(%v, %v)", tt.from, tt.to)
				got := tensor.Reshape(x, tt.to...)
				checkTensor(t, call, got, d, tt.shape, seq(tt.from.Size()), 0)
				if !x.Shape().Equal(tt.from) {
					t.Errorf("%s changed its operand's shape to %v", call, x.Shape())
				}
			})
		}
	}

	t.Run("shares storage", func(t *testing.T) {
		x := tensor.FromFloat64s(seq(6), 2, 3)
		y := tensor.Reshape(x, 3, 2)
		if &y.Float64s()[0] != &x.Float64s()[0] {
			t.Errorf("Reshape(x, 3, 2) copied the data; want shared storage (documented)")
		}
	})
	t.Run("shape argument is copied", func(t *testing.T) {
		s := []int{3, 2}
		y := tensor.Reshape(tensor.Zeros(f32, 6), s...)
		s[0] = 99
		if !y.Shape().Equal(tensor.Shape{3, 2}) {
			t.Errorf("Reshape(x, s...) after s[0] = 99 has shape %v; want [3 2]", y.Shape())
		}
	})

	fails := []struct {
		name string
		from tensor.Shape
		to   []int
		msg  string
	}{
		{"sizes differ", tensor.Shape{2, 3}, []int{4}, "tensor: Reshape: incompatible shapes [2 3] and [4]: sizes differ"},
		{"not divisible", tensor.Shape{2, 3}, []int{-1, 4}, ""},
		{"two inferred", tensor.Shape{2, 3}, []int{-1, -1}, "tensor: Reshape: incompatible shapes [2 3] and [-1 -1]: invalid size"},
		{"negative", tensor.Shape{2, 3}, []int{-2, -3}, "tensor: Reshape: incompatible shapes [2 3] and [-2 -3]: invalid size"},
		// numpy refuses this too: -1 next to 0 is ambiguous.
		{"infer with zero", tensor.Shape{0, 3}, []int{0, -1}, ""},
		{"scalar to two", nil, []int{2}, ""},
		{"empty to scalar", tensor.Shape{0}, nil, ""},
	}
	for _, tt := range fails {
		t.Run("fails/"+tt.name, func(t *testing.T) {
			x := tensor.Zeros(f64, tt.from...)
			call := fmt.Sprintf("Reshape(%v, %v)", tt.from, tt.to)
			if tt.msg == "" {
				mustPanic(t, call, func() { tensor.Reshape(x, tt.to...) }, shapeErr)
			} else {
				mustPanicWith(t, call, func() { tensor.Reshape(x, tt.to...) }, shapeErr, tt.msg)
			}
		})
	}
}

// naiveTranspose returns x with its axes permuted, one element at a time.
func naiveTranspose(x *tensor.Tensor, perm []int) *tensor.Tensor {
	shape := make(tensor.Shape, len(perm))
	for i, p := range perm {
		shape[i] = x.Shape()[p]
	}
	out := tensor.New(x.DType(), shape...)
	for i := range shape.Size() {
		idx := unravel(i, shape)
		src := make([]int, len(perm))
		for a, p := range perm {
			src[p] = idx[a]
		}
		out.Set(x.At(src...), idx...)
	}
	return out
}

// permutations returns every permutation of 0..n-1.
func permutations(n int) [][]int {
	if n == 0 {
		return [][]int{{}}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := slices.Insert(slices.Clone(p), i, n-1)
			out = append(out, q)
		}
	}
	return out
}

func TestTranspose(t *testing.T) {
	t.Run("matrix", func(t *testing.T) {
		x := tensor.FromFloat64s([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
		// Computed by hand.
		checkTensor(t, "Transpose([[1 2 3] [4 5 6]])", tensor.Transpose(x), f64, tensor.Shape{3, 2},
			[]float64{1, 4, 2, 5, 3, 6}, 0)
		checkTensor(t, "Transpose([[1 2 3] [4 5 6]], 1, 0)", tensor.Transpose(x, 1, 0), f64, tensor.Shape{3, 2},
			[]float64{1, 4, 2, 5, 3, 6}, 0)
		checkTensor(t, "Transpose([[1 2 3] [4 5 6]], 0, 1)", tensor.Transpose(x, 0, 1), f64, tensor.Shape{2, 3},
			[]float64{1, 2, 3, 4, 5, 6}, 0)
	})
	for _, d := range dtypes {
		for _, s := range []tensor.Shape{{2, 3, 4}, {2, 1, 3, 2}, {3, 0, 2}} {
			x := randn(uint64(len(s)), d, s...)
			xd := x.Data()
			for _, p := range permutations(len(s)) {
				call := fmt.Sprintf("Transpose(%v %v, %v)", d, s, p)
				t.Run(call, func(t *testing.T) {
					got := tensor.Transpose(x, p...)
					sameTensor(t, call, got, naiveTranspose(x, p), 0)
					back := tensor.Transpose(got, tensor.InversePerm(p)...)
					sameTensor(t, "Transpose("+call+", InversePerm(perm))", back, x, 0)
					checkTensor(t, call+" operand", x, d, s, xd, 0)
				})
			}
			t.Run(fmt.Sprintf("default %v %v", d, s), func(t *testing.T) {
				rev := make([]int, len(s))
				for i := range rev {
					rev[i] = len(s) - 1 - i
				}
				sameTensor(t, fmt.Sprintf("Transpose(%v)", s), tensor.Transpose(x), naiveTranspose(x, rev), 0)
			})
		}
	}
	t.Run("scalar and vector", func(t *testing.T) {
		checkTensor(t, "Transpose(Scalar(5))", tensor.Transpose(tensor.Scalar(5)), f64, nil, []float64{5}, 0)
		v := tensor.FromFloat32s([]float32{1, 2, 3})
		checkTensor(t, "Transpose([1 2 3])", tensor.Transpose(v), f32, tensor.Shape{3}, []float64{1, 2, 3}, 0)
	})
	t.Run("copies", func(t *testing.T) {
		x := tensor.FromFloat64s(seq(4), 2, 2)
		y := tensor.Transpose(x, 0, 1)
		y.Set(100, 0, 0)
		if x.At(0, 0) != 0 {
			t.Errorf("Transpose(x, 0, 1) shares storage with x")
		}
	})

	x := tensor.Zeros(f64, 2, 3, 4)
	bad := [][]int{{0, 0, 1}, {0, 1}, {0, 1, 2, 3}, {0, 1, 3}, {-1, 0, 1}, {2, 1, 1}}
	for _, p := range bad {
		t.Run(fmt.Sprintf("fails/%v", p), func(t *testing.T) {
			mustPanicWith(t, fmt.Sprintf("Transpose([2 3 4], %v)", p), func() { tensor.Transpose(x, p...) }, shapeErr,
				fmt.Sprintf("tensor: Transpose: shape [2 3 4]: %v is not a permutation of 3 axes", p))
		})
	}
}

func TestInversePerm(t *testing.T) {
	// Computed by hand: inv[perm[i]] = i.
	tests := []struct{ perm, want []int }{
		{[]int{}, []int{}},
		{[]int{0}, []int{0}},
		{[]int{1, 0}, []int{1, 0}},
		{[]int{1, 2, 0}, []int{2, 0, 1}},
		{[]int{2, 0, 1}, []int{1, 2, 0}},
		{[]int{3, 1, 0, 2}, []int{2, 1, 3, 0}},
	}
	for _, tt := range tests {
		if got := tensor.InversePerm(tt.perm); !slices.Equal(got, tt.want) {
			t.Errorf("InversePerm(%v) = %v; want %v", tt.perm, got, tt.want)
		}
	}
	for _, p := range permutations(4) {
		inv := tensor.InversePerm(p)
		for i := range p {
			if inv[p[i]] != i || p[inv[i]] != i {
				t.Errorf("InversePerm(%v) = %v; not an inverse at %d", p, inv, i)
			}
		}
	}
}

// naiveBroadcastTo expands x to shape one element at a time.
func naiveBroadcastTo(x *tensor.Tensor, shape tensor.Shape) *tensor.Tensor {
	out := tensor.New(x.DType(), shape...)
	for i := range shape.Size() {
		idx := unravel(i, shape)
		out.Set(x.At(broadcastIndex(idx, x.Shape())...), idx...)
	}
	return out
}

func TestBroadcastTo(t *testing.T) {
	tests := []struct{ from, to tensor.Shape }{
		{tensor.Shape{3}, tensor.Shape{2, 3}},
		{tensor.Shape{2, 1}, tensor.Shape{2, 3}},
		{nil, tensor.Shape{2, 2}},
		{nil, nil},
		{tensor.Shape{1}, tensor.Shape{0}},
		{tensor.Shape{3}, tensor.Shape{3}},
		{tensor.Shape{1, 3, 1}, tensor.Shape{2, 4, 3, 5}},
		{tensor.Shape{2, 1}, tensor.Shape{0, 2, 4}},
	}
	for _, tt := range tests {
		for _, d := range dtypes {
			call := fmt.Sprintf("BroadcastTo(%v %v, %v)", d, tt.from, tt.to)
			t.Run(call, func(t *testing.T) {
				x := randn(3, d, tt.from...)
				got := tensor.BroadcastTo(x, tt.to...)
				sameTensor(t, call, got, naiveBroadcastTo(x, tt.to), 0)
			})
		}
	}
	t.Run("hand", func(t *testing.T) {
		x := tensor.FromFloat64s([]float64{1, 2}, 2, 1)
		checkTensor(t, "BroadcastTo([[1] [2]], 2, 3)", tensor.BroadcastTo(x, 2, 3), f64, tensor.Shape{2, 3},
			[]float64{1, 1, 1, 2, 2, 2}, 0)
	})
	t.Run("copies", func(t *testing.T) {
		x := tensor.FromFloat64s([]float64{1, 2})
		y := tensor.BroadcastTo(x, 2)
		y.Set(5, 0)
		if x.At(0) != 1 {
			t.Errorf("BroadcastTo(x, x.Shape()...) shares storage with x")
		}
	})
	fails := []struct {
		from, to tensor.Shape
		msg      string
	}{
		{tensor.Shape{3}, tensor.Shape{4}, "tensor: BroadcastTo: incompatible shapes [3] and [4]"},
		{tensor.Shape{2, 3}, tensor.Shape{3}, "tensor: BroadcastTo: incompatible shapes [2 3] and [3]"},
		{tensor.Shape{3}, tensor.Shape{1}, "tensor: BroadcastTo: incompatible shapes [3] and [1]"},
		{tensor.Shape{2}, tensor.Shape{2, 3}, "tensor: BroadcastTo: incompatible shapes [2] and [2 3]"},
		{tensor.Shape{2}, nil, "tensor: BroadcastTo: incompatible shapes [2] and []"},
	}
	for _, tt := range fails {
		call := fmt.Sprintf("BroadcastTo(%v, %v)", tt.from, tt.to)
		t.Run("fails/"+call, func(t *testing.T) {
			mustPanicWith(t, call, func() { tensor.BroadcastTo(tensor.Zeros(f64, tt.from...), tt.to...) }, shapeErr, tt.msg)
		})
	}
}

func TestSumTo(t *testing.T) {
	x := tensor.FromFloat64s([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	// Computed by hand.
	tests := []struct {
		to   tensor.Shape
		want []float64
	}{
		{tensor.Shape{3}, []float64{5, 7, 9}},
		{tensor.Shape{1, 3}, []float64{5, 7, 9}},
		{tensor.Shape{2, 1}, []float64{6, 15}},
		{nil, []float64{21}},
		{tensor.Shape{1}, []float64{21}},
		{tensor.Shape{1, 1}, []float64{21}},
		{tensor.Shape{2, 3}, []float64{1, 2, 3, 4, 5, 6}},
	}
	for _, tt := range tests {
		for _, d := range dtypes {
			call := fmt.Sprintf("SumTo(%v, %v)", x, tt.to)
			t.Run(call+"/"+d.String(), func(t *testing.T) {
				checkTensor(t, call, tensor.SumTo(x.AsType(d), tt.to...), d, tt.to, tt.want, 0)
			})
		}
	}
	t.Run("zero size", func(t *testing.T) {
		checkTensor(t, "SumTo([0 3], 3)", tensor.SumTo(tensor.Zeros(f64, 0, 3), 3), f64, tensor.Shape{3}, []float64{0, 0, 0}, 0)
		checkTensor(t, "SumTo([2 0], 2, 1)", tensor.SumTo(tensor.Ones(f32, 2, 0), 2, 1), f32, tensor.Shape{2, 1}, []float64{0, 0}, 0)
		checkTensor(t, "SumTo([2 0], 0)", tensor.SumTo(tensor.Ones(f32, 2, 0), 0), f32, tensor.Shape{0}, nil, 0)
	})

	// Adjoint of BroadcastTo: <BroadcastTo(a), b> = <a, SumTo(b)>.
	pairs := []struct{ small, big tensor.Shape }{
		{tensor.Shape{3}, tensor.Shape{4, 3}},
		{tensor.Shape{4, 1}, tensor.Shape{4, 5}},
		{tensor.Shape{1, 3, 1}, tensor.Shape{2, 3, 4}},
		{nil, tensor.Shape{2, 3}},
		{tensor.Shape{2, 1, 4}, tensor.Shape{5, 2, 3, 4}},
		{tensor.Shape{1}, tensor.Shape{1}},
		{tensor.Shape{1, 1}, tensor.Shape{3, 1, 6}},
	}
	for _, p := range pairs {
		for _, d := range dtypes {
			call := fmt.Sprintf("SumTo(%v %v, %v)", d, p.big, p.small)
			t.Run("adjoint "+call, func(t *testing.T) {
				a := randn(11, d, p.small...)
				b := randn(12, d, p.big...)
				sb := tensor.SumTo(b, p.small...)
				if !sb.Shape().Equal(p.small) {
					t.Fatalf("%s.Shape() = %v; want %v", call, sb.Shape(), p.small)
				}
				lhs := dot(tensor.BroadcastTo(a, p.big...), b)
				rhs := dot(a, sb)
				if !closeFloat(lhs, rhs, tolFor(d)) {
					t.Errorf("<BroadcastTo(a, %v), b> = %v; <a, %s> = %v; want equal", p.big, lhs, call, rhs)
				}
				// SumTo(BroadcastTo(y)) multiplies y by the expansion factor.
				back := tensor.SumTo(tensor.BroadcastTo(a, p.big...), p.small...)
				k := float64(p.big.Size() / p.small.Size())
				checkTensor(t, "SumTo(BroadcastTo(a))", back, d, p.small, roundAll(d, tensor.Mul(a.AsType(f64), tensor.Scalar(k)).Data()), tolFor(d))
			})
		}
	}

	fails := []struct{ from, to tensor.Shape }{
		{tensor.Shape{2, 3}, tensor.Shape{4}},
		{tensor.Shape{2, 3}, tensor.Shape{3, 3}},
		{tensor.Shape{2, 3}, tensor.Shape{1, 2, 3}},
		{tensor.Shape{2, 3}, tensor.Shape{2}},
		{tensor.Shape{1}, tensor.Shape{3}},
	}
	for _, tt := range fails {
		call := fmt.Sprintf("SumTo(%v, %v)", tt.from, tt.to)
		t.Run("fails/"+call, func(t *testing.T) {
			mustPanic(t, call, func() { tensor.SumTo(tensor.Zeros(f64, tt.from...), tt.to...) }, shapeErr)
		})
	}
	mustPanicWith(t, "SumTo([2 3], 4)", func() { tensor.SumTo(tensor.Zeros(f64, 2, 3), 4) }, shapeErr,
		"tensor: SumTo: incompatible shapes [4] and [2 3]")
}

// naiveSlice selects x[ranges] one element at a time.
func naiveSlice(x *tensor.Tensor, ranges []tensor.Range) *tensor.Tensor {
	shape := x.Shape().Clone()
	for i, r := range ranges {
		step := max(r.Step, 1)
		n := 0
		for k := r.Start; k < r.Stop; k += step {
			n++
		}
		shape[i] = n
	}
	out := tensor.New(x.DType(), shape...)
	for i := range shape.Size() {
		idx := unravel(i, shape)
		src := slices.Clone(idx)
		for a, r := range ranges {
			src[a] = r.Start + idx[a]*max(r.Step, 1)
		}
		out.Set(x.At(src...), idx...)
	}
	return out
}

var sliceCases = []struct {
	name   string
	shape  tensor.Shape
	ranges []tensor.Range
}{
	{"whole", tensor.Shape{2, 3, 4}, []tensor.Range{{0, 2, 1}, {0, 3, 1}, {0, 4, 1}}},
	{"no ranges", tensor.Shape{2, 3, 4}, nil},
	{"leading only", tensor.Shape{2, 3, 4}, []tensor.Range{{1, 2, 0}}},
	{"two leading", tensor.Shape{2, 3, 4}, []tensor.Range{{0, 2, 1}, {1, 3, 0}}},
	{"steps", tensor.Shape{2, 3, 4}, []tensor.Range{{0, 2, 1}, {0, 3, 2}, {1, 4, 2}}},
	{"step larger than axis", tensor.Shape{5, 7}, []tensor.Range{{1, 5, 10}, {0, 7, 3}}},
	{"step not dividing", tensor.Shape{10}, []tensor.Range{{1, 8, 3}}},
	{"empty range", tensor.Shape{4, 3}, []tensor.Range{{2, 2, 1}}},
	{"empty at end", tensor.Shape{4, 3}, []tensor.Range{{4, 4, 1}, {1, 2, 1}}},
	{"zero size", tensor.Shape{0, 3}, []tensor.Range{{0, 0, 1}, {1, 3, 1}}},
	{"4-d", tensor.Shape{3, 4, 2, 5}, []tensor.Range{{1, 3, 1}, {0, 4, 3}, {1, 2, 1}, {0, 5, 2}}},
	{"scalar", nil, nil},
}

func TestSlice(t *testing.T) {
	t.Run("hand", func(t *testing.T) {
		x := tensor.Arange(f64, 0, 10, 1)
		// Python's range(1, 8, 3) is 1, 4, 7.
		checkTensor(t, "Slice(0..9, {1 8 3})", tensor.Slice(x, tensor.Range{Start: 1, Stop: 8, Step: 3}), f64,
			tensor.Shape{3}, []float64{1, 4, 7}, 0)
		m := tensor.Reshape(tensor.Arange(f32, 0, 12, 1), 3, 4)
		checkTensor(t, "Slice(0..11 as [3 4], {1 3 1}, {0 4 2})",
			tensor.Slice(m, tensor.Range{Start: 1, Stop: 3, Step: 1}, tensor.Range{Start: 0, Stop: 4, Step: 2}),
			f32, tensor.Shape{2, 2}, []float64{4, 6, 8, 10}, 0)
	})
	for _, tt := range sliceCases {
		for _, d := range dtypes {
			call := fmt.Sprintf("Slice(%v %v, %v)", d, tt.shape, tt.ranges)
			t.Run(tt.name+"/"+d.String(), func(t *testing.T) {
				x := randn(21, d, tt.shape...)
				xd := x.Data()
				got := tensor.Slice(x, tt.ranges...)
				sameTensor(t, call, got, naiveSlice(x, tt.ranges), 0)
				checkTensor(t, call+" operand", x, d, tt.shape, xd, 0)
			})
		}
	}

	x := tensor.Zeros(f64, 2, 3, 4)
	fails := []struct {
		name   string
		ranges []tensor.Range
		msg    string
	}{
		{"negative start", []tensor.Range{{-1, 2, 1}}, "tensor: Slice: shape [2 3 4]: range -1:2:1 out of bounds for axis 0"},
		{"stop past end", []tensor.Range{{0, 2, 1}, {0, 4, 1}}, "tensor: Slice: shape [2 3 4]: range 0:4:1 out of bounds for axis 1"},
		{"start after stop", []tensor.Range{{2, 1, 1}}, "tensor: Slice: shape [2 3 4]: range 2:1:1 out of bounds for axis 0"},
		{"negative step", []tensor.Range{{0, 2, -1}}, "tensor: Slice: shape [2 3 4]: range 0:2:-1 out of bounds for axis 0"},
		{"too many ranges", []tensor.Range{{0, 1, 1}, {0, 1, 1}, {0, 1, 1}, {0, 1, 1}}, "tensor: Slice: shape [2 3 4]: 4 ranges for rank 3"},
	}
	for _, tt := range fails {
		t.Run("fails/"+tt.name, func(t *testing.T) {
			mustPanicWith(t, fmt.Sprintf("Slice([2 3 4], %v)", tt.ranges), func() { tensor.Slice(x, tt.ranges...) }, shapeErr, tt.msg)
		})
	}
}

func TestEmbed(t *testing.T) {
	t.Run("hand", func(t *testing.T) {
		x := tensor.FromFloat64s([]float64{1, 2})
		got := tensor.Embed(x, tensor.Shape{5}, tensor.Range{Start: 1, Stop: 5, Step: 2})
		checkTensor(t, "Embed([1 2], [5], {1 5 2})", got, f64, tensor.Shape{5}, []float64{0, 1, 0, 2, 0}, 0)
		y := tensor.FromFloat32s([]float32{1, 2, 3}, 1, 3)
		got = tensor.Embed(y, tensor.Shape{2, 3}, tensor.Range{Start: 1, Stop: 2})
		checkTensor(t, "Embed([[1 2 3]], [2 3], {1 2 0})", got, f32, tensor.Shape{2, 3}, []float64{0, 0, 0, 1, 2, 3}, 0)
	})
	// Adjoint of Slice: <Slice(x, r), y> = <x, Embed(y, x.Shape(), r)>.
	for _, tt := range sliceCases {
		for _, d := range dtypes {
			call := fmt.Sprintf("Embed(y, %v, %v)", tt.shape, tt.ranges)
			t.Run("adjoint "+tt.name+"/"+d.String(), func(t *testing.T) {
				x := randn(31, d, tt.shape...)
				sx := tensor.Slice(x, tt.ranges...)
				y := randn(32, d, sx.Shape()...)
				e := tensor.Embed(y, tt.shape, tt.ranges...)
				if !e.Shape().Equal(tt.shape) || e.DType() != d {
					t.Fatalf("%s has shape %v dtype %v; want %v %v", call, e.Shape(), e.DType(), tt.shape, d)
				}
				lhs, rhs := dot(sx, y), dot(x, e)
				if !closeFloat(lhs, rhs, tolFor(d)) {
					t.Errorf("<Slice(x, %v), y> = %v; <x, %s> = %v; want equal", tt.ranges, lhs, call, rhs)
				}
				// Slice undoes Embed, and Embed puts zeros elsewhere.
				sameTensor(t, "Slice("+call+")", tensor.Slice(e, tt.ranges...), y, 0)
				if got, want := naiveSum(tensor.Abs(e)), naiveSum(tensor.Abs(y)); !closeFloat(got, want, tolFor(d)) {
					t.Errorf("sum |%s| = %v; want sum |y| = %v", call, got, want)
				}
			})
		}
	}
	t.Run("fails", func(t *testing.T) {
		mustPanicWith(t, "Embed([3], [5], {1 5 2})",
			func() { tensor.Embed(tensor.Zeros(f64, 3), tensor.Shape{5}, tensor.Range{Start: 1, Stop: 5, Step: 2}) },
			shapeErr, "tensor: Embed: incompatible shapes [3] and [2]")
		mustPanic(t, "Embed([2], [5], {4 6 1})",
			func() { tensor.Embed(tensor.Zeros(f64, 2), tensor.Shape{5}, tensor.Range{Start: 4, Stop: 6, Step: 1}) }, shapeErr)
		mustPanic(t, "Embed([2 3], [2 3], {0 2 1}, {0 3 1}, {0 1 1})",
			func() {
				tensor.Embed(tensor.Zeros(f64, 2, 3), tensor.Shape{2, 3},
					tensor.Range{Start: 0, Stop: 2}, tensor.Range{Start: 0, Stop: 3}, tensor.Range{Start: 0, Stop: 1})
			}, shapeErr)
	})
}

// checkConcat checks that the pieces of got along axis are the xs.
func checkConcat(t *testing.T, call string, got *tensor.Tensor, axis int, xs []*tensor.Tensor) {
	t.Helper()
	off := 0
	for i, x := range xs {
		ranges := make([]tensor.Range, x.Rank())
		for a := range ranges {
			ranges[a] = tensor.Range{Start: 0, Stop: got.Shape()[a], Step: 1}
		}
		ranges[axis] = tensor.Range{Start: off, Stop: off + x.Shape()[axis], Step: 1}
		sameTensor(t, fmt.Sprintf("%s part %d", call, i), tensor.Slice(got, ranges...), x, 0)
		off += x.Shape()[axis]
	}
	if off != got.Shape()[axis] {
		t.Errorf("%s has size %d along axis %d; want %d", call, got.Shape()[axis], axis, off)
	}
}

func TestConcat(t *testing.T) {
	t.Run("hand", func(t *testing.T) {
		a := tensor.FromFloat64s([]float64{1, 2}, 1, 2)
		b := tensor.FromFloat64s([]float64{3, 4, 5, 6}, 2, 2)
		checkTensor(t, "Concat(0, [[1 2]], [[3 4] [5 6]])", tensor.Concat(0, a, b), f64, tensor.Shape{3, 2},
			[]float64{1, 2, 3, 4, 5, 6}, 0)
		c := tensor.FromFloat64s([]float64{7, 8}, 2, 1)
		checkTensor(t, "Concat(1, [[3 4] [5 6]], [[7] [8]])", tensor.Concat(1, b, c), f64, tensor.Shape{2, 3},
			[]float64{3, 4, 7, 5, 6, 8}, 0)
		checkTensor(t, "Concat(-1, [[3 4] [5 6]], [[7] [8]])", tensor.Concat(-1, b, c), f64, tensor.Shape{2, 3},
			[]float64{3, 4, 7, 5, 6, 8}, 0)
	})
	base := tensor.Shape{2, 3, 4}
	for _, d := range dtypes {
		for axis := -3; axis < 3; axis++ {
			a := (axis + 3) % 3
			var xs []*tensor.Tensor
			for i, n := range []int{1, 0, 3, 2} {
				s := base.Clone()
				s[a] = n
				xs = append(xs, randn(uint64(40+i), d, s...))
			}
			call := fmt.Sprintf("Concat(%d, %v pieces)", axis, d)
			t.Run(call, func(t *testing.T) {
				got := tensor.Concat(axis, xs...)
				want := base.Clone()
				want[a] = 6
				if !got.Shape().Equal(want) || got.DType() != d {
					t.Fatalf("%s has shape %v dtype %v; want %v %v", call, got.Shape(), got.DType(), want, d)
				}
				checkConcat(t, call, got, a, xs)
			})
		}
	}
	t.Run("single copies", func(t *testing.T) {
		x := tensor.FromFloat32s([]float32{1, 2, 3})
		y := tensor.Concat(0, x)
		sameTensor(t, "Concat(0, x)", y, x, 0)
		y.Set(9, 0)
		if x.At(0) != 1 {
			t.Errorf("Concat(0, x) shares storage with x")
		}
	})

	x23 := tensor.Zeros(f64, 2, 3)
	fails := []struct {
		name string
		f    func()
		want any
		msg  string
	}{
		{"no tensors", func() { tensor.Concat(0) }, shapeErr, "tensor: Concat: no tensors"},
		{"scalars", func() { tensor.Concat(0, tensor.Scalar(1), tensor.Scalar(2)) }, shapeErr,
			"tensor: Concat: shape []: cannot concatenate scalars"},
		{"axis too large", func() { tensor.Concat(2, x23, x23) }, shapeErr,
			"tensor: Concat: shape [2 3]: axis 2 out of range for rank 2"},
		{"axis too negative", func() { tensor.Concat(-3, x23, x23) }, shapeErr,
			"tensor: Concat: shape [2 3]: axis -3 out of range for rank 2"},
		{"rank mismatch", func() { tensor.Concat(0, x23, tensor.Zeros(f64, 3)) }, shapeErr,
			"tensor: Concat: incompatible shapes [2 3] and [3]: sizes differ off axis 0"},
		{"off-axis size", func() { tensor.Concat(0, x23, x23, tensor.Zeros(f64, 2, 4)) }, shapeErr,
			"tensor: Concat: incompatible shapes [2 3], [2 3] and [2 4]: sizes differ off axis 0"},
		{"dtype", func() { tensor.Concat(0, x23, tensor.Zeros(f32, 2, 3)) }, dtypeErr,
			"tensor: Concat: mixed element types float64 and float32"},
	}
	for _, tt := range fails {
		t.Run("fails/"+tt.name, func(t *testing.T) {
			mustPanicWith(t, "Concat "+tt.name, tt.f, tt.want, tt.msg)
		})
	}
}

func TestStack(t *testing.T) {
	t.Run("hand", func(t *testing.T) {
		a := tensor.FromFloat64s([]float64{1, 2, 3})
		b := tensor.FromFloat64s([]float64{4, 5, 6})
		checkTensor(t, "Stack(0, [1 2 3], [4 5 6])", tensor.Stack(0, a, b), f64, tensor.Shape{2, 3},
			[]float64{1, 2, 3, 4, 5, 6}, 0)
		checkTensor(t, "Stack(1, [1 2 3], [4 5 6])", tensor.Stack(1, a, b), f64, tensor.Shape{3, 2},
			[]float64{1, 4, 2, 5, 3, 6}, 0)
		checkTensor(t, "Stack(-1, [1 2 3], [4 5 6])", tensor.Stack(-1, a, b), f64, tensor.Shape{3, 2},
			[]float64{1, 4, 2, 5, 3, 6}, 0)
		s := tensor.Stack(0, tensor.Scalar32(1), tensor.Scalar32(2), tensor.Scalar32(3))
		checkTensor(t, "Stack(0, 1, 2, 3)", s, f32, tensor.Shape{3}, []float64{1, 2, 3}, 0)
	})
	for _, d := range dtypes {
		xs := []*tensor.Tensor{randn(50, d, 2, 3), randn(51, d, 2, 3), randn(52, d, 2, 3), randn(53, d, 2, 3)}
		for axis := -3; axis < 3; axis++ {
			a := (axis + 3) % 3
			call := fmt.Sprintf("Stack(%d, 4 × %v [2 3])", axis, d)
			t.Run(call, func(t *testing.T) {
				got := tensor.Stack(axis, xs...)
				want := slices.Insert(tensor.Shape{2, 3}, a, 4)
				if !got.Shape().Equal(want) {
					t.Fatalf("%s.Shape() = %v; want %v", call, got.Shape(), want)
				}
				for k, x := range xs {
					ranges := []tensor.Range{{0, want[0], 1}, {0, want[1], 1}, {0, want[2], 1}}
					ranges[a] = tensor.Range{Start: k, Stop: k + 1, Step: 1}
					part := tensor.Reshape(tensor.Slice(got, ranges...), 2, 3)
					sameTensor(t, fmt.Sprintf("%s part %d", call, k), part, x, 0)
				}
			})
		}
	}

	x := tensor.Zeros(f64, 2, 3)
	fails := []struct {
		name string
		f    func()
		want any
		msg  string
	}{
		{"no tensors", func() { tensor.Stack(0) }, shapeErr, "tensor: Stack: no tensors"},
		{"axis too large", func() { tensor.Stack(3, x, x) }, shapeErr, "tensor: Stack: shape [2 3]: axis 3 out of range"},
		{"axis too negative", func() { tensor.Stack(-4, x, x) }, shapeErr, "tensor: Stack: shape [2 3]: axis -4 out of range"},
		{"shapes differ", func() { tensor.Stack(0, x, tensor.Zeros(f64, 3, 2)) }, shapeErr,
			"tensor: Stack: incompatible shapes [2 3] and [3 2]"},
		{"dtype", func() { tensor.Stack(0, x, tensor.Zeros(f32, 2, 3)) }, dtypeErr, ""},
	}
	for _, tt := range fails {
		t.Run("fails/"+tt.name, func(t *testing.T) {
			if tt.msg == "" {
				mustPanic(t, "Stack "+tt.name, tt.f, tt.want)
			} else {
				mustPanicWith(t, "Stack "+tt.name, tt.f, tt.want, tt.msg)
			}
		})
	}
}
