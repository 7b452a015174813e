package tensor

import (
	"math"
	"slices"
)

type float interface{ ~float32 | ~float64 }

// BroadcastShapes returns the shape that x and y broadcast to under NumPy's
// rules: shapes are aligned at their last axis, and each pair of sizes must
// be equal or contain a 1. It panics with a *ShapeError naming op otherwise.
func BroadcastShapes(op string, x, y Shape) Shape { return broadcastShapes(nil, op, x, y) }

// broadcastShapes is BroadcastShapes with the result in buf's storage when
// it has room (a caller's stack array), so that it allocates nothing.
func broadcastShapes(buf Shape, op string, x, y Shape) Shape {
	n := max(len(x), len(y))
	var out Shape
	if cap(buf) >= n {
		out = buf[:n]
	} else {
		out = make(Shape, n)
	}
	for i := range n {
		a, b := 1, 1
		if k := i - (n - len(x)); k >= 0 {
			a = x[k]
		}
		if k := i - (n - len(y)); k >= 0 {
			b = y[k]
		}
		switch {
		case a == b || b == 1:
			out[i] = a
		case a == 1:
			out[i] = b
		default:
			panic(&ShapeError{Op: op, Shapes: []Shape{x, y}})
		}
	}
	if n == 0 {
		return nil
	}
	if _, ok := out.size(); !ok {
		invalidShape(op, out.Clone(), x, y)
	}
	return out
}

// broadcastStrides returns the strides of a row-major array of shape s
// viewed with the rank and shape out: 0 along broadcast axes.
func broadcastStrides(s, out Shape) []int { return broadcastStridesInto(nil, s, out) }

// broadcastStridesInto is broadcastStrides in buf's storage when it has
// room.
func broadcastStridesInto(buf []int, s, out Shape) []int {
	var st []int
	if cap(buf) >= len(out) {
		st = buf[:len(out)]
		clear(st)
	} else {
		st = make([]int, len(out))
	}
	stride := 1
	for i := len(out) - 1; i >= 0; i-- {
		k := i - (len(out) - len(s))
		if k < 0 {
			break
		}
		if s[k] != 1 {
			st[i] = stride
		}
		stride *= s[k]
	}
	return st
}

type binop uint8

const (
	opAdd binop = iota
	opSub
	opMul
	opDiv
	opPow
	opMax
	opMin
	opGreater
	opEqual
	opGatedMul
)

var binopNames = [...]string{"Add", "Sub", "Mul", "Div", "Pow", "Maximum", "Minimum", "Greater", "Equal", "GatedMul"}

// Add returns x + y element-wise, with broadcasting.
func Add(x, y *Tensor) *Tensor { return binary(opAdd, x, y) }

// Sub returns x - y element-wise, with broadcasting.
func Sub(x, y *Tensor) *Tensor { return binary(opSub, x, y) }

// Mul returns x * y element-wise, with broadcasting.
func Mul(x, y *Tensor) *Tensor { return binary(opMul, x, y) }

// GatedMul returns x·y element-wise, with broadcasting, except that it is
// 0 wherever x or y is 0, even where the other is ±Inf or NaN. It is how a
// gradient (x) meets a local derivative (y): a zero upstream gradient
// contributes zero, whatever the local derivative, and a zero local
// derivative contributes zero, whatever the gradient.
func GatedMul(x, y *Tensor) *Tensor { return binary(opGatedMul, x, y) }

// Div returns x / y element-wise, with broadcasting.
func Div(x, y *Tensor) *Tensor { return binary(opDiv, x, y) }

// Pow returns x raised to y element-wise (math.Pow), with broadcasting.
func Pow(x, y *Tensor) *Tensor { return binary(opPow, x, y) }

// Maximum returns the larger of x and y element-wise, with broadcasting.
func Maximum(x, y *Tensor) *Tensor { return binary(opMax, x, y) }

// Minimum returns the smaller of x and y element-wise, with broadcasting.
func Minimum(x, y *Tensor) *Tensor { return binary(opMin, x, y) }

