package tensor_test

import (
	"fmt"
	"testing"

	"github.com/seed812a03d2/backprop/tensor"
)

// naiveMatMul is the triple loop over every output element, with the batch
// axes broadcast index by index, in float64.
func naiveMatMul(x, y *tensor.Tensor) (tensor.Shape, []float64) {
	xs, ys := x.Shape(), y.Shape()
	m, k, n := xs[len(xs)-2], xs[len(xs)-1], ys[len(ys)-1]
	xb, yb := xs[:len(xs)-2], ys[:len(ys)-2]
	batch := tensor.BroadcastShapes("naive", xb, yb)
	shape := append(batch.Clone(), m, n)
	out := make([]float64, shape.Size())
	for i := range out {
		idx := unravel(i, shape)
		b, r, c := idx[:len(batch)], idx[len(batch)], idx[len(batch)+1]
		xi := append(broadcastIndex(b, xb), r, 0)
		yi := append(broadcastIndex(b, yb), 0, c)
		s := 0.0
		for p := range k {
			xi[len(xi)-1], yi[len(yi)-2] = p, p
			s += x.At(xi...) * y.At(yi...)
		}
		out[i] = s
	}
	return shape, out
}

func TestMatMulHand(t *testing.T) {
	// Computed by hand.
	for _, d := range dtypes {
		t.Run(d.String(), func(t *testing.T) {
			x := fromData(d, []float64{1, 2, 3, 4}, 2, 2)
			y := fromData(d, []float64{5, 6, 7, 8}, 2, 2)
			checkTensor(t, "MatMul([[1 2] [3 4]], [[5 6] [7 8]])", tensor.MatMul(x, y), d, tensor.Shape{2, 2},
				[]float64{19, 22, 43, 50}, 0)
			r := fromData(d, []float64{1, 2, 3}, 1, 3)
			c := fromData(d, []float64{4, 5, 6}, 3, 1)
			checkTensor(t, "MatMul([[1 2 3]], [[4] [5] [6]])", tensor.MatMul(r, c), d, tensor.Shape{1, 1}, []float64{32}, 0)
			checkTensor(t, "MatMul([[4] [5] [6]], [[1 2 3]])", tensor.MatMul(c, r), d, tensor.Shape{3, 3},
				[]float64{4, 8, 12, 5, 10, 15, 6, 12, 18}, 0)
		})
	}
}

func TestMatMul2DVsNaive(t *testing.T) {
	sizes := []struct{ m, k, n int }{
		{1, 1, 1}, {1, 5, 1}, {1, 4, 3}, {3, 4, 1}, {5, 1, 3}, {3, 4, 5}, {7, 6, 8}, {16, 9, 4},
		{0, 3, 2}, {2, 0, 3}, {2, 3, 0},
	}
	for _, d := range dtypes {
		for i, sz := range sizes {
			call := fmt.Sprintf("MatMul(%v [%d %d], [%d %d])", d, sz.m, sz.k, sz.k, sz.n)
			t.Run(call, func(t *testing.T) {
				x := randn(uint64(60+2*i), d, sz.m, sz.k)
				y := randn(uint64(61+2*i), d, sz.k, sz.n)
				xd, yd := x.Data(), y.Data()
				shape, want := naiveMatMul(x, y)
				checkTensor(t, call, tensor.MatMul(x, y), d, shape, roundAll(d, want), tolFor(d))
				checkTensor(t, call+" operand x", x, d, x.Shape(), xd, 0)
				checkTensor(t, call+" operand y", y, d, y.Shape(), yd, 0)
			})
		}
	}
}

