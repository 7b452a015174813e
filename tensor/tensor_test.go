package tensor_test

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/seed812a03d2/backprop/tensor"
)

// ---------------------------------------------------------------------------
// Helpers shared by every test file of the package.

var (
	f64 = tensor.Float64
	f32 = tensor.Float32

	dtypes = []tensor.DType{tensor.Float64, tensor.Float32}

	inf  = math.Inf(1)
	nan  = math.NaN()
	negZ = math.Copysign(0, -1)

	shapeErr *tensor.ShapeError
	dtypeErr *tensor.DTypeError
)

// mustPanic calls f and checks that it panics with a value of the same
// dynamic type as want (such as (*tensor.ShapeError)(nil)). It returns the
// panic value, or nil if f returned normally.
func mustPanic(t *testing.T, call string, f func(), want any) any {
	t.Helper()
	got, panicked := recovered(f)
	if !panicked {
		t.Errorf("%s did not panic; want a panic with %T", call, want)
		return nil
	}
	if reflect.TypeOf(got) != reflect.TypeOf(want) {
		t.Errorf("%s panicked with %T (%v); want %T", call, got, got, want)
	}
	return got
}

// mustPanicWith is mustPanic that also checks the panic value's Error().
func mustPanicWith(t *testing.T, call string, f func(), want any, msg string) {
	t.Helper()
	got := mustPanic(t, call, f, want)
	if err, ok := got.(error); ok && err.Error() != msg {
		t.Errorf("%s panicked with %q; want %q", call, err.Error(), msg)
	}
}

func recovered(f func()) (v any, panicked bool) {
	defer func() {
		if panicked {
			v = recover()
		}
	}()
	panicked = true
	f()
	panicked = false
	return nil, false
}

// tolFor is the relative tolerance for results that are rounded differently
// from a float64 reference (sums in another order, say).
func tolFor(d tensor.DType) float64 {
	if d == tensor.Float32 {
		return 1e-4
	}
	return 1e-12
}

// sameFloat reports whether a and b are equal or both NaN.
func sameFloat(a, b float64) bool {
	return a == b || (math.IsNaN(a) && math.IsNaN(b))
}

// closeFloat reports whether a and b agree within tol, relative to the
// larger of 1 and their magnitudes. NaN matches only NaN and an infinity
// only itself.
func closeFloat(a, b, tol float64) bool {
	if sameFloat(a, b) {
		return true
	}
	if math.IsNaN(a) || math.IsNaN(b) || math.IsInf(a, 0) || math.IsInf(b, 0) {
		return false
	}
	return math.Abs(a-b) <= tol*max(1, math.Abs(a), math.Abs(b))
}

// round rounds v to the precision of d, the way a kernel of that dtype
// stores a float64 result.
func round(d tensor.DType, v float64) float64 {
	if d == tensor.Float32 {
		return float64(float32(v))
	}
	return v
}

// roundAll is round for a slice; it returns a new slice.
func roundAll(d tensor.DType, vs []float64) []float64 {
	out := make([]float64, len(vs))
	for i, v := range vs {
		out[i] = round(d, v)
	}
	return out
}

// fromData returns a tensor of dtype d holding data (rounded for float32).
// With no shape the tensor is 1-d.
func fromData(d tensor.DType, data []float64, shape ...int) *tensor.Tensor {
	return tensor.FromFloat64s(append([]float64(nil), data...), shape...).AsType(d)
}

// checkTensor checks the dtype, shape and elements of got; elements must
// agree within tol (0 means exactly, NaN matching NaN).
func checkTensor(t *testing.T, call string, got *tensor.Tensor, d tensor.DType, shape tensor.Shape, want []float64, tol float64) {
	t.Helper()
	if got.DType() != d {
		t.Errorf("%s.DType() = %v; want %v", call, got.DType(), d)
	}
	if !got.Shape().Equal(shape) {
		t.Errorf("%s.Shape() = %v; want %v", call, got.Shape(), shape)
		return
	}
	data := got.Data()
	if len(data) != len(want) {
		t.Errorf("%s has %d elements; want %d", call, len(data), len(want))
		return
	}
	bad := 0
	for i := range data {
		if !closeFloat(data[i], want[i], tol) {
			if bad < 5 {
				t.Errorf("%s element %v = %v; want %v", call, unravel(i, shape), data[i], want[i])
			}
			bad++
		}
	}
	if bad > 5 {
		t.Errorf("%s: %d more wrong elements", call, bad-5)
	}
}

// sameTensor checks that got and want have the same dtype and shape and
// agree within tol.
func sameTensor(t *testing.T, call string, got, want *tensor.Tensor, tol float64) {
	t.Helper()
	checkTensor(t, call, got, want.DType(), want.Shape(), want.Data(), tol)
}

// unravel returns the index of the flat row-major position i in shape.
func unravel(i int, shape tensor.Shape) []int {
	idx := make([]int, len(shape))
	for a := len(shape) - 1; a >= 0; a-- {
		if shape[a] > 0 {
			idx[a] = i % shape[a]
			i /= shape[a]
		}
	}
	return idx
}