// Greater returns 1 where x > y and 0 elsewhere, with broadcasting.
func Greater(x, y *Tensor) *Tensor { return binary(opGreater, x, y) }

// Equal returns 1 where x == y and 0 elsewhere, with broadcasting.
func Equal(x, y *Tensor) *Tensor { return binary(opEqual, x, y) }

func binary(op binop, x, y *Tensor) *Tensor { return binaryWith(nil, op, x, y) }

func binaryWith(a Alloc, op binop, x, y *Tensor) *Tensor {
	name := binopNames[op]
	notNil(name, x, y)
	checkDType(name, x, y)
	var buf [8]int
	out := a.getDirty(x.dtype, binaryShape(buf[:0], name, x.shape, y.shape))
	shape := out.shape
	if x.dtype == Float32 {
		binaryLoop(op, out.f32, x.f32, y.f32, shape, x.shape, y.shape)
	} else {
		binaryLoop(op, out.f64, x.f64, y.f64, shape, x.shape, y.shape)
	}
	return out
}

// binaryShape is the shape of x op y, for a.get, which copies it: x, or
// the broadcast shape in buf (the caller's stack), so that it allocates
// nothing.
func binaryShape(buf Shape, name string, x, y Shape) Shape {
	if x.Equal(y) {
		return x
	}
	return broadcastShapes(buf, name, x, y)
}

// cost returns op's work per element, for parallelFor.
func (op binop) cost() int {
	switch op {
	case opDiv:
		return costDiv
	case opPow:
		return costTrans
	}
	return costCheap
}

// binaryLoop sets dst = x op y, where x has shape xs, y has shape ys and
// dst their broadcast shape. Large tensors are split across goroutines
// (see parallelFor); each element is computed as in the serial loop.
func binaryLoop[T float](op binop, dst, x, y []T, shape, xs, ys Shape) {
	n := len(dst)
	switch {
	case n == 0:
		return
	case len(x) == n && len(y) == n:
		if !splits(n, parallelGrain, n*op.cost()) {
			binaryFlat(op, dst, x, y, 1, 1)
			return
		}
		parallelElems(n, op.cost(), func(lo, hi int) { binaryFlat(op, dst[lo:hi], x[lo:hi], y[lo:hi], 1, 1) })
		return
	case len(x) == n && len(y) == 1:
		if !splits(n, parallelGrain, n*op.cost()) {
			binaryFlat(op, dst, x, y, 1, 0)
			return
		}
		parallelElems(n, op.cost(), func(lo, hi int) { binaryFlat(op, dst[lo:hi], x[lo:hi], y, 1, 0) })
		return
	case len(x) == 1 && len(y) == n:
		if !splits(n, parallelGrain, n*op.cost()) {
			binaryFlat(op, dst, x, y, 0, 1)
			return
		}
		parallelElems(n, op.cost(), func(lo, hi int) { binaryFlat(op, dst[lo:hi], x, y[lo:hi], 0, 1) })
		return
	case suffix(ys, shape) && len(x) == n:
		// y repeats along the leading axes (a bias): one flat loop a row.
		m := len(y)
		if !splits(n/m, 1, n*op.cost()) {
			for off := 0; off < n; off += m {
				binaryFlat(op, dst[off:off+m], x[off:off+m], y, 1, 1)
			}
			return
		}
	}
	// General broadcasting: split the rows (all axes but the last) across
	// goroutines; each walks its rows with an odometer and runs the
	// innermost axis as a strided loop.
	var bx, by, bs [8]int
	sx, sy := broadcastStridesInto(bx[:0], xs, shape), broadcastStridesInto(by[:0], ys, shape)
	shape, sx, sy = coalesce(append(bs[:0], shape...), sx, sy)
	inner := shape[len(shape)-1]
	if !splits(n/inner, 1, n*op.cost()) {
		binaryRows(op, dst, x, y, shape, sx, sy, 0, n/inner)
		return
	}
	// The goroutines' own copies: the closure must not take the arrays
	// above to the heap.
	ps, px, py := slices.Clone(shape), slices.Clone(sx), slices.Clone(sy)
	parallelFor(n/inner, 1, n*op.cost(), func(lo, hi int) {
		binaryRows(op, dst, x, y, ps, px, py, lo, hi)
	})
}

