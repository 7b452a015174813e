package tensor

import (
	"math"
	"slices"
)

type redop uint8

const (
	redSum redop = iota
	redMax
	redMin
)

// Sum returns the sum of x over axes (all axes when axes is empty). With
// keepDims the reduced axes stay as size 1. Negative axes count from the
// end. It panics with a *ShapeError if an axis is out of range or repeated.
func Sum(x *Tensor, axes []int, keepDims bool) *Tensor {
	return reduce("Sum", redSum, x, axes, keepDims)
}

// Mean returns the mean of x over axes, as Sum.
func Mean(x *Tensor, axes []int, keepDims bool) *Tensor {
	s := reduce("Mean", redSum, x, axes, keepDims)
	n := x.Size() / max(s.Size(), 1)
	if s.Size() == 0 {
		n = 0
	}
	return Mul(s, scalarLike(x, 1/float64(n)))
}

// Max returns the largest element of x over axes, as Sum. NaN wins over
// any number. Reducing an empty axis gives -Inf.
func Max(x *Tensor, axes []int, keepDims bool) *Tensor {
	return reduce("Max", redMax, x, axes, keepDims)
}

// Min returns the smallest element of x over axes, as Max.
func Min(x *Tensor, axes []int, keepDims bool) *Tensor {
	return reduce("Min", redMin, x, axes, keepDims)
}

// NormAxes returns axes in [0, rank) sorted, with nil meaning every axis.
// It panics with a *ShapeError naming op if an axis is out of range or
// repeated.
func NormAxes(op string, axes []int, s Shape) []int {
	if len(axes) == 0 {
		all := make([]int, len(s))
		for i := range all {
			all[i] = i
		}
		return all
	}
	out := make([]int, len(axes))
	for i, a := range axes {
		out[i] = normAxis(op, a, s)
	}
	slices.Sort(out)
	for i := 1; i < len(out); i++ {
		if out[i] == out[i-1] {
			panic(&ShapeError{Op: op, Shapes: []Shape{s}, Reason: "repeated axis"})
		}
	}
	return out
}

// ReducedShape returns the shape of x reduced over axes (normalised as by
// NormAxes), with or without the reduced axes kept as size 1.
func ReducedShape(s Shape, axes []int, keepDims bool) Shape {
	var out Shape
	for i, d := range s {
		if slices.Contains(axes, i) {
			if keepDims {
				out = append(out, 1)
			}
			continue
		}
		out = append(out, d)
	}
	return out
}

func reduce(name string, op redop, x *Tensor, axes []int, keepDims bool) *Tensor {
	axes = NormAxes(name, axes, x.shape)
	cur := x
	for i := len(axes) - 1; i >= 0; i-- {
		cur = reduceAxis(op, cur, axes[i])
	}
	if len(axes) == 0 && x == cur {
		cur = x.Clone()
	}
	return Reshape(cur, ReducedShape(x.shape, axes, keepDims)...)
}

// outerInner splits shape s around axis into the sizes before and after it.
func outerInner(s Shape, axis int) (outer, n, inner int) {
	outer, inner = 1, 1
	for i, d := range s {
		switch {
		case i < axis:
			outer *= d
		case i > axis:
			inner *= d
		}
	}
	return outer, s[axis], inner
}

// reduceAxis reduces x over one axis, keeping it as size 1.
func reduceAxis(op redop, x *Tensor, axis int) *Tensor {
	shape := x.shape.Clone()
	shape[axis] = 1
	out := like(x, shape)
	outer, n, inner := outerInner(x.shape, axis)
	if x.dtype == Float32 {
		reduceLoop(op, out.f32, x.f32, outer, n, inner)
	} else {
		reduceLoop(op, out.f64, x.f64, outer, n, inner)
	}
	return out
}

