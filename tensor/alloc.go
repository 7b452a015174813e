package tensor

// A Pool recycles tensors. Get returns a zeroed tensor, with the storage of
// one that was Put back if one of that element type and size is free, and
// records it among the tensors handed out (Handed), so that its owner can
// tell the result of a kernel from its scratch. The kernels whose names end
// in With take a Pool for their results; a nil *Pool allocates with New.
// A Pool is not safe for concurrent use.
type Pool struct {
	free   map[poolKey][]*Tensor
	handed []*Tensor
	views  []*Tensor // free headers for View
	viewed []*Tensor // handed out by View since the last ClearHanded
}

type poolKey struct {
	dtype DType
	size  int
}

// Alloc is what the kernels ending in With take for their results: a
// *Pool, or nil to allocate with New.
type Alloc = *Pool

// NewPool returns an empty Pool.
func NewPool() *Pool { return &Pool{free: map[poolKey][]*Tensor{}} }

// Get returns a zeroed tensor of the element type and shape, recycled if
// one of that size is free; the shape is copied. On a nil Pool it is New.
func (p *Pool) Get(dtype DType, shape Shape) *Tensor { return p.get(dtype, shape) }

func (p *Pool) get(dtype DType, shape Shape) *Tensor { return p.take(dtype, shape, true) }

// getDirty is get for a kernel that writes every element of its result:
// a recycled tensor is not zeroed first.
func (p *Pool) getDirty(dtype DType, shape Shape) *Tensor { return p.take(dtype, shape, false) }

func (p *Pool) take(dtype DType, shape Shape, zero bool) *Tensor {
	if p == nil {
		return New(dtype, shape...)
	}
	if p.free == nil {
		p.free = map[poolKey][]*Tensor{}
	}
	var t *Tensor
	if n, ok := shape.size(); ok {
		k := poolKey{dtype, n}
		if l := p.free[k]; len(l) > 0 && reuse(l[len(l)-1], dtype, shape, zero) {
			t = l[len(l)-1]
			p.free[k] = l[:len(l)-1]
		}
	}
	if t == nil {
		t = New(dtype, shape...)
	}
	p.handed = append(p.handed, t)
	return t
}

// Put makes t, a tensor from Get (never one from View), free for a later
// Get. Nothing may use t after.
func (p *Pool) Put(t *Tensor) {
	if p.free == nil {
		p.free = map[poolKey][]*Tensor{}
	}
	k := poolKey{t.dtype, t.Size()}
	p.free[k] = append(p.free[k], t)
}

// View returns a tensor of the given shape over x's storage (as Reshape
// makes), its header recycled if one was PutView back; the shape is
// copied. On a nil Pool the header is new. It records the view among those
// handed out (Viewed).
func (p *Pool) View(x *Tensor, shape Shape) *Tensor { return p.view(x, shape) }

func (p *Pool) view(x *Tensor, shape Shape) *Tensor {
	if p == nil {
		return &Tensor{shape: shape.Clone(), dtype: x.dtype, f64: x.f64, f32: x.f32}
	}
	var t *Tensor
	if n := len(p.views); n > 0 {
		t = p.views[n-1]
		p.views = p.views[:n-1]
		t.shape = append(t.shape[:0], shape...)
		t.dtype, t.f64, t.f32 = x.dtype, x.f64, x.f32
	} else {
		t = &Tensor{shape: shape.Clone(), dtype: x.dtype, f64: x.f64, f32: x.f32}
	}
	p.viewed = append(p.viewed, t)
	return t
}

// PutView makes the header of t, a tensor from View, free for a later
// View; its storage is not the Pool's and stays as it is. Nothing may use
// t after.
func (p *Pool) PutView(t *Tensor) {
	t.f32, t.f64 = nil, nil
	p.views = append(p.views, t)
}

// Handed returns the tensors Get handed out since the last ClearHanded.
func (p *Pool) Handed() []*Tensor { return p.handed }

// Viewed returns the tensors View handed out since the last ClearHanded.
func (p *Pool) Viewed() []*Tensor { return p.viewed }

// ClearHanded forgets the tensors and views handed out so far.
func (p *Pool) ClearHanded() {
	clear(p.handed)
	p.handed = p.handed[:0]
	clear(p.viewed)
	p.viewed = p.viewed[:0]
}

// Reuse makes t a zeroed tensor of the given shape, keeping its storage, if
// t has that element type and exactly that number of elements, and
// reports whether it did. It is for allocators that recycle the tensors of
// values no longer in use: nothing else may still use t.
func Reuse(t *Tensor, dtype DType, shape ...int) bool { return reuse(t, dtype, shape, true) }

func reuse(t *Tensor, dtype DType, shape Shape, zero bool) bool {
	if n, ok := shape.size(); !ok || t.dtype != dtype || n != t.Size() {
		return false
	}
	if cap(t.shape) >= len(shape) {
		t.shape = append(t.shape[:0], shape...)
	} else {
		t.shape = shape.Clone()
	}
	if zero {
		clear(t.f32)
		clear(t.f64)
	}
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
	return unaryWith(a, x, costCheap, reluF32, reluLoop[float64])
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