// coalesce merges each pair of adjacent axes that both operands step
// across as one axis (x's stride along the outer axis is its stride along
// the inner one times the inner one's length, and so is y's), and drops
// axes of length 1, in place: shape, sx and sy are a broadcast's shape and
// the operands' strides (broadcastStridesInto). A bias [C 1 1] added to
// [N C H W] then runs as N·C rows of H·W elements, not N·C·H rows of W.
// The elements and the order they are visited in do not change.
func coalesce(shape Shape, sx, sy []int) (Shape, []int, []int) {
	r := 0 // axes kept so far: shape[:r], sx[:r], sy[:r]
	for a := range shape {
		switch {
		case shape[a] == 1 && len(shape) > 1:
			continue
		case r > 0 && sx[r-1] == sx[a]*shape[a] && sy[r-1] == sy[a]*shape[a]:
			shape[r-1] *= shape[a]
			sx[r-1], sy[r-1] = sx[a], sy[a]
			continue
		}
		shape[r], sx[r], sy[r] = shape[a], sx[a], sy[a]
		r++
	}
	if r == 0 { // all axes of length 1
		shape[0], sx[0], sy[0] = 1, 0, 0
		r = 1
	}
	return shape[:r], sx[:r], sy[:r]
}

// suffix reports whether s, of nonzero size, is the trailing axes of
// shape, with at least one leading axis: an operand that repeats along the
// leading axes.
func suffix(s, shape Shape) bool {
	if len(s) == 0 || len(s) >= len(shape) && !(len(s) == len(shape) && s[0] == 1) {
		return false
	}
	t := shape[len(shape)-len(s):]
	for i, d := range s {
		if i == 0 && len(s) == len(shape) {
			continue // a leading 1
		}
		if d != t[i] {
			return false
		}
	}
	return s.Size() > 0
}

// binaryRows runs binaryLoop's general case on rows [lo, hi) of dst, each
// shape[len(shape)-1] long; sx and sy are the broadcast strides of x and y.
func binaryRows[T float](op binop, dst, x, y []T, shape Shape, sx, sy []int, lo, hi int) {
	r := len(shape)
	inner := shape[r-1]
	// The odometer's start: row lo's index along each outer axis.
	var buf [8]int
	var idx []int
	if r-1 > len(buf) {
		idx = make([]int, r-1)
	} else {
		idx = buf[:r-1]
	}
	ix, iy := 0, 0
	for a, q := r-2, lo; a >= 0; a-- {
		idx[a] = q % shape[a]
		q /= shape[a]
		ix += idx[a] * sx[a]
		iy += idx[a] * sy[a]
	}
	for off := lo * inner; off < hi*inner; off += inner {
		binaryFlat(op, dst[off:off+inner], x[ix:], y[iy:], sx[r-1], sy[r-1])
		for a := r - 2; a >= 0; a-- {
			idx[a]++
			ix += sx[a]
			iy += sy[a]
			if idx[a] < shape[a] {
				break
			}
			ix -= sx[a] * shape[a]
			iy -= sy[a] * shape[a]
			idx[a] = 0
		}
	}
}

// addScalar sets dst[i] = x[i] + b, in the vector kernels for float32;
// x is at least as long as dst.
func addScalar[T float](dst, x []T, b T) {
	if d, ok := any(dst).([]float32); ok {
		addScalarF32(d, any(x).([]float32), any(b).(float32))
		return
	}
	for i := range dst {
		dst[i] = x[i] + b
	}
}