// broadcastIndex maps an index of the broadcast shape onto an operand of
// shape s, aligned at the last axis: size-1 axes take index 0.
func broadcastIndex(idx []int, s tensor.Shape) []int {
	out := make([]int, len(s))
	lead := len(idx) - len(s)
	for a := range s {
		if s[a] != 1 {
			out[a] = idx[lead+a]
		}
	}
	return out
}

// naiveSum returns the sum of every element of x, in float64.
func naiveSum(x *tensor.Tensor) float64 {
	s := 0.0
	for _, v := range x.Data() {
		s += v
	}
	return s
}

// dot returns the float64 inner product of the elements of x and y.
func dot(x, y *tensor.Tensor) float64 {
	a, b := x.Data(), y.Data()
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func randn(seed uint64, d tensor.DType, shape ...int) *tensor.Tensor {
	return tensor.RandNormal(tensor.NewRand(seed), d, 0, 1, shape...)
}

func seq(n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = float64(i)
	}
	return out
}

func filled(n int, v float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// ---------------------------------------------------------------------------
// DType, Shape and the error types.

func TestDTypeString(t *testing.T) {
	tests := []struct {
		d    tensor.DType
		want string
	}{
		{tensor.Float64, "float64"},
		{tensor.Float32, "float32"},
		{tensor.DType(7), "dtype(7)"},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("DType(%d).String() = %q; want %q", uint8(tt.d), got, tt.want)
		}
	}
	var zero tensor.DType
	if zero != tensor.Float64 {
		t.Errorf("zero DType = %v; want float64", zero)
	}
}

func TestShapeMethods(t *testing.T) {
	tests := []struct {
		name string
		s    tensor.Shape
		size int
		str  string
	}{
		{"nil", nil, 1, "[]"},
		{"empty", tensor.Shape{}, 1, "[]"},
		{"vector", tensor.Shape{4}, 4, "[4]"},
		{"matrix", tensor.Shape{2, 3}, 6, "[2 3]"},
		{"zero size", tensor.Shape{2, 0, 5}, 0, "[2 0 5]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.Size(); got != tt.size {
				t.Errorf("%v.Size() = %d; want %d", tt.s, got, tt.size)
			}
			if got := tt.s.String(); got != tt.str {
				t.Errorf("Shape(%v).String() = %q; want %q", []int(tt.s), got, tt.str)
			}
			c := tt.s.Clone()
			if !c.Equal(tt.s) || !tt.s.Equal(c) {
				t.Errorf("%v.Clone() = %v; want an equal shape", tt.s, c)
			}
			if len(c) > 0 {
				c[0]++
				if c.Equal(tt.s) {
					t.Errorf("%v.Clone() shares memory with its receiver", tt.s)
				}
			}
		})
	}

	eq := []struct {
		a, b tensor.Shape
		want bool
	}{
		{nil, tensor.Shape{}, true},
		{tensor.Shape{2, 3}, tensor.Shape{2, 3}, true},
		{tensor.Shape{2, 3}, tensor.Shape{3, 2}, false},
		{tensor.Shape{2, 3}, tensor.Shape{2, 3, 1}, false},
		{tensor.Shape{1}, nil, false},
	}
	for _, tt := range eq {
		if got := tt.a.Equal(tt.b); got != tt.want {
			t.Errorf("%v.Equal(%v) = %v; want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestErrorMessages(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"reason only", &tensor.ShapeError{Op: "Arange", Reason: "step is zero"},
			"tensor: Arange: step is zero"},
		{"one shape", &tensor.ShapeError{Op: "Item", Shapes: []tensor.Shape{{2, 3}}},
			"tensor: Item: shape [2 3]"},
		{"one shape and reason", &tensor.ShapeError{Op: "Sum", Shapes: []tensor.Shape{{2}}, Reason: "repeated axis"},
			"tensor: Sum: shape [2]: repeated axis"},
		{"two shapes", &tensor.ShapeError{Op: "MatMul", Shapes: []tensor.Shape{{2, 3}, {2, 3}}},
			"tensor: MatMul: incompatible shapes [2 3] and [2 3]"},
		{"three shapes and reason", &tensor.ShapeError{Op: "Concat", Shapes: []tensor.Shape{{1}, {2, 2}, nil}, Reason: "sizes differ off axis 0"},
			"tensor: Concat: incompatible shapes [1], [2 2] and []: sizes differ off axis 0"},
		{"one dtype", &tensor.DTypeError{Op: "New", DTypes: []tensor.DType{5}},
			"tensor: New: unsupported element type dtype(5)"},
		{"two dtypes", &tensor.DTypeError{Op: "Add", DTypes: []tensor.DType{f64, f32}},
			"tensor: Add: mixed element types float64 and float32"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q; want %q", got, tt.want)
			}
		})
	}
}