func TestMatMulBatched(t *testing.T) {
	tests := []struct {
		x, y, want tensor.Shape
	}{
		{tensor.Shape{2, 3, 4}, tensor.Shape{4, 5}, tensor.Shape{2, 3, 5}},
		{tensor.Shape{3, 4}, tensor.Shape{2, 4, 5}, tensor.Shape{2, 3, 5}},
		{tensor.Shape{2, 3, 4}, tensor.Shape{2, 4, 5}, tensor.Shape{2, 3, 5}},
		{tensor.Shape{1, 3, 4}, tensor.Shape{2, 4, 5}, tensor.Shape{2, 3, 5}},
		{tensor.Shape{2, 3, 4}, tensor.Shape{1, 4, 5}, tensor.Shape{2, 3, 5}},
		{tensor.Shape{2, 1, 3, 4}, tensor.Shape{5, 4, 6}, tensor.Shape{2, 5, 3, 6}},
		{tensor.Shape{3, 1, 2, 2}, tensor.Shape{1, 4, 2, 3}, tensor.Shape{3, 4, 2, 3}},
		{tensor.Shape{1, 1, 1, 4}, tensor.Shape{4, 1}, tensor.Shape{1, 1, 1, 1}},
		{tensor.Shape{0, 3, 4}, tensor.Shape{4, 2}, tensor.Shape{0, 3, 2}},
		{tensor.Shape{2, 3, 0}, tensor.Shape{2, 0, 2}, tensor.Shape{2, 3, 2}},
	}
	for _, d := range dtypes {
		for i, tt := range tests {
			call := fmt.Sprintf("MatMul(%v %v, %v)", d, tt.x, tt.y)
			t.Run(call, func(t *testing.T) {
				x := randn(uint64(80+2*i), d, tt.x...)
				y := randn(uint64(81+2*i), d, tt.y...)
				shape, want := naiveMatMul(x, y)
				if !shape.Equal(tt.want) {
					t.Fatalf("naive reference has shape %v; want %v", shape, tt.want)
				}
				checkTensor(t, call, tensor.MatMul(x, y), d, tt.want, roundAll(d, want), tolFor(d))
			})
		}
	}
	t.Run("each batch is its own product", func(t *testing.T) {
		// [2 3 4]·[4 5]: batch b of the result is x[b]·y.
		x, y := randn(90, f64, 2, 3, 4), randn(91, f64, 4, 5)
		got := tensor.MatMul(x, y)
		for b := range 2 {
			xb := tensor.Reshape(tensor.Slice(x, tensor.Range{Start: b, Stop: b + 1}), 3, 4)
			gb := tensor.Reshape(tensor.Slice(got, tensor.Range{Start: b, Stop: b + 1}), 3, 5)
			sameTensor(t, fmt.Sprintf("MatMul(x, y)[%d]", b), gb, tensor.MatMul(xb, y), 0)
		}
	})
}

func TestMatMulNonFinite(t *testing.T) {
	// IEEE 754: Inf*0 = NaN, so a zero must not be skipped.
	for _, d := range dtypes {
		t.Run(d.String(), func(t *testing.T) {
			x := fromData(d, []float64{inf, 1}, 1, 2)
			y := fromData(d, []float64{0, 2}, 2, 1)
			checkTensor(t, "MatMul([[+Inf 1]], [[0] [2]])", tensor.MatMul(x, y), d, tensor.Shape{1, 1}, []float64{nan}, 0)
			z := fromData(d, []float64{0, 1}, 1, 2)
			w := fromData(d, []float64{inf, 2}, 2, 1)
			checkTensor(t, "MatMul([[0 1]], [[+Inf] [2]])", tensor.MatMul(z, w), d, tensor.Shape{1, 1}, []float64{nan}, 0)
			// A NaN spreads along its row of x and nowhere else.
			a := fromData(d, []float64{nan, 0, 1, 1}, 2, 2)
			checkTensor(t, "MatMul([[NaN 0] [1 1]], I)", tensor.MatMul(a, fromData(d, []float64{1, 0, 0, 1}, 2, 2)), d,
				tensor.Shape{2, 2}, []float64{nan, nan, 1, 1}, 0)
			// Batched too.
			bx := fromData(d, []float64{1, 1, 0, 0}, 2, 1, 2)
			by := fromData(d, []float64{inf, 1}, 2, 1)
			checkTensor(t, "MatMul([[[1 1]] [[0 0]]], [[+Inf] [1]])", tensor.MatMul(bx, by), d,
				tensor.Shape{2, 1, 1}, []float64{inf, nan}, 0)
		})
	}
}