// binaryFlat sets dst[i] = x[i*sx] op y[i*sy]; sx and sy are 0 or 1. The
// arithmetic ops have a loop of their own for each of the three forms
// (both operands flat, y broadcast, x broadcast), resliced so that the
// compiler drops the bounds checks.
func binaryFlat[T float](op binop, dst, x, y []T, sx, sy int) {
	n := len(dst)
	switch {
	case sx == 1 && sy == 1:
		x, y = x[:n], y[:n]
		switch op {
		case opAdd:
			if d, ok := any(dst).([]float32); ok {
				addF32(d, any(x).([]float32), any(y).([]float32))
				return
			}
			for i := range dst {
				dst[i] = x[i] + y[i]
			}
			return
		case opSub:
			for i := range dst {
				dst[i] = x[i] - y[i]
			}
			return
		case opMul:
			for i := range dst {
				dst[i] = x[i] * y[i]
			}
			return
		case opDiv:
			for i := range dst {
				dst[i] = x[i] / y[i]
			}
			return
		case opGatedMul:
			gatedMulFlat(dst, x, y)
			return
		}
	case sx == 1 && sy == 0:
		x, b := x[:n], y[0]
		switch op {
		case opAdd:
			addScalar(dst, x, b)
			return
		case opSub:
			for i := range dst {
				dst[i] = x[i] - b
			}
			return
		case opMul:
			for i := range dst {
				dst[i] = x[i] * b
			}
			return
		case opDiv:
			for i := range dst {
				dst[i] = x[i] / b
			}
			return
		case opGatedMul:
			for i := range dst {
				dst[i] = gatedMul(x[i], b)
			}
			return
		}
	case sx == 0 && sy == 1:
		a, y := x[0], y[:n]
		switch op {
		case opAdd:
			for i := range dst {
				dst[i] = a + y[i]
			}
			return
		case opSub:
			for i := range dst {
				dst[i] = a - y[i]
			}
			return
		case opMul:
			for i := range dst {
				dst[i] = a * y[i]
			}
			return
		case opDiv:
			for i := range dst {
				dst[i] = a / y[i]
			}
			return
		case opGatedMul:
			for i := range dst {
				dst[i] = gatedMul(a, y[i])
			}
			return
		}
	}
	for i := range dst {
		dst[i] = apply(op, x[i*sx], y[i*sy])
	}
}

func apply[T float](op binop, a, b T) T {
	switch op {
	case opAdd:
		return a + b
	case opSub:
		return a - b
	case opMul:
		return a * b
	case opDiv:
		return a / b
	case opPow:
		return T(math.Pow(float64(a), float64(b)))
	case opMax:
		if a > b || math.IsNaN(float64(a)) {
			return a
		}
		return b
	case opMin:
		if a < b || math.IsNaN(float64(a)) {
			return a
		}
		return b
	case opGreater:
		if a > b {
			return 1
		}
		return 0
	case opEqual:
		if a == b {
			return 1
		}
		return 0
	case opGatedMul:
		return gatedMul(a, b)
	}
	panic("unreachable")
}

func gatedMul[T float](g, d T) T {
	if g == 0 || d == 0 {
		return 0
	}
	return g * d
}

// gatedMulFlat sets dst[i] = gatedMul(g[i], d[i]) without a branch: which
// gradients are 0 (after a ReLU, say) is random, and a branch per element
// mispredicts often. Masking the bits of g·d to +0 where g or d is 0 keeps
// ±Inf and NaN in the other from reaching dst.
func gatedMulFlat[T float](dst, g, d []T) {
	switch dst := any(dst).(type) {
	case []float32:
		g, d := any(g).([]float32)[:len(dst)], any(d).([]float32)[:len(dst)]
		for i := range dst {
			dst[i] = math.Float32frombits(math.Float32bits(g[i]*d[i]) & -uint32(b2i(g[i] != 0)&b2i(d[i] != 0)))
		}
	case []float64:
		g, d := any(g).([]float64)[:len(dst)], any(d).([]float64)[:len(dst)]
		for i := range dst {
			dst[i] = math.Float64frombits(math.Float64bits(g[i]*d[i]) & -uint64(b2i(g[i] != 0)&b2i(d[i] != 0)))
		}
	}
}