func TestCatch(t *testing.T) {
	t.Run("no panic", func(t *testing.T) {
		ran := false
		if err := tensor.Catch(func() { ran = true }); err != nil || !ran {
			t.Errorf("Catch(ok) = %v, ran %v; want <nil>, ran true", err, ran)
		}
	})
	t.Run("ShapeError", func(t *testing.T) {
		x := tensor.Zeros(f64, 2, 3)
		err := tensor.Catch(func() { tensor.MatMul(x, x) })
		var se *tensor.ShapeError
		if !errors.As(err, &se) {
			t.Fatalf("Catch(MatMul([2 3], [2 3])) = %T %v; want *ShapeError", err, err)
		}
		if se.Op != "MatMul" || len(se.Shapes) != 2 {
			t.Errorf("Catch(MatMul(...)) = %+v; want Op MatMul and two shapes", se)
		}
	})
	t.Run("same pointer", func(t *testing.T) {
		want := &tensor.ShapeError{Op: "X"}
		if err := tensor.Catch(func() { panic(want) }); err != want {
			t.Errorf("Catch(panic(e)) = %p; want %p", err, want)
		}
	})
	t.Run("DTypeError", func(t *testing.T) {
		err := tensor.Catch(func() { tensor.Add(tensor.Scalar(1), tensor.Scalar32(1)) })
		var de *tensor.DTypeError
		if !errors.As(err, &de) {
			t.Fatalf("Catch(Add(float64, float32)) = %T %v; want *DTypeError", err, err)
		}
		if want := "tensor: Add: mixed element types float64 and float32"; err.Error() != want {
			t.Errorf("Catch(Add(float64, float32)) = %q; want %q", err.Error(), want)
		}
	})
	t.Run("other panics go on", func(t *testing.T) {
		v, panicked := recovered(func() { tensor.Catch(func() { panic("boom") }) })
		if !panicked || v != "boom" {
			t.Errorf("Catch(panic(\"boom\")) panicked %v with %v; want a panic with \"boom\"", panicked, v)
		}
		plain := errors.New("plain error")
		v, panicked = recovered(func() { tensor.Catch(func() { panic(plain) }) })
		if !panicked || v != plain {
			t.Errorf("Catch(panic(err)) panicked %v with %v; want a panic with %v", panicked, v, plain)
		}
		v, _ = recovered(func() {
			tensor.Catch(func() {
				var s []int
				_ = s[len(s)] // index out of range
			})
		})
		if _, ok := v.(runtime.Error); !ok {
			t.Errorf("Catch(index out of range) panicked with %T; want runtime.Error", v)
		}
	})
}

// ---------------------------------------------------------------------------
// Constructors.

func TestNewZerosOnesFull(t *testing.T) {
	shapes := []tensor.Shape{nil, {0}, {3}, {2, 3}, {2, 0, 4}, {1, 1, 1}}
	ctors := []struct {
		name string
		make func(d tensor.DType, shape ...int) *tensor.Tensor
		v    float64
	}{
		{"New", tensor.New, 0},
		{"Zeros", tensor.Zeros, 0},
		{"Ones", tensor.Ones, 1},
		{"Full", func(d tensor.DType, s ...int) *tensor.Tensor { return tensor.Full(d, 0.1, s...) }, 0.1},
		{"FullInf", func(d tensor.DType, s ...int) *tensor.Tensor { return tensor.Full(d, -inf, s...) }, -inf},
		{"FullNaN", func(d tensor.DType, s ...int) *tensor.Tensor { return tensor.Full(d, nan, s...) }, nan},
	}
	for _, c := range ctors {
		for _, d := range dtypes {
			for _, s := range shapes {
				t.Run(fmt.Sprintf("%s/%v/%v", c.name, d, s), func(t *testing.T) {
					call := fmt.Sprintf("%s(%v, %v)", c.name, d, s)
					x := c.make(d, s...)
					checkTensor(t, call, x, d, s, filled(s.Size(), round(d, c.v)), 0)
					if x.Rank() != len(s) {
						t.Errorf("%s.Rank() = %d; want %d", call, x.Rank(), len(s))
					}
					if x.Size() != s.Size() {
						t.Errorf("%s.Size() = %d; want %d", call, x.Size(), s.Size())
					}
					if d == f64 && (x.Float32s() != nil || len(x.Float64s()) != s.Size()) {
						t.Errorf("%s storage: %d float64s, float32s nil %v; want %d float64s and nil float32s",
							call, len(x.Float64s()), x.Float32s() == nil, s.Size())
					}
					if d == f32 && (x.Float64s() != nil || len(x.Float32s()) != s.Size()) {
						t.Errorf("%s storage: %d float32s, float64s nil %v; want %d float32s and nil float64s",
							call, len(x.Float32s()), x.Float64s() == nil, s.Size())
					}
				})
			}
		}
	}

	t.Run("shape argument is copied", func(t *testing.T) {
		s := []int{2, 3}
		x := tensor.New(f64, s...)
		s[0] = 7
		if !x.Shape().Equal(tensor.Shape{2, 3}) {
			t.Errorf("New(float64, s...) after s[0] = 7 has shape %v; want [2 3]", x.Shape())
		}
	})
	t.Run("negative size", func(t *testing.T) {
		mustPanicWith(t, "New(float64, 2, -1)", func() { tensor.New(f64, 2, -1) }, shapeErr,
			"tensor: New: shape [2 -1]: negative size")
		mustPanic(t, "Ones(float32, -3)", func() { tensor.Ones(f32, -3) }, shapeErr)
		mustPanic(t, "Full(float64, 1, 0, -1)", func() { tensor.Full(f64, 1, 0, -1) }, shapeErr)
	})
	t.Run("unknown dtype", func(t *testing.T) {
		mustPanicWith(t, "New(dtype(9), 2)", func() { tensor.New(tensor.DType(9), 2) }, dtypeErr,
			"tensor: New: unsupported element type dtype(9)")
		mustPanic(t, "Zeros(dtype(2))", func() { tensor.Zeros(tensor.DType(2)) }, dtypeErr)
	})
}

