package tensor

import "fmt"

// Alloc returns a zeroed tensor of the given element type and shape. The
// kernels whose names end in With take one for their results, so that a
// caller such as the autodiff engine can hand them recycled memory; a nil
// Alloc allocates with New.
type Alloc func(dtype DType, shape ...int) *Tensor

// get allocates with a, or with New if a is nil. The shape is copied. It
// panics with a *ShapeError if a returns nil or a tensor of another shape
// or element type than asked for.
func (a Alloc) get(dtype DType, shape Shape) *Tensor {
	if a == nil {
		return New(dtype, shape...)
	}
	t := a(dtype, shape...)
	switch {
	case t == nil:
		panic(&ShapeError{Op: "Alloc", Shapes: []Shape{shape}, Reason: "the allocator returned nil"})
	case t.dtype != dtype || !t.shape.Equal(shape):
		panic(&ShapeError{Op: "Alloc", Reason: fmt.Sprintf("asked for %v %v, the allocator returned %v %v", dtype, shape, t.dtype, t.shape)})
	}
	return t
}

// Reuse makes t a zeroed tensor of the given shape, keeping its storage, if
// t has that element type and exactly that number of elements, and
// reports whether it did. It is for allocators that recycle the tensors of
// values no longer in use: nothing else may still use t.
func Reuse(t *Tensor, dtype DType, shape ...int) bool {
	if n, ok := Shape(shape).size(); !ok || t.dtype != dtype || n != t.Size() {
		return false
	}
	if len(t.shape) == len(shape) {
		copy(t.shape, shape)
	} else {
		t.shape = Shape(shape).Clone()
	}
	clear(t.f32)
	clear(t.f64)
	return true
}

// The kernels with their results allocated by a, for callers that recycle
// memory (see Alloc). Each is its namesake otherwise.

// AddWith is Add with its result allocated by a.
func AddWith(a Alloc, x, y *Tensor) *Tensor { return binaryWith(a, opAdd, x, y) }

// SubWith is Sub with its result allocated by a.
func SubWith(a Alloc, x, y *Tensor) *Tensor { return binaryWith(a, opSub, x, y) }

// MulWith is Mul with its result allocated by a.
func MulWith(a Alloc, x, y *Tensor) *Tensor { return binaryWith(a, opMul, x, y) }

// DivWith is Div with its result allocated by a.
func DivWith(a Alloc, x, y *Tensor) *Tensor { return binaryWith(a, opDiv, x, y) }

// GatedMulWith is GatedMul with its result allocated by a.
func GatedMulWith(a Alloc, x, y *Tensor) *Tensor { return binaryWith(a, opGatedMul, x, y) }

// NegWith is Neg with its result allocated by a.
func NegWith(a Alloc, x *Tensor) *Tensor {
	return unaryWith(a, x, costCheap, negLoop[float32], negLoop[float64])
}

// ExpWith is Exp with its result allocated by a.
func ExpWith(a Alloc, x *Tensor) *Tensor {
	return unaryWith(a, x, costTrans, expLoop[float32], expLoop[float64])
}

// ReLUWith is ReLU with its result allocated by a.
func ReLUWith(a Alloc, x *Tensor) *Tensor {
	return unaryWith(a, x, costCheap, reluLoop[float32], reluLoop[float64])
}

// SoftmaxWith is Softmax with its result allocated by a.
func SoftmaxWith(a Alloc, x *Tensor, axis int) *Tensor {
	notNil("Softmax", x)
	return softmaxWith(a, x, normAxis("Softmax", axis, x.shape), false)
}

// LogSoftmaxWith is LogSoftmax with its result allocated by a.
func LogSoftmaxWith(a Alloc, x *Tensor, axis int) *Tensor {
	notNil("LogSoftmax", x)
	return softmaxWith(a, x, normAxis("LogSoftmax", axis, x.shape), true)
}

// AbsWith is Abs with its result allocated by a.
func AbsWith(a Alloc, x *Tensor) *Tensor {
	return unaryWith(a, x, costCheap, absLoop[float32], absLoop[float64])
}

// SqrtWith is Sqrt with its result allocated by a.
func SqrtWith(a Alloc, x *Tensor) *Tensor {
	return unaryWith(a, x, costDiv, sqrtLoop[float32], sqrtLoop[float64])
}

// LogWith is Log with its result allocated by a.
func LogWith(a Alloc, x *Tensor) *Tensor {
	return unaryWith(a, x, costTrans, logLoop[float32], logLoop[float64])
}

// SinWith is Sin with its result allocated by a.
func SinWith(a Alloc, x *Tensor) *Tensor {
	return unaryWith(a, x, costTrans, sinLoop[float32], sinLoop[float64])
}

// CosWith is Cos with its result allocated by a.
func CosWith(a Alloc, x *Tensor) *Tensor {
	return unaryWith(a, x, costTrans, cosLoop[float32], cosLoop[float64])
}

// TanWith is Tan with its result allocated by a.
func TanWith(a Alloc, x *Tensor) *Tensor {
	return unaryWith(a, x, costTrans, tanLoop[float32], tanLoop[float64])
}

// TanhWith is Tanh with its result allocated by a.
func TanhWith(a Alloc, x *Tensor) *Tensor {
	return unaryWith(a, x, costTrans, tanhLoop[float32], tanhLoop[float64])
}