func reduceLoop[T float](op redop, dst, x []T, outer, n, inner int) {
	init := T(0)
	switch op {
	case redMax:
		init = T(math.Inf(-1))
	case redMin:
		init = T(math.Inf(1))
	}
	for o := range outer {
		d := dst[o*inner : (o+1)*inner]
		for j := range d {
			d[j] = init
		}
		for k := range n {
			row := x[(o*n+k)*inner : (o*n+k+1)*inner]
			switch op {
			case redSum:
				for j, v := range row {
					d[j] += v
				}
			case redMax:
				for j, v := range row {
					if v > d[j] || v != v {
						if d[j] == d[j] {
							d[j] = v
						}
					}
				}
			case redMin:
				for j, v := range row {
					if v < d[j] || v != v {
						if d[j] == d[j] {
							d[j] = v
						}
					}
				}
			}
		}
	}
}

func scalarLike(x *Tensor, v float64) *Tensor {
	if x.dtype == Float32 {
		return Scalar32(float32(v))
	}
	return Scalar(v)
}

// LogSumExp returns log(sum(exp(x))) over axis, computed stably by
// subtracting the maximum first. With keepDims the axis stays as size 1.
func LogSumExp(x *Tensor, axis int, keepDims bool) *Tensor {
	axis = normAxis("LogSumExp", axis, x.shape)
	out := reduceAxis(redMax, x, axis)
	outer, n, inner := outerInner(x.shape, axis)
	if x.dtype == Float32 {
		lseLoop(out.f32, x.f32, outer, n, inner)
	} else {
		lseLoop(out.f64, x.f64, outer, n, inner)
	}
	return Reshape(out, ReducedShape(x.shape, []int{axis}, keepDims)...)
}

// lseLoop turns the maxima in m into log-sum-exps of x.
func lseLoop[T float](m, x []T, outer, n, inner int) {
	for o := range outer {
		for j := range inner {
			mx := float64(m[o*inner+j])
			if math.IsInf(mx, 0) || mx != mx {
				continue // ±Inf or NaN: the result is the maximum itself
			}
			s := 0.0
			for k := range n {
				s += math.Exp(float64(x[(o*n+k)*inner+j]) - mx)
			}
			m[o*inner+j] = T(mx + math.Log(s))
		}
	}
}

// Softmax returns exp(x) / sum(exp(x)) over axis, computed stably as
// exp(x-m) / sum(exp(x-m)) with m the maximum.
func Softmax(x *Tensor, axis int) *Tensor {
	axis = normAxis("Softmax", axis, x.shape)
	return softmax(x, axis, false)
}

// LogSoftmax returns x - LogSumExp(x) over axis, computed stably as
// (x-m) - log(sum(exp(x-m))) with m the maximum.
func LogSoftmax(x *Tensor, axis int) *Tensor {
	axis = normAxis("LogSoftmax", axis, x.shape)
	return softmax(x, axis, true)
}

func softmax(x *Tensor, axis int, log bool) *Tensor {
	out := like(x, x.shape)
	outer, n, inner := outerInner(x.shape, axis)
	if x.dtype == Float32 {
		softmaxLoop(out.f32, x.f32, outer, n, inner, log)
	} else {
		softmaxLoop(out.f64, x.f64, outer, n, inner, log)
	}
	return out
}

func softmaxLoop[T float](dst, x []T, outer, n, inner int, log bool) {
	for o := range outer {
		for j := range inner {
			at := func(k int) int { return (o*n+k)*inner + j }
			m := math.Inf(-1)
			for k := range n {
				if v := float64(x[at(k)]); v > m || v != v {
					m = v
				}
			}
			if math.IsInf(m, 0) || m != m {
				m = 0 // let ±Inf and NaN propagate through exp
			}
			s := 0.0
			for k := range n {
				s += math.Exp(float64(x[at(k)]) - m)
			}
			for k := range n {
				d := float64(x[at(k)]) - m
				if log {
					dst[at(k)] = T(d - math.Log(s))
				} else {
					dst[at(k)] = T(math.Exp(d) / s)
				}
			}
		}
	}
}