func TestScalar(t *testing.T) {
	tests := []struct {
		name string
		x    *tensor.Tensor
		d    tensor.DType
		want float64
		str  string
	}{
		{"Scalar", tensor.Scalar(2.5), f64, 2.5, "2.5"},
		{"Scalar negative zero", tensor.Scalar(negZ), f64, 0, "-0"},
		{"Scalar NaN", tensor.Scalar(nan), f64, nan, "NaN"},
		{"Scalar32", tensor.Scalar32(0.1), f32, float64(float32(0.1)), "0.1"},
		{"Scalar32 Inf", tensor.Scalar32(float32(inf)), f32, inf, "+Inf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := tt.x
			if x.DType() != tt.d || x.Rank() != 0 || len(x.Shape()) != 0 || x.Size() != 1 {
				t.Errorf("%s: dtype %v rank %d shape %v size %d; want %v, 0, [], 1",
					tt.name, x.DType(), x.Rank(), x.Shape(), x.Size(), tt.d)
			}
			if got := x.Item(); !sameFloat(got, tt.want) {
				t.Errorf("%s.Item() = %v; want %v", tt.name, got, tt.want)
			}
			if got := x.At(); !sameFloat(got, tt.want) {
				t.Errorf("%s.At() = %v; want %v", tt.name, got, tt.want)
			}
			if got := x.String(); got != tt.str {
				t.Errorf("%s.String() = %q; want %q", tt.name, got, tt.str)
			}
		})
	}
}

func TestFromFloats(t *testing.T) {
	t.Run("FromFloat64s 1-d", func(t *testing.T) {
		data := []float64{1, 2, 3}
		x := tensor.FromFloat64s(data)
		checkTensor(t, "FromFloat64s([1 2 3])", x, f64, tensor.Shape{3}, []float64{1, 2, 3}, 0)
		data[1] = 20 // the tensor uses data as its storage
		if got := x.At(1); got != 20 {
			t.Errorf("FromFloat64s(data).At(1) after data[1] = 20 is %v; want 20 (storage is shared)", got)
		}
		if &x.Float64s()[0] != &data[0] {
			t.Errorf("FromFloat64s(data).Float64s() does not share data's storage")
		}
	})
	t.Run("FromFloat32s 1-d", func(t *testing.T) {
		data := []float32{1, 2.5}
		x := tensor.FromFloat32s(data)
		checkTensor(t, "FromFloat32s([1 2.5])", x, f32, tensor.Shape{2}, []float64{1, 2.5}, 0)
		data[0] = -1
		if got := x.At(0); got != -1 {
			t.Errorf("FromFloat32s(data).At(0) after data[0] = -1 is %v; want -1 (storage is shared)", got)
		}
	})
	t.Run("shaped", func(t *testing.T) {
		x := tensor.FromFloat64s(seq(6), 2, 3)
		checkTensor(t, "FromFloat64s(0..5, 2, 3)", x, f64, tensor.Shape{2, 3}, seq(6), 0)
		if got := x.At(1, 0); got != 3 {
			t.Errorf("FromFloat64s(0..5, 2, 3).At(1, 0) = %v; want 3", got)
		}
		y := tensor.FromFloat32s([]float32{0, 1, 2, 3, 4, 5}, 3, 1, 2)
		checkTensor(t, "FromFloat32s(0..5, 3, 1, 2)", y, f32, tensor.Shape{3, 1, 2}, seq(6), 0)
	})
	t.Run("scalar and empty", func(t *testing.T) {
		x := tensor.FromFloat64s([]float64{7}, []int{}...)
		checkTensor(t, "FromFloat64s([7], []...)", x, f64, nil, []float64{7}, 0)
		e := tensor.FromFloat64s(nil)
		checkTensor(t, "FromFloat64s(nil)", e, f64, tensor.Shape{0}, nil, 0)
		e = tensor.FromFloat32s(nil, 3, 0)
		checkTensor(t, "FromFloat32s(nil, 3, 0)", e, f32, tensor.Shape{3, 0}, nil, 0)
	})
	t.Run("mismatch panics", func(t *testing.T) {
		mustPanicWith(t, "FromFloat64s([3 elements], 2, 2)",
			func() { tensor.FromFloat64s(make([]float64, 3), 2, 2) }, shapeErr,
			"tensor: FromFloat64s: shape [2 2]: shape needs 4 elements, data has 3")
		mustPanicWith(t, "FromFloat32s([5 elements], 2, 3)",
			func() { tensor.FromFloat32s(make([]float32, 5), 2, 3) }, shapeErr,
			"tensor: FromFloat32s: shape [2 3]: shape needs 6 elements, data has 5")
		mustPanic(t, "FromFloat64s([2 elements], []...)",
			func() { tensor.FromFloat64s(make([]float64, 2), []int{}...) }, shapeErr)
		// [-1 -2] has "size" 2, so only the negative-size check catches it.
		mustPanicWith(t, "FromFloat64s([2 elements], -1, -2)",
			func() { tensor.FromFloat64s(make([]float64, 2), -1, -2) }, shapeErr,
			"tensor: FromFloat64s: shape [-1 -2]: negative size")
		mustPanic(t, "FromFloat32s([2 elements], -1, -2)",
			func() { tensor.FromFloat32s(make([]float32, 2), -1, -2) }, shapeErr)
	})
}

