package tensor

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// DType is the element type of a tensor.
type DType uint8

// The element types. Float64 is the zero value.
const (
	Float64 DType = iota
	Float32
)

// String returns "float64" or "float32".
func (d DType) String() string {
	switch d {
	case Float64:
		return "float64"
	case Float32:
		return "float32"
	}
	return "dtype(" + strconv.Itoa(int(d)) + ")"
}

// Shape is the size of each axis of a tensor, outermost first. A scalar
// has the empty shape.
type Shape []int

// MaxSize is the largest number of elements a shape may have: 2⁴⁴ on
// 64-bit platforms, whose float64 storage (128 TiB) is within what Go can
// allocate at all (2⁴⁸ bytes), and 2²⁸ on 32-bit ones. A shape with more,
// or with a negative size, is invalid: every function of the package that
// takes or makes one panics with a *ShapeError. (A valid shape can still
// be more than the machine's memory: that is the caller's to bound.)
const MaxSize = 1 << (28 + 16*(math.MaxInt>>62))

// Size returns the number of elements of a tensor of shape s: the product
// of its sizes, 1 for the empty shape. It panics with a *ShapeError if a
// size is negative or the product exceeds MaxSize.
func (s Shape) Size() int {
	n, ok := s.size()
	if !ok {
		invalidShape("Size", s.Clone()) // a copy, so that s does not escape
	}
	return n
}

// size returns the number of elements of s, and false if s is invalid: a
// size is negative or the product exceeds MaxSize.
func (s Shape) size() (int, bool) {
	n := 1
	for _, d := range s {
		if d < 0 {
			return 0, false
		}
		if d == 0 {
			n = 0
		}
	}
	if n == 0 {
		return 0, true
	}
	for _, d := range s {
		if n > MaxSize/d {
			return 0, false
		}
		n *= d
	}
	return n, true
}

// checkShape returns the number of elements of s, or panics with a
// *ShapeError naming op and s if s is invalid. Where s is made from
// operands, callers use size and invalidShape, so that the list of
// operands is built only for the error.
func checkShape(op string, s Shape) int {
	n, ok := s.size()
	if !ok {
		invalidShape(op, s)
	}
	return n
}

// invalidShape panics with the *ShapeError for s, an invalid shape that
// op would make from the operands.
func invalidShape(op string, s Shape, operands ...Shape) {
	reason := "negative size"
	for _, d := range s {
		if d < 0 {
			panic(&ShapeError{Op: op, Shapes: append(operands, s), Reason: reason})
		}
	}
	reason = fmt.Sprintf("more than %d elements (the element count overflows)", MaxSize)
	if len(operands) > 0 {
		reason = fmt.Sprintf("the result %v would have more than %d elements", s, MaxSize)
		panic(&ShapeError{Op: op, Shapes: operands, Reason: reason})
	}
	panic(&ShapeError{Op: op, Shapes: []Shape{s}, Reason: reason})
}

// Equal reports whether s and t have the same rank and sizes.
func (s Shape) Equal(t Shape) bool {
	if len(s) != len(t) {
		return false
	}
	for i := range s {
		if s[i] != t[i] {
			return false
		}
	}
	return true
}

// String formats s as "[2 3]".
func (s Shape) String() string { return fmt.Sprint([]int(s)) }

// Clone returns a copy of s that does not share memory with it.
func (s Shape) Clone() Shape {
	if len(s) == 0 {
		return nil
	}
	return append(Shape(nil), s...)
}

// Tensor is a dense n-dimensional array of float64 or float32 stored in
// row-major order. A Tensor is a value: functions of this package return
// new tensors and never modify their operands. The few methods that write
// into a tensor (Set, Fill) say so.
type Tensor struct {
	shape Shape
	dtype DType
	f64   []float64
	f32   []float32
}

// New returns a tensor of zeros of the given element type and shape.
// It panics with a *ShapeError if a size is negative or the shape has
// more than MaxSize elements.
func New(dtype DType, shape ...int) *Tensor {
	s := Shape(shape).Clone()
	n := checkShape("New", s)
	t := &Tensor{shape: s, dtype: dtype}
	switch dtype {
	case Float64:
		t.f64 = make([]float64, n)
	case Float32:
		t.f32 = make([]float32, n)
	default:
		panic(&DTypeError{Op: "New", DTypes: []DType{dtype}})
	}
	return t
}

// Zeros is New: a tensor of zeros.
func Zeros(dtype DType, shape ...int) *Tensor { return New(dtype, shape...) }

// Ones returns a tensor of ones.
func Ones(dtype DType, shape ...int) *Tensor { return Full(dtype, 1, shape...) }

// Full returns a tensor whose every element is v.
func Full(dtype DType, v float64, shape ...int) *Tensor {
	t := New(dtype, shape...)
	t.Fill(v)
	return t
}

