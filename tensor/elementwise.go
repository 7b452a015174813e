package tensor

import "math"

type float interface{ ~float32 | ~float64 }

// BroadcastShapes returns the shape that x and y broadcast to under NumPy's
// rules: shapes are aligned at their last axis, and each pair of sizes must
// be equal or contain a 1. It panics with a *ShapeError naming op otherwise.
func BroadcastShapes(op string, x, y Shape) Shape {
	n := max(len(x), len(y))
	out := make(Shape, n)
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
	return out
}

// broadcastStrides returns the strides of a row-major array of shape s
// viewed with the rank and shape out: 0 along broadcast axes.
func broadcastStrides(s, out Shape) []int {
	st := make([]int, len(out))
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
// 0 wherever x is 0, even where y is ±Inf or NaN. It is how a gradient
// (x) meets a local derivative (y): a zero upstream gradient contributes
// zero, whatever the local derivative.
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

func binary(op binop, x, y *Tensor) *Tensor {
	name := binopNames[op]
	checkDType(name, x, y)
	shape := BroadcastShapes(name, x.shape, y.shape)
	out := like(x, shape)
	if x.dtype == Float32 {
		binaryLoop(op, out.f32, x.f32, y.f32, shape, x.shape, y.shape)
	} else {
		binaryLoop(op, out.f64, x.f64, y.f64, shape, x.shape, y.shape)
	}
	return out
}

func binaryLoop[T float](op binop, dst, x, y []T, shape, xs, ys Shape) {
	switch {
	case len(x) == len(dst) && len(y) == len(dst):
		binaryFlat(op, dst, x, y, 1, 1)
		return
	case len(x) == len(dst) && len(y) == 1:
		binaryFlat(op, dst, x, y, 1, 0)
		return
	case len(x) == 1 && len(y) == len(dst):
		binaryFlat(op, dst, x, y, 0, 1)
		return
	case len(dst) == 0:
		return
	}
	// General broadcasting: walk the outer axes with an odometer and run the
	// innermost axis as a strided loop.
	r := len(shape)
	sx, sy := broadcastStrides(xs, shape), broadcastStrides(ys, shape)
	inner := shape[r-1]
	idx := make([]int, r-1)
	ix, iy := 0, 0
	for off := 0; off < len(dst); off += inner {
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

// binaryFlat sets dst[i] = x[i*sx] op y[i*sy]; sx and sy are 0 or 1.
func binaryFlat[T float](op binop, dst, x, y []T, sx, sy int) {
	n := len(dst)
	if sx == 1 && sy == 1 {
		x, y = x[:n], y[:n]
		switch op {
		case opAdd:
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
			for i := range dst {
				dst[i] = gatedMul(x[i], y[i])
			}
			return
		}
	}
	if sx == 1 && sy == 0 {
		x, b := x[:n], y[0]
		switch op {
		case opAdd:
			for i := range dst {
				dst[i] = x[i] + b
			}
			return
		case opMul:
			for i := range dst {
				dst[i] = x[i] * b
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
	if g == 0 {
		return 0
	}
	return g * d
}

// Map returns f applied to every element of x. For float32 tensors f is
// computed in float64 and rounded.
func Map(x *Tensor, f func(float64) float64) *Tensor {
	out := like(x, x.shape)
	if x.dtype == Float32 {
		for i, v := range x.f32 {
			out.f32[i] = float32(f(float64(v)))
		}
		return out
	}
	for i, v := range x.f64 {
		out.f64[i] = f(v)
	}
	return out
}

// Neg returns -x element-wise.
func Neg(x *Tensor) *Tensor { return unary(x, negLoop[float32], negLoop[float64]) }

// unary applies the kernel for x's element type; the cheap element-wise
// functions have their own loops rather than a call per element.
func unary(x *Tensor, f32 func(dst, src []float32), f64 func(dst, src []float64)) *Tensor {
	out := like(x, x.shape)
	if x.dtype == Float32 {
		f32(out.f32, x.f32)
	} else {
		f64(out.f64, x.f64)
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
func Abs(x *Tensor) *Tensor { return Map(x, math.Abs) }

// Sqrt returns the square root of x element-wise.
func Sqrt(x *Tensor) *Tensor { return Map(x, math.Sqrt) }

// Square returns x*x element-wise.
func Square(x *Tensor) *Tensor { return unary(x, squareLoop[float32], squareLoop[float64]) }

// Exp returns e**x element-wise.
func Exp(x *Tensor) *Tensor { return Map(x, math.Exp) }

// Log returns the natural logarithm of x element-wise.
func Log(x *Tensor) *Tensor { return Map(x, math.Log) }

// Sin returns sin(x) element-wise.
func Sin(x *Tensor) *Tensor { return Map(x, math.Sin) }

// Cos returns cos(x) element-wise.
func Cos(x *Tensor) *Tensor { return Map(x, math.Cos) }

// Tan returns tan(x) element-wise.
func Tan(x *Tensor) *Tensor { return Map(x, math.Tan) }

// Tanh returns tanh(x) element-wise.
func Tanh(x *Tensor) *Tensor { return Map(x, math.Tanh) }

// Sigmoid returns 1/(1+e**-x) element-wise, computed without overflow.
func Sigmoid(x *Tensor) *Tensor { return Map(x, SigmoidFloat) }

// ReLU returns max(x, 0) element-wise.
func ReLU(x *Tensor) *Tensor { return unary(x, reluLoop[float32], reluLoop[float64]) }

// Sign returns -1, 0 or 1 element-wise as x is negative, zero or positive
// (NaN stays NaN).
func Sign(x *Tensor) *Tensor { return Map(x, SignFloat) }

// Step returns 1 where x > 0 and 0 elsewhere.
func Step(x *Tensor) *Tensor { return unary(x, stepLoop[float32], stepLoop[float64]) }

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
func ReLUGrad(g, x *Tensor) *Tensor {
	checkDType("ReLUGrad", g, x)
	if !g.shape.Equal(x.shape) {
		panic(&ShapeError{Op: "ReLUGrad", Shapes: []Shape{g.shape, x.shape}})
	}
	out := like(g, g.shape)
	// Branch-free: the sign bits of activations are random. Masking the
	// bits, not multiplying by 0 or 1, keeps ±Inf and NaN in g from
	// becoming NaN where x ≤ 0.
	if g.dtype == Float32 {
		dst, x := out.f32[:len(g.f32)], x.f32[:len(g.f32)]
		for i, v := range g.f32 {
			dst[i] = math.Float32frombits(math.Float32bits(v) & -uint32(b2i(x[i] > 0)))
		}
	} else {
		dst, x := out.f64[:len(g.f64)], x.f64[:len(g.f64)]
		for i, v := range g.f64 {
			dst[i] = math.Float64frombits(math.Float64bits(v) & -uint64(b2i(x[i] > 0)))
		}
	}
	return out
}

// Where returns x where cond is nonzero and y elsewhere, with all three
// broadcast together. Values of the branch not taken, NaN included, do not
// reach the result.
func Where(cond, x, y *Tensor) *Tensor {
	checkDType("Where", x, y)
	shape := BroadcastShapes("Where", BroadcastShapes("Where", cond.shape, x.shape), y.shape)
	c := BroadcastTo(cond, shape...)
	a, b := BroadcastTo(x, shape...), BroadcastTo(y, shape...)
	out := like(x, shape)
	for i := range out.Size() {
		if c.flat(i) != 0 {
			out.setFlat(i, a.flat(i))
		} else {
			out.setFlat(i, b.flat(i))
		}
	}
	return out
}