func TestArange(t *testing.T) {
	// Wants computed by hand; they agree with numpy.arange.
	tests := []struct {
		name              string
		start, stop, step float64
		want              []float64
	}{
		{"integers", 0, 5, 1, []float64{0, 1, 2, 3, 4}},
		{"fractional step", 1, 2, 0.25, []float64{1, 1.25, 1.5, 1.75}},
		{"step does not divide", 0, 1, 0.3, []float64{0, 0.3, 0.6, 0.9}},
		{"rounding near stop", 0, 0.3, 0.1, []float64{0, 0.1, 0.2}},
		{"negative start", -2, 1, 1, []float64{-2, -1, 0}},
		{"negative step", 5, 0, -1, []float64{5, 4, 3, 2, 1}},
		{"negative fractional step", 1, -0.5, -0.5, []float64{1, 0.5, 0}},
		{"empty start equals stop", 3, 3, 1, nil},
		{"empty wrong direction", 5, 0, 1, nil},
		{"empty wrong direction negative step", 0, 5, -1, nil},
		{"single", 0, 0.5, 1, []float64{0}},
	}
	for _, tt := range tests {
		for _, d := range dtypes {
			t.Run(tt.name+"/"+d.String(), func(t *testing.T) {
				call := fmt.Sprintf("Arange(%v, %v, %v, %v)", d, tt.start, tt.stop, tt.step)
				got := tensor.Arange(d, tt.start, tt.stop, tt.step)
				checkTensor(t, call, got, d, tensor.Shape{len(tt.want)}, roundAll(d, tt.want), 1e-15)
			})
		}
	}
	t.Run("zero step", func(t *testing.T) {
		mustPanicWith(t, "Arange(float64, 0, 1, 0)", func() { tensor.Arange(f64, 0, 1, 0) }, shapeErr,
			"tensor: Arange: step is zero")
	})
}

func TestLinspace(t *testing.T) {
	// Wants computed by hand; they agree with numpy.linspace.
	tests := []struct {
		name        string
		start, stop float64
		n           int
		want        []float64
	}{
		{"unit interval", 0, 1, 5, []float64{0, 0.25, 0.5, 0.75, 1}},
		{"decreasing", 1, 0, 3, []float64{1, 0.5, 0}},
		{"two", -3, 3, 2, []float64{-3, 3}},
		{"one", 4, 9, 1, []float64{4}},
		{"zero", 4, 9, 0, nil},
		{"constant", 2, 2, 3, []float64{2, 2, 2}},
		// (-0.9 - -2)*1/1 + -2 rounds to -0.8999999999999999; the last
		// element must still be stop exactly.
		{"end is exact", -2, -0.9, 2, []float64{-2, -0.9}},
	}
	for _, tt := range tests {
		for _, d := range dtypes {
			t.Run(tt.name+"/"+d.String(), func(t *testing.T) {
				call := fmt.Sprintf("Linspace(%v, %v, %v, %d)", d, tt.start, tt.stop, tt.n)
				got := tensor.Linspace(d, tt.start, tt.stop, tt.n)
				checkTensor(t, call, got, d, tensor.Shape{len(tt.want)}, roundAll(d, tt.want), 1e-15)
			})
		}
	}
	t.Run("endpoints exact", func(t *testing.T) {
		for a := -20; a <= 20; a += 3 {
			for b := -20; b <= 20; b += 7 {
				for n := 2; n < 9; n++ {
					start, stop := float64(a)/10, float64(b)/10
					x := tensor.Linspace(f64, start, stop, n)
					if x.At(0) != start || x.At(n-1) != stop {
						t.Errorf("Linspace(float64, %v, %v, %d) has ends %v and %v; want %v and %v",
							start, stop, n, x.At(0), x.At(n-1), start, stop)
					}
				}
			}
		}
	})
	t.Run("negative n", func(t *testing.T) {
		mustPanic(t, "Linspace(float64, 0, 1, -1)", func() { tensor.Linspace(f64, 0, 1, -1) }, shapeErr)
	})
}