// Scalar returns a 0-d float64 tensor holding v.
func Scalar(v float64) *Tensor {
	return &Tensor{f64: []float64{v}}
}

// Scalar32 returns a 0-d float32 tensor holding v.
func Scalar32(v float32) *Tensor {
	return &Tensor{dtype: Float32, f32: []float32{v}}
}

// FromFloat64s returns a float64 tensor of the given shape that uses data
// as its storage (data is not copied). With no shape the tensor is 1-d.
// It panics with a *ShapeError if len(data) does not match the shape.
func FromFloat64s(data []float64, shape ...int) *Tensor {
	s := dataShape("FromFloat64s", len(data), shape)
	return &Tensor{shape: s, f64: data}
}

// FromFloat32s is FromFloat64s for float32 data.
func FromFloat32s(data []float32, shape ...int) *Tensor {
	s := dataShape("FromFloat32s", len(data), shape)
	return &Tensor{shape: s, dtype: Float32, f32: data}
}

func dataShape(op string, n int, shape []int) Shape {
	if shape == nil {
		return Shape{n}
	}
	s := Shape(shape).Clone()
	if size := checkShape(op, s); size != n {
		panic(&ShapeError{Op: op, Shapes: []Shape{s}, Reason: fmt.Sprintf("shape needs %d elements, data has %d", size, n)})
	}
	return s
}

// Arange returns the 1-d tensor start, start+step, … up to but excluding
// stop. It panics with a *ShapeError if step is zero, a bound or the step
// is infinite or NaN, or the tensor would have more than MaxSize elements.
func Arange(dtype DType, start, stop, step float64) *Tensor {
	for _, a := range []struct {
		name string
		v    float64
	}{{"start", start}, {"stop", stop}, {"step", step}} {
		if math.IsInf(a.v, 0) || math.IsNaN(a.v) {
			panic(&ShapeError{Op: "Arange", Reason: fmt.Sprintf("%s is %v", a.name, a.v)})
		}
	}
	if step == 0 {
		panic(&ShapeError{Op: "Arange", Reason: "step is zero"})
	}
	count := math.Ceil((stop - start) / step) // may be +Inf: (stop-start) overflows
	if count > MaxSize {
		panic(&ShapeError{Op: "Arange", Reason: fmt.Sprintf("(%v - %v)/%v is more than %d elements", stop, start, step, MaxSize)})
	}
	n := int(max(count, 0))
	t := New(dtype, n)
	for i := range n {
		t.setFlat(i, start+float64(i)*step)
	}
	return t
}

// Linspace returns n evenly spaced values from start to stop inclusive.
func Linspace(dtype DType, start, stop float64, n int) *Tensor {
	t := New(dtype, n)
	for i := range n {
		v := start
		if n > 1 {
			v = start + (stop-start)*float64(i)/float64(n-1)
			if i == n-1 {
				v = stop // exactly, as the doc promises; the formula may round
			}
		}
		t.setFlat(i, v)
	}
	return t
}

// DType returns the element type of t.
func (t *Tensor) DType() DType { return t.dtype }

// Shape returns the shape of t. The caller must not modify it.
func (t *Tensor) Shape() Shape { return t.shape }

// Rank returns the number of axes of t, 0 for a scalar.
func (t *Tensor) Rank() int { return len(t.shape) }

// Size returns the number of elements of t.
func (t *Tensor) Size() int {
	if t.dtype == Float32 {
		return len(t.f32)
	}
	return len(t.f64)
}

// Float64s returns the storage of a float64 tensor (nil for float32). The
// caller must not modify it unless it owns t.
func (t *Tensor) Float64s() []float64 { return t.f64 }

// Float32s returns the storage of a float32 tensor (nil for float64).
func (t *Tensor) Float32s() []float32 { return t.f32 }

// Data returns a copy of the elements of t as float64, in row-major order.
func (t *Tensor) Data() []float64 {
	if t.dtype == Float64 {
		return append([]float64(nil), t.f64...)
	}
	out := make([]float64, len(t.f32))
	for i, v := range t.f32 {
		out[i] = float64(v)
	}
	return out
}

// Item returns the only element of a tensor of size 1 as a float64. It
// panics with a *ShapeError if t has another size.
func (t *Tensor) Item() float64 {
	if t.Size() != 1 {
		panic(&ShapeError{Op: "Item", Shapes: []Shape{t.shape}, Reason: fmt.Sprintf("want one element, tensor has %d", t.Size())})
	}
	return t.flat(0)
}

// At returns the element at the given index as a float64. It panics with a
// *ShapeError if the index has the wrong length or is out of range.
func (t *Tensor) At(index ...int) float64 {
	return t.flat(t.offset("At", index))
}

// Set sets the element at the given index. Set modifies t, so use it only
// on tensors you own.
func (t *Tensor) Set(v float64, index ...int) {
	t.setFlat(t.offset("Set", index), v)
}