// Map returns f applied to every element of x. For float32 tensors f is
// computed in float64 and rounded. On large tensors f is called from
// several goroutines at once, so it must be safe for concurrent use.
func Map(x *Tensor, f func(float64) float64) *Tensor {
	notNil("Map", x)
	if f == nil {
		panic(&ShapeError{Op: "Map", Shapes: []Shape{x.shape}, Reason: "nil function"})
	}
	out := like(x, x.shape)
	if x.dtype == Float32 {
		parallelElems(len(x.f32), costTrans, func(lo, hi int) {
			dst := out.f32[lo:hi]
			for i, v := range x.f32[lo:hi] {
				dst[i] = float32(f(float64(v)))
			}
		})
		return out
	}
	parallelElems(len(x.f64), costTrans, func(lo, hi int) {
		dst := out.f64[lo:hi]
		for i, v := range x.f64[lo:hi] {
			dst[i] = f(v)
		}
	})
	return out
}

// Map2 returns f applied to the elements of x and y, broadcast together
// under NumPy's rules. For float32 tensors f is computed in float64 and
// rounded. On large tensors f is called from several goroutines at once,
// so it must be safe for concurrent use. It panics with a *ShapeError if
// the shapes do not broadcast.
func Map2(x, y *Tensor, f func(a, b float64) float64) *Tensor {
	notNil("Map2", x, y)
	checkDType("Map2", x, y)
	if f == nil {
		panic(&ShapeError{Op: "Map2", Shapes: []Shape{x.shape, y.shape}, Reason: "nil function"})
	}
	shape := BroadcastShapes("Map2", x.shape, y.shape)
	if !x.shape.Equal(shape) {
		x = BroadcastTo(x, shape...)
	}
	if !y.shape.Equal(shape) {
		y = BroadcastTo(y, shape...)
	}
	out := like(x, shape)
	if x.dtype == Float32 {
		parallelElems(len(out.f32), costTrans, func(lo, hi int) {
			dst, b := out.f32[lo:hi], y.f32[lo:hi]
			for i, v := range x.f32[lo:hi] {
				dst[i] = float32(f(float64(v), float64(b[i])))
			}
		})
		return out
	}
	parallelElems(len(out.f64), costTrans, func(lo, hi int) {
		dst, b := out.f64[lo:hi], y.f64[lo:hi]
		for i, v := range x.f64[lo:hi] {
			dst[i] = f(v, b[i])
		}
	})
	return out
}

// Neg returns -x element-wise.
func Neg(x *Tensor) *Tensor { return NegWith(nil, x) }

// unary applies the kernel for x's element type, of the given cost per
// element, split across goroutines on large tensors. Each kernel is a loop
// of its own, with no call per element through a func value; the
// transcendental ones compute in float64, as Map does.
func unary(x *Tensor, cost int, f32 func(dst, src []float32), f64 func(dst, src []float64)) *Tensor {
	return unaryWith(nil, x, cost, f32, f64)
}

func unaryWith(a Alloc, x *Tensor, cost int, f32 func(dst, src []float32), f64 func(dst, src []float64)) *Tensor {
	notNil("element-wise operation", x)
	out := a.getDirty(x.dtype, x.shape)
	n := x.Size()
	switch {
	case !splits(n, parallelGrain, n*cost) && x.dtype == Float32:
		f32(out.f32, x.f32)
	case !splits(n, parallelGrain, n*cost):
		f64(out.f64, x.f64)
	case x.dtype == Float32:
		parallelElems(len(x.f32), cost, func(lo, hi int) { f32(out.f32[lo:hi], x.f32[lo:hi]) })
	default:
		parallelElems(len(x.f64), cost, func(lo, hi int) { f64(out.f64[lo:hi], x.f64[lo:hi]) })
	}
	return out
}

func negLoop[T float](dst, src []T) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = -v
	}
}

func squareLoop[T float](dst, src []T) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = v * v
	}
}