func TestRand(t *testing.T) {
	type gen func(seed uint64, d tensor.DType, shape ...int) *tensor.Tensor
	gens := []struct {
		name string
		f    gen
	}{
		{"RandNormal", func(seed uint64, d tensor.DType, s ...int) *tensor.Tensor {
			return tensor.RandNormal(tensor.NewRand(seed), d, 3, 2, s...)
		}},
		{"RandUniform", func(seed uint64, d tensor.DType, s ...int) *tensor.Tensor {
			return tensor.RandUniform(tensor.NewRand(seed), d, -1, 3, s...)
		}},
	}
	for _, g := range gens {
		t.Run(g.name+"/deterministic", func(t *testing.T) {
			for _, d := range dtypes {
				a, b := g.f(42, d, 4, 5), g.f(42, d, 4, 5)
				sameTensor(t, fmt.Sprintf("%s(NewRand(42), %v, ...)", g.name, d), a, b, 0)
				c := g.f(43, d, 4, 5)
				if reflect.DeepEqual(a.Data(), c.Data()) {
					t.Errorf("%s with seeds 42 and 43 gave the same data", g.name)
				}
			}
			// The float32 tensor is the float64 one rounded: same stream.
			a, b := g.f(7, f64, 50), g.f(7, f32, 50)
			sameTensor(t, g.name+" float32 vs float64", b, a.AsType(f32), 0)
		})
	}

	// Moments of 100000 samples. The standard error of the mean is
	// 2/sqrt(1e5) ≈ 0.0063 for N(3, 2) and 4/sqrt(12e5) ≈ 0.0037 for
	// U[-1, 3), so the bounds below are 5+ standard errors wide.
	const n = 100000
	moments := func(x *tensor.Tensor) (mean, std float64) {
		data := x.Data()
		for _, v := range data {
			mean += v
		}
		mean /= float64(len(data))
		for _, v := range data {
			std += (v - mean) * (v - mean)
		}
		return mean, math.Sqrt(std / float64(len(data)))
	}
	for _, d := range dtypes {
		t.Run("RandNormal/moments/"+d.String(), func(t *testing.T) {
			x := tensor.RandNormal(tensor.NewRand(1), d, 3, 2, n)
			mean, std := moments(x)
			if math.Abs(mean-3) > 0.04 || math.Abs(std-2) > 0.04 {
				t.Errorf("RandNormal(NewRand(1), %v, 3, 2, %d): mean %v std %v; want about 3 and 2", d, n, mean, std)
			}
		})
		t.Run("RandUniform/moments/"+d.String(), func(t *testing.T) {
			x := tensor.RandUniform(tensor.NewRand(2), d, -1, 3, 2, n/2)
			if !x.Shape().Equal(tensor.Shape{2, n / 2}) {
				t.Errorf("RandUniform(..., 2, %d).Shape() = %v", n/2, x.Shape())
			}
			mean, std := moments(x)
			// The std of U[a, b) is (b-a)/sqrt(12) = 4/sqrt(12).
			if math.Abs(mean-1) > 0.02 || math.Abs(std-4/math.Sqrt(12)) > 0.02 {
				t.Errorf("RandUniform(NewRand(2), %v, -1, 3, ...): mean %v std %v; want about 1 and %v", d, mean, std, 4/math.Sqrt(12))
			}
			for _, v := range x.Data() {
				if v < -1 || v > 3 || (d == f64 && v == 3) {
					t.Fatalf("RandUniform(NewRand(2), %v, -1, 3, ...) has element %v outside [-1, 3)", d, v)
				}
			}
		})
	}
}

// ---------------------------------------------------------------------------
// Accessors.