func TestMatMulErrors(t *testing.T) {
	z := func(s ...int) *tensor.Tensor { return tensor.Zeros(f64, s...) }
	tests := []struct {
		name string
		x, y *tensor.Tensor
		msg  string
	}{
		{"inner mismatch", z(2, 3), z(2, 3), "tensor: MatMul: incompatible shapes [2 3] and [2 3]"},
		{"inner mismatch batched", z(4, 2, 3), z(4, 4, 3), "tensor: MatMul: incompatible shapes [4 2 3] and [4 4 3]"},
		{"vector left", z(3), z(3, 2), "tensor: MatMul: incompatible shapes [3] and [3 2]"},
		{"vector right", z(2, 3), z(3), "tensor: MatMul: incompatible shapes [2 3] and [3]"},
		{"scalars", tensor.Scalar(2), tensor.Scalar(3), "tensor: MatMul: incompatible shapes [] and []"},
		// The message names the whole operands, not just their batch axes.
		{"batch mismatch", z(2, 2, 3), z(3, 3, 2), "tensor: MatMul: incompatible shapes [2 2 3] and [3 3 2]"},
		{"batch mismatch 4-d", z(2, 4, 2, 3), z(3, 3, 2), "tensor: MatMul: incompatible shapes [2 4 2 3] and [3 3 2]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			call := fmt.Sprintf("MatMul(%v, %v)", tt.x.Shape(), tt.y.Shape())
			mustPanicWith(t, call, func() { tensor.MatMul(tt.x, tt.y) }, shapeErr, tt.msg)
			if err := tensor.Catch(func() { tensor.MatMul(tt.x, tt.y) }); err == nil || err.Error() != tt.msg {
				t.Errorf("Catch(%s) = %v; want %q", call, err, tt.msg)
			}
		})
	}
	t.Run("dtype", func(t *testing.T) {
		mustPanicWith(t, "MatMul(float64 [2 2], float32 [2 2])",
			func() { tensor.MatMul(tensor.Zeros(f64, 2, 2), tensor.Zeros(f32, 2, 2)) }, dtypeErr,
			"tensor: MatMul: mixed element types float64 and float32")
		// The dtype check comes first, even when the shapes are also bad.
		mustPanic(t, "MatMul(float32 [3], float64 [2 3])",
			func() { tensor.MatMul(tensor.Zeros(f32, 3), tensor.Zeros(f64, 2, 3)) }, dtypeErr)
	})
}

// swapLast returns x with its last two axes exchanged.
func swapLast(x *tensor.Tensor) *tensor.Tensor {
	r := x.Rank()
	perm := make([]int, r)
	for i := range perm {
		perm[i] = i
	}
	perm[r-2], perm[r-1] = r-1, r-2
	return tensor.Transpose(x, perm...)
}

func TestMatMulTransposed(t *testing.T) {
	// Shapes of op(x) and op(y) as MatMul sees them; the operands of
	// MatMulTransA and MatMulTransB are their transposes.
	tests := []struct{ x, y tensor.Shape }{
		{tensor.Shape{1, 1}, tensor.Shape{1, 1}},
		{tensor.Shape{1, 9}, tensor.Shape{9, 1}},
		{tensor.Shape{7, 13}, tensor.Shape{13, 29}},
		{tensor.Shape{37, 64}, tensor.Shape{64, 50}},
		{tensor.Shape{2, 3, 4}, tensor.Shape{4, 5}},
		{tensor.Shape{2, 1, 3, 4}, tensor.Shape{5, 4, 6}},
		{tensor.Shape{0, 3}, tensor.Shape{3, 2}},
		{tensor.Shape{2, 0}, tensor.Shape{0, 2}},
	}
	for _, d := range dtypes {
		for i, tt := range tests {
			x := randn(uint64(100+2*i), d, tt.x...)
			y := randn(uint64(101+2*i), d, tt.y...)
			shape, want := naiveMatMul(x, y)
			xt, yt := swapLast(x), swapLast(y)
			call := fmt.Sprintf("MatMulTransA(%v %v, %v)", d, xt.Shape(), tt.y)
			t.Run(call, func(t *testing.T) {
				checkTensor(t, call, tensor.MatMulTransA(xt, y), d, shape, roundAll(d, want), tolFor(d))
			})
			call = fmt.Sprintf("MatMulTransB(%v %v, %v)", d, tt.x, yt.Shape())
			t.Run(call, func(t *testing.T) {
				checkTensor(t, call, tensor.MatMulTransB(x, yt), d, shape, roundAll(d, want), tolFor(d))
			})
		}
	}
}