// reluLoop and stepLoop are branch-free: activations are positive or not
// at random, and a branch per element mispredicts half the time.
func reluLoop[T float](dst, src []T) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = max(v, 0) // NaN stays NaN, -0 becomes 0
	}
}

func stepLoop[T float](dst, src []T) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = T(b2i(v > 0))
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Abs returns |x| element-wise.
func Abs(x *Tensor) *Tensor { return AbsWith(nil, x) }

// Sqrt returns the square root of x element-wise.
func Sqrt(x *Tensor) *Tensor { return SqrtWith(nil, x) }

// Square returns x*x element-wise.
func Square(x *Tensor) *Tensor {
	return unary(x, costCheap, squareLoop[float32], squareLoop[float64])
}

// Exp returns e**x element-wise.
func Exp(x *Tensor) *Tensor { return ExpWith(nil, x) }

// Log returns the natural logarithm of x element-wise.
func Log(x *Tensor) *Tensor { return LogWith(nil, x) }

// Sin returns sin(x) element-wise.
func Sin(x *Tensor) *Tensor { return SinWith(nil, x) }

// Cos returns cos(x) element-wise.
func Cos(x *Tensor) *Tensor { return CosWith(nil, x) }

// Tan returns tan(x) element-wise.
func Tan(x *Tensor) *Tensor { return TanWith(nil, x) }

// Tanh returns tanh(x) element-wise.
func Tanh(x *Tensor) *Tensor { return TanhWith(nil, x) }

// Sigmoid returns 1/(1+e**-x) element-wise, computed without overflow.
func Sigmoid(x *Tensor) *Tensor {
	return unary(x, costTrans, sigmoidLoop[float32], sigmoidLoop[float64])
}

// ReLU returns max(x, 0) element-wise.
func ReLU(x *Tensor) *Tensor { return ReLUWith(nil, x) }

// Sign returns -1, 0 or 1 element-wise as x is negative, zero or positive
// (NaN stays NaN).
func Sign(x *Tensor) *Tensor { return unary(x, costDiv, signLoop[float32], signLoop[float64]) }

// Step returns 1 where x > 0 and 0 elsewhere.
func Step(x *Tensor) *Tensor { return unary(x, costCheap, stepLoop[float32], stepLoop[float64]) }

// The loops below compute in float64 and round, as Map does, so that
// Exp(x) and Map(x, math.Exp) agree bit for bit; they call the math
// function directly rather than through a func value.

func absLoop[T float](dst, src []T) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = T(math.Abs(float64(v)))
	}
}

func sqrtLoop[T float](dst, src []T) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = T(math.Sqrt(float64(v)))
	}
}

func expLoop[T float](dst, src []T) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = T(math.Exp(float64(v)))
	}
}

func logLoop[T float](dst, src []T) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = T(math.Log(float64(v)))
	}
}

func sinLoop[T float](dst, src []T) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = T(math.Sin(float64(v)))
	}
}

func cosLoop[T float](dst, src []T) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = T(math.Cos(float64(v)))
	}
}

func tanLoop[T float](dst, src []T) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = T(math.Tan(float64(v)))
	}
}

func tanhLoop[T float](dst, src []T) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = T(math.Tanh(float64(v)))
	}
}

func sigmoidLoop[T float](dst, src []T) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = T(SigmoidFloat(float64(v)))
	}
}

func signLoop[T float](dst, src []T) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = T(SignFloat(float64(v)))
	}
}

// SigmoidFloat returns 1/(1+e**-v) without overflow for large |v|.
func SigmoidFloat(v float64) float64 {
	if v >= 0 {
		return 1 / (1 + math.Exp(-v))
	}
	e := math.Exp(v)
	return e / (1 + e)
}

// ReLUFloat returns max(v, 0); NaN stays NaN.
func ReLUFloat(v float64) float64 {
	if v > 0 || v != v {
		return v
	}
	return 0
}

// SignFloat returns -1, 0 or 1 as v is negative, zero or positive; NaN
// stays NaN.
func SignFloat(v float64) float64 {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return v * 0 // 0 for ±0, NaN for NaN
}