func TestAtSet(t *testing.T) {
	for _, d := range dtypes {
		t.Run(d.String(), func(t *testing.T) {
			x := fromData(d, seq(24), 2, 3, 4)
			for i := range 24 {
				idx := unravel(i, x.Shape())
				if got := x.At(idx...); got != float64(i) {
					t.Errorf("At(%v) = %v; want %v", idx, got, i)
				}
			}
			x.Set(-7.5, 1, 2, 3)
			x.Set(0.1, 0, 1, 0)
			if got := x.At(1, 2, 3); got != -7.5 {
				t.Errorf("At(1, 2, 3) after Set(-7.5, 1, 2, 3) = %v; want -7.5", got)
			}
			if got, want := x.At(0, 1, 0), round(d, 0.1); got != want {
				t.Errorf("At(0, 1, 0) after Set(0.1, 0, 1, 0) = %v; want %v", got, want)
			}
			if got := x.Data()[23]; got != -7.5 {
				t.Errorf("Data()[23] after Set(-7.5, 1, 2, 3) = %v; want -7.5 (row-major)", got)
			}
			bad := [][]int{{}, {0, 0}, {0, 0, 0, 0}, {2, 0, 0}, {0, 3, 0}, {0, 0, 4}, {-1, 0, 0}, {0, 0, -1}}
			for _, idx := range bad {
				mustPanic(t, fmt.Sprintf("At(%v)", idx), func() { x.At(idx...) }, shapeErr)
				mustPanic(t, fmt.Sprintf("Set(1, %v)", idx), func() { x.Set(1, idx...) }, shapeErr)
			}
			mustPanicWith(t, "At(0, 3, 0)", func() { x.At(0, 3, 0) }, shapeErr,
				"tensor: At: shape [2 3 4]: index [0 3 0] out of range")
			mustPanicWith(t, "Set(1, 0)", func() { x.Set(1, 0) }, shapeErr,
				"tensor: Set: shape [2 3 4]: index [0] has rank 1")
		})
	}
	t.Run("scalar", func(t *testing.T) {
		s := tensor.Scalar(1)
		s.Set(4)
		if got := s.At(); got != 4 {
			t.Errorf("Scalar(1) after Set(4): At() = %v; want 4", got)
		}
		mustPanic(t, "Scalar(4).At(0)", func() { s.At(0) }, shapeErr)
	})
	t.Run("empty", func(t *testing.T) {
		e := tensor.Zeros(f64, 0, 3)
		mustPanic(t, "Zeros([0 3]).At(0, 0)", func() { e.At(0, 0) }, shapeErr)
	})
}

func TestItem(t *testing.T) {
	for _, d := range dtypes {
		if got := fromData(d, []float64{-3}, 1, 1, 1).Item(); got != -3 {
			t.Errorf("[[[-3]]] (%v).Item() = %v; want -3", d, got)
		}
		mustPanicWith(t, "Zeros(2).Item()", func() { tensor.Zeros(d, 2).Item() }, shapeErr,
			"tensor: Item: shape [2]: want one element, tensor has 2")
		mustPanic(t, "Zeros(0).Item()", func() { tensor.Zeros(d, 0).Item() }, shapeErr)
	}
}

func TestDataCloneFill(t *testing.T) {
	for _, d := range dtypes {
		t.Run(d.String(), func(t *testing.T) {
			x := fromData(d, []float64{1, 2, 3, 4}, 2, 2)
			data := x.Data()
			data[0] = 100
			if got := x.At(0, 0); got != 1 {
				t.Errorf("At(0, 0) after modifying Data() = %v; want 1 (Data copies)", got)
			}
			c := x.Clone()
			sameTensor(t, "Clone()", c, x, 0)
			c.Set(50, 1, 1)
			if got := x.At(1, 1); got != 4 {
				t.Errorf("At(1, 1) after Clone().Set(50, 1, 1) = %v; want 4 (Clone is deep)", got)
			}
			c.Shape()[0] = 9
			if !x.Shape().Equal(tensor.Shape{2, 2}) {
				t.Errorf("Shape() after modifying Clone().Shape() = %v; want [2 2]", x.Shape())
			}
			x.Fill(0.1)
			checkTensor(t, "Fill(0.1)", x, d, tensor.Shape{2, 2}, filled(4, round(d, 0.1)), 0)
			s := tensor.Scalar(1).AsType(d).Clone()
			checkTensor(t, "Scalar(1).Clone()", s, d, nil, []float64{1}, 0)
		})
	}
}

func TestAsType(t *testing.T) {
	x := tensor.FromFloat64s([]float64{0.1, -2, inf, nan, 1e300}, 5)
	y := x.AsType(f32)
	// float32(1e300) overflows to +Inf.
	checkTensor(t, "AsType(float32)", y, f32, tensor.Shape{5},
		[]float64{float64(float32(0.1)), -2, inf, nan, inf}, 0)
	if y.Float32s() == nil || y.Float64s() != nil {
		t.Errorf("AsType(float32) storage: float32s %v, float64s %v; want float32 storage only", y.Float32s(), y.Float64s())
	}
	z := y.AsType(f64)
	checkTensor(t, "AsType(float32).AsType(float64)", z, f64, tensor.Shape{5},
		[]float64{float64(float32(0.1)), -2, inf, nan, inf}, 0)
	if x.AsType(f64) != x || y.AsType(f32) != y {
		t.Errorf("AsType(own dtype) did not return its receiver")
	}
	s := tensor.Scalar(2).AsType(f32)
	checkTensor(t, "Scalar(2).AsType(float32)", s, f32, nil, []float64{2}, 0)
	mustPanic(t, "AsType(dtype(3))", func() { x.AsType(tensor.DType(3)) }, dtypeErr)
}