func (t *Tensor) offset(op string, index []int) int {
	if len(index) != len(t.shape) {
		panic(&ShapeError{Op: op, Shapes: []Shape{t.shape}, Reason: fmt.Sprintf("index %v has rank %d", index, len(index))})
	}
	off := 0
	for i, k := range index {
		if k < 0 || k >= t.shape[i] {
			panic(&ShapeError{Op: op, Shapes: []Shape{t.shape}, Reason: fmt.Sprintf("index %v out of range", index)})
		}
		off = off*t.shape[i] + k
	}
	return off
}

func (t *Tensor) flat(i int) float64 {
	if t.dtype == Float32 {
		return float64(t.f32[i])
	}
	return t.f64[i]
}

func (t *Tensor) setFlat(i int, v float64) {
	if t.dtype == Float32 {
		t.f32[i] = float32(v)
	} else {
		t.f64[i] = v
	}
}

// Fill sets every element of t to v. It modifies t.
func (t *Tensor) Fill(v float64) {
	if t.dtype == Float32 {
		for i := range t.f32 {
			t.f32[i] = float32(v)
		}
		return
	}
	for i := range t.f64 {
		t.f64[i] = v
	}
}

// Clone returns a deep copy of t.
func (t *Tensor) Clone() *Tensor {
	notNil("Clone", t)
	c := &Tensor{shape: t.shape.Clone(), dtype: t.dtype}
	if t.dtype == Float32 {
		c.f32 = append([]float32(nil), t.f32...)
	} else {
		c.f64 = append([]float64(nil), t.f64...)
	}
	return c
}

// CopyTo copies the elements of src into dst, which must have src's shape
// and element type. It modifies dst. CopyTo panics with a *ShapeError if
// the shapes or element types differ.
func CopyTo(dst, src *Tensor) {
	notNil("CopyTo", dst)
	notNil("CopyTo", src)
	if !dst.shape.Equal(src.shape) || dst.dtype != src.dtype {
		panic(&ShapeError{Op: "CopyTo", Shapes: []Shape{dst.shape, src.shape}, Reason: fmt.Sprintf("copy %v into %v", src.dtype, dst.dtype)})
	}
	copy(dst.f64, src.f64)
	copy(dst.f32, src.f32)
}

// Exchange swaps the elements of a and b, which must have the same
// element type and number of elements, by swapping their storage: no
// element is copied and the shapes stay as they are. Slices taken from
// either before (Float32s, Float64s) keep the storage they had. Exchange
// panics with a *ShapeError if the element types or sizes differ.
func Exchange(a, b *Tensor) {
	notNil("Exchange", a)
	notNil("Exchange", b)
	if a.dtype != b.dtype || a.Size() != b.Size() {
		panic(&ShapeError{Op: "Exchange", Shapes: []Shape{a.shape, b.shape}, Reason: fmt.Sprintf("exchange %d %v with %d %v", a.Size(), a.dtype, b.Size(), b.dtype)})
	}
	a.f32, b.f32 = b.f32, a.f32
	a.f64, b.f64 = b.f64, a.f64
}

// AsType returns t converted to the element type d (t itself if it already
// has that type).
func (t *Tensor) AsType(d DType) *Tensor {
	notNil("AsType", t)
	if t.dtype == d {
		return t
	}
	out := New(d, t.shape...)
	for i := range t.Size() {
		out.setFlat(i, t.flat(i))
	}
	return out
}

// like returns a new zero tensor with t's element type and the given shape.
func like(t *Tensor, shape Shape) *Tensor {
	return New(t.dtype, shape...)
}

// String formats t like a nested list: a scalar as "3", a vector as
// "[1 2 3]", a matrix as "[[1 2] [3 4]]".
func (t *Tensor) String() string {
	if t.Size() == 0 && len(t.shape) > 1 {
		// Nested empty lists, one per row: bounded for a huge empty tensor.
		rows := 1
		for _, d := range t.shape[:len(t.shape)-1] {
			if d == 0 {
				break
			}
			rows *= min(d, 1000)
			if rows > 64 {
				return "[](empty, shape " + t.shape.String() + ")"
			}
		}
	}
	var b strings.Builder
	var rec func(axis, off int) int
	rec = func(axis, off int) int {
		if axis == len(t.shape) {
			b.WriteString(strconv.FormatFloat(t.flat(off), 'g', -1, bits(t.dtype)))
			return off + 1
		}
		b.WriteByte('[')
		for i := range t.shape[axis] {
			if i > 0 {
				b.WriteByte(' ')
			}
			off = rec(axis+1, off)
		}
		b.WriteByte(']')
		return off
	}
	rec(0, 0)
	return b.String()
}

func bits(d DType) int {
	if d == Float32 {
		return 32
	}
	return 64
}