// ReLUGrad returns g where x > 0 and 0 elsewhere (NaN in g included): the
// bprop of ReLU in one pass. g and x have one shape; ReLUGrad panics with a
// *ShapeError otherwise.
func ReLUGrad(g, x *Tensor) *Tensor { return ReLUGradWith(nil, g, x) }

// ReLUGradWith is ReLUGrad with its result allocated by a.
func ReLUGradWith(a Alloc, g, x *Tensor) *Tensor {
	checkDType("ReLUGrad", g, x)
	if !g.shape.Equal(x.shape) {
		panic(&ShapeError{Op: "ReLUGrad", Shapes: []Shape{g.shape, x.shape}})
	}
	out := a.getDirty(g.dtype, g.shape)
	n := g.Size()
	switch {
	case !splits(n, parallelGrain, n*costCheap) && g.dtype == Float32:
		reluGradF32(out.f32, g.f32, x.f32)
	case !splits(n, parallelGrain, n*costCheap):
		reluGradLoop64(out.f64, g.f64, x.f64)
	case g.dtype == Float32:
		parallelElems(len(g.f32), costCheap, func(lo, hi int) { reluGradF32(out.f32[lo:hi], g.f32[lo:hi], x.f32[lo:hi]) })
	default:
		parallelElems(len(g.f64), costCheap, func(lo, hi int) { reluGradLoop64(out.f64[lo:hi], g.f64[lo:hi], x.f64[lo:hi]) })
	}
	return out
}

// reluGradLoop32 and reluGradLoop64 are branch-free: the sign bits of
// activations are random. Masking the bits, not multiplying by 0 or 1,
// keeps ±Inf and NaN in g from becoming NaN where x ≤ 0.
func reluGradLoop32(dst, g, x []float32) {
	dst, x = dst[:len(g)], x[:len(g)]
	for i, v := range g {
		dst[i] = math.Float32frombits(math.Float32bits(v) & -uint32(b2i(x[i] > 0)))
	}
}

func reluGradLoop64(dst, g, x []float64) {
	dst, x = dst[:len(g)], x[:len(g)]
	for i, v := range g {
		dst[i] = math.Float64frombits(math.Float64bits(v) & -uint64(b2i(x[i] > 0)))
	}
}

// Where returns x where cond is nonzero and y elsewhere, with all three
// broadcast together. Values of the branch not taken, NaN included, do not
// reach the result.
func Where(cond, x, y *Tensor) *Tensor {
	notNil("Where", cond, x, y)
	checkDType("Where", x, y)
	shape := BroadcastShapes("Where", BroadcastShapes("Where", cond.shape, x.shape), y.shape)
	c, a, b := cond, x, y
	if !c.shape.Equal(shape) {
		c = BroadcastTo(cond, shape...)
	}
	if !a.shape.Equal(shape) {
		a = BroadcastTo(x, shape...)
	}
	if !b.shape.Equal(shape) {
		b = BroadcastTo(y, shape...)
	}
	out := like(x, shape)
	switch {
	case x.dtype == Float32 && c.dtype == Float32:
		whereLoop(out.f32, c.f32, a.f32, b.f32)
	case x.dtype == Float32:
		whereLoop(out.f32, c.f64, a.f32, b.f32)
	case c.dtype == Float32:
		whereLoop(out.f64, c.f32, a.f64, b.f64)
	default:
		whereLoop(out.f64, c.f64, a.f64, b.f64)
	}
	return out
}

// whereLoop sets dst[i] to x[i] where c[i] != 0 (NaN included) and to
// y[i] elsewhere, split across goroutines on large tensors.
func whereLoop[C, T float](dst []T, c []C, x, y []T) {
	parallelElems(len(dst), costCheap, func(lo, hi int) {
		dst, c, x, y := dst[lo:hi], c[lo:hi], x[lo:hi], y[lo:hi]
		for i := range dst {
			if c[i] != 0 {
				dst[i] = x[i]
			} else {
				dst[i] = y[i]
			}
		}
	})
}