func TestString(t *testing.T) {
	tests := []struct {
		name string
		x    *tensor.Tensor
		want string
	}{
		{"scalar", tensor.Scalar(3), "3"},
		{"vector", tensor.FromFloat64s([]float64{1, 2, 3}), "[1 2 3]"},
		{"matrix", tensor.FromFloat64s([]float64{1, 2, 3, 4}, 2, 2), "[[1 2] [3 4]]"},
		{"3-d", tensor.FromFloat64s([]float64{1, 2, 3, 4}, 2, 2, 1), "[[[1] [2]] [[3] [4]]]"},
		{"special values", tensor.FromFloat64s([]float64{inf, -inf, nan, negZ, 1.5e-7}), "[+Inf -Inf NaN -0 1.5e-07]"},
		{"float64 0.1", tensor.FromFloat64s([]float64{0.1}), "[0.1]"},
		// float32 prints the shortest float32 representation.
		{"float32 0.1", tensor.FromFloat32s([]float32{0.1, 1.0 / 3}), "[0.1 0.33333334]"},
		{"float64 of float32 0.1", tensor.FromFloat32s([]float32{0.1}).AsType(f64), "[0.10000000149011612]"},
		{"empty", tensor.Zeros(f64, 0), "[]"},
		{"empty rows", tensor.Zeros(f32, 2, 0), "[[] []]"},
		{"empty outer", tensor.Zeros(f64, 0, 2), "[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.x.String(); got != tt.want {
				t.Errorf("String() = %q; want %q", got, tt.want)
			}
			if got := fmt.Sprint(tt.x); got != tt.want {
				t.Errorf("fmt.Sprint(x) = %q; want %q", got, tt.want)
			}
		})
	}
	if s := tensor.Zeros(f64, 2, 3).String(); strings.Count(s, "0") != 6 {
		t.Errorf("Zeros(2, 3).String() = %q; want six zeros", s)
	}
}

func TestCopyTo(t *testing.T) {
	dst := tensor.New(tensor.Float32, 2, 2)
	tensor.CopyTo(dst, tensor.FromFloat32s([]float32{1, 2, 3, 4}, 2, 2))
	if dst.At(1, 0) != 3 {
		t.Errorf("CopyTo gave %v", dst)
	}
	for name, src := range map[string]*tensor.Tensor{
		"shape": tensor.New(tensor.Float32, 4),
		"type":  tensor.New(tensor.Float64, 2, 2),
	} {
		if err := tensor.Catch(func() { tensor.CopyTo(dst, src) }); err == nil || !strings.Contains(err.Error(), "CopyTo") {
			t.Errorf("CopyTo with another %s: error %v", name, err)
		}
	}
}

func TestPool(t *testing.T) {
	var p tensor.Pool // the zero Pool is ready to use
	a := p.Get(tensor.Float32, tensor.Shape{2, 3})
	a.Fill(7)
	if len(p.Handed()) != 1 {
		t.Fatalf("Handed = %d tensors; want 1", len(p.Handed()))
	}
	p.ClearHanded()
	p.Put(a)
	b := p.Get(tensor.Float32, tensor.Shape{3, 2})
	if b != a || !b.Shape().Equal(tensor.Shape{3, 2}) || b.At(0, 0) != 0 {
		t.Errorf("Get after Put: same tensor %v, shape %v, zeroed %v", b == a, b.Shape(), b.At(0, 0) == 0)
	}
	if c := p.Get(tensor.Float64, tensor.Shape{6}); c == a {
		t.Error("Get of another element type reused a float32 tensor")
	}
	v := p.View(b, tensor.Shape{6})
	if len(p.Viewed()) != 1 || &v.Float32s()[0] != &b.Float32s()[0] {
		t.Error("View does not share storage or is not recorded")
	}
	p.PutView(v)
	if w := p.View(a, tensor.Shape{1, 6}); w != v || !w.Shape().Equal(tensor.Shape{1, 6}) {
		t.Error("View did not reuse the header put back")
	}
	var none *tensor.Pool // nil: allocate
	if x := none.Get(tensor.Float64, tensor.Shape{2}); x.Size() != 2 {
		t.Error("Get on a nil Pool")
	}
}

func TestExchange(t *testing.T) {
	a, b := tensor.FromFloat32s([]float32{1, 2, 3, 4}, 2, 2), tensor.FromFloat32s([]float32{5, 6, 7, 8}, 4)
	tensor.Exchange(a, b)
	if got := a.Float32s(); got[0] != 5 || got[3] != 8 || !a.Shape().Equal(tensor.Shape{2, 2}) {
		t.Errorf("a after Exchange: %v %v", a.Shape(), got)
	}
	if got := b.Float32s(); got[0] != 1 || got[3] != 4 || !b.Shape().Equal(tensor.Shape{4}) {
		t.Errorf("b after Exchange: %v %v", b.Shape(), got)
	}
	for name, c := range map[string]*tensor.Tensor{"dtype": tensor.New(tensor.Float64, 4), "size": tensor.New(tensor.Float32, 3)} {
		func() {
			defer func() {
				if _, ok := recover().(*tensor.ShapeError); !ok {
					t.Errorf("Exchange with another %s does not panic with a *ShapeError", name)
				}
			}()
			tensor.Exchange(a, c)
		}()
	}
}