func TestMatMulTransposedErrors(t *testing.T) {
	z := func(s ...int) *tensor.Tensor { return tensor.Zeros(f64, s...) }
	tests := []struct {
		name string
		f    func(x, y *tensor.Tensor) *tensor.Tensor
		x, y *tensor.Tensor
		msg  string
	}{
		{"MatMulTransA", tensor.MatMulTransA, z(2, 3), z(3, 2), "tensor: MatMulTransA: incompatible shapes [2 3] and [3 2]"},
		{"MatMulTransA", tensor.MatMulTransA, z(3), z(3, 2), "tensor: MatMulTransA: incompatible shapes [3] and [3 2]"},
		{"MatMulTransA", tensor.MatMulTransA, z(2, 2, 3), z(3, 2, 2), "tensor: MatMulTransA: incompatible shapes [2 2 3] and [3 2 2]"},
		{"MatMulTransB", tensor.MatMulTransB, z(2, 3), z(3, 2), "tensor: MatMulTransB: incompatible shapes [2 3] and [3 2]"},
		{"MatMulTransB", tensor.MatMulTransB, z(2, 3), z(3), "tensor: MatMulTransB: incompatible shapes [2 3] and [3]"},
		{"MatMulTransB", tensor.MatMulTransB, z(2, 2, 3), z(3, 4, 3), "tensor: MatMulTransB: incompatible shapes [2 2 3] and [3 4 3]"},
	}
	for _, tt := range tests {
		call := fmt.Sprintf("%s(%v, %v)", tt.name, tt.x.Shape(), tt.y.Shape())
		t.Run(call, func(t *testing.T) {
			mustPanicWith(t, call, func() { tt.f(tt.x, tt.y) }, shapeErr, tt.msg)
		})
	}
	mustPanicWith(t, "MatMulTransB(float64 [2 2], float32 [2 2])",
		func() { tensor.MatMulTransB(tensor.Zeros(f64, 2, 2), tensor.Zeros(f32, 2, 2)) }, dtypeErr,
		"tensor: MatMulTransB: mixed element types float64 and float32")
}

// TestMatMulSharedFilters checks the batched products whose first operand
// is broadcast over the batch, which pack it once (a convolution's
// filters against each image), against each product alone, bit for bit:
// shapes with two blocks along k and along m, edge tiles, and each
// transpose.
func TestMatMulSharedFilters(t *testing.T) {
	for _, d := range dtypes {
		for _, s := range [][3]int{{64, 196, 288}, {250, 20, 300}, {7, 9, 11}, {13, 33, 600}} {
			m, n, k := s[0], s[1], s[2]
			for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}} {
				xs, ys := tensor.Shape{1, m, k}, tensor.Shape{5, k, n}
				if tr[0] {
					xs = tensor.Shape{1, k, m}
				}
				if tr[1] {
					ys = tensor.Shape{5, n, k}
				}
				x, y := randn(uint64(m), d, xs...), randn(uint64(n), d, ys...)
				got := tensor.MatMulWith(nil, x, y, tr[0], tr[1])
				x2 := tensor.Reshape(x, xs[1], xs[2])
				for b := range 5 {
					yb := tensor.Reshape(tensor.Slice(y, tensor.Range{Start: b, Stop: b + 1}), ys[1], ys[2])
					gb := tensor.Reshape(tensor.Slice(got, tensor.Range{Start: b, Stop: b + 1}), m, n)
					sameTensor(t, fmt.Sprintf("%v %v·%v trans %v, product %d", d, xs, ys, tr, b), gb, tensor.MatMulWith(nil, x2, yb, tr[0], tr[1]), 0)
				}
			}
		}
	}
}
