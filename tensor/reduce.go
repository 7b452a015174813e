package tensor

import (
	"fmt"
	"math"
	"slices"
)

type redop uint8

const (
	redSum redop = iota
	redMax
	redMin
	redProd
)

// Sum returns the sum of x over axes (all axes when axes is empty). With
// keepDims the reduced axes stay as size 1. Negative axes count from the
// end. It panics with a *ShapeError if an axis is out of range or repeated.
func Sum(x *Tensor, axes []int, keepDims bool) *Tensor { return SumWith(nil, x, axes, keepDims) }

// SumWith is Sum with its result allocated by a.
func SumWith(a Alloc, x *Tensor, axes []int, keepDims bool) *Tensor {
	return reduce(a, "Sum", redSum, x, axes, keepDims)
}

// Mean returns the mean of x over axes, as Sum.
func Mean(x *Tensor, axes []int, keepDims bool) *Tensor { return MeanWith(nil, x, axes, keepDims) }

// MeanWith is Mean with its result allocated by a.
func MeanWith(a Alloc, x *Tensor, axes []int, keepDims bool) *Tensor {
	s := reduce(a, "Mean", redSum, x, axes, keepDims)
	n := x.Size() / max(s.Size(), 1)
	if s.Size() == 0 {
		n = 0
	}
	// s is this function's own: scale it in place, as Mul by 1/n would.
	c := 1 / float64(n)
	if s.dtype == Float32 {
		c32 := float32(c)
		for i := range s.f32 {
			s.f32[i] *= c32
		}
	} else {
		for i := range s.f64 {
			s.f64[i] *= c
		}
	}
	return s
}

// Max returns the largest element of x over axes, as Sum. NaN wins over
// any number. Reducing an empty axis gives -Inf.
func Max(x *Tensor, axes []int, keepDims bool) *Tensor { return MaxWith(nil, x, axes, keepDims) }

// MaxWith is Max with its result allocated by a.
func MaxWith(a Alloc, x *Tensor, axes []int, keepDims bool) *Tensor {
	return reduce(a, "Max", redMax, x, axes, keepDims)
}

// Min returns the smallest element of x over axes, as Max.
func Min(x *Tensor, axes []int, keepDims bool) *Tensor { return MinWith(nil, x, axes, keepDims) }

// MinWith is Min with its result allocated by a.
func MinWith(a Alloc, x *Tensor, axes []int, keepDims bool) *Tensor {
	return reduce(a, "Min", redMin, x, axes, keepDims)
}

// Prod returns the product of x over axes, as Sum. The product of no
// elements is 1.
func Prod(x *Tensor, axes []int, keepDims bool) *Tensor {
	return reduce(nil, "Prod", redProd, x, axes, keepDims)
}

// NormAxes returns axes in [0, rank) sorted, with nil meaning every axis.
// It panics with a *ShapeError naming op if an axis is out of range or
// repeated.
func NormAxes(op string, axes []int, s Shape) []int { return normAxes(nil, op, axes, s) }

// NormAxesInto is NormAxes with the result in buf's storage when it has
// room, so that a caller's stack array spares an allocation.
func NormAxesInto(buf []int, op string, axes []int, s Shape) []int { return normAxes(buf, op, axes, s) }

// NormAxis returns axis in [0, rank), counting a negative axis from the
// end. It panics with a *ShapeError naming op if it is out of range.
func NormAxis(op string, axis int, s Shape) int { return normAxis(op, axis, s) }

// normAxes is NormAxes in buf's storage when it has room.
func normAxes(buf []int, op string, axes []int, s Shape) []int {
	n := len(axes)
	if n == 0 {
		n = len(s)
	}
	if cap(buf) < n {
		buf = make([]int, 0, n)
	}
	if len(axes) == 0 {
		all := buf[:len(s)]
		for i := range all {
			all[i] = i
		}
		return all
	}
	out := buf[:len(axes)]
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
	return reducedShape(nil, s, axes, keepDims)
}

// ReducedShapeInto is ReducedShape with the result in buf's storage when
// it has room.
func ReducedShapeInto(buf Shape, s Shape, axes []int, keepDims bool) Shape {
	return reducedShape(buf, s, axes, keepDims)
}

// reducedShape is ReducedShape in buf's storage.
func reducedShape(buf Shape, s Shape, axes []int, keepDims bool) Shape {
	for _, a := range axes {
		if a < 0 || a >= len(s) {
			panic(&ShapeError{Op: "ReducedShape", Shapes: []Shape{s}, Reason: fmt.Sprintf("axis %d out of range for rank %d (normalise axes with NormAxes)", a, len(s))})
		}
	}
	out := buf[:0]
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

func reduce(a Alloc, name string, op redop, x *Tensor, axes []int, keepDims bool) *Tensor {
	notNil(name, x)
	var ab, sb [8]int
	axes = normAxes(ab[:0], name, axes, x.shape)
	if onePass(op, axes, len(x.shape)) {
		out := a.getDirty(x.dtype, reducedShape(sb[:0], x.shape, axes, keepDims))
		reduceOnePass(op, out, x, axes)
		return out
	}
	r := reduceApart(op, x, axes, keepDims)
	if a == nil {
		return r
	}
	out := a.getDirty(x.dtype, r.shape) // into a's memory
	copy(out.f32, r.f32)
	copy(out.f64, r.f64)
	return out
}

// onePass reports whether reduceOnePass can reduce a rank-r tensor over
// the sorted axes: contiguous axes, the usual case, or for a sum a leading
// and a trailing run (a bias's gradient).
func onePass(op redop, axes []int, r int) bool {
	if len(axes) == 0 {
		return false
	}
	if axes[len(axes)-1]-axes[0] == len(axes)-1 {
		return true
	}
	_, _, ok := around(axes, r)
	return ok && op == redSum
}

// reduceOnePass sets out, whatever its shape, to the reduction of x over
// axes in one pass; onePass says when it can.
func reduceOnePass(op redop, out, x *Tensor, axes []int) {
	if pre, post, ok := around(axes, len(x.shape)); ok && axes[len(axes)-1]-axes[0] != len(axes)-1 {
		sumAround(out, x, pre, post)
		return
	}
	reduceContiguous(op, out, x, axes)
}

// around reports whether the sorted axes are a leading run and a trailing
// run of a rank-r shape around kept axes (a bias's gradient: [N C H W]
// summed to [C]), and returns the runs' lengths.
func around(axes []int, r int) (pre, post int, ok bool) {
	for pre < len(axes) && axes[pre] == pre {
		pre++
	}
	post = len(axes) - pre
	for i, a := range axes[pre:] {
		if a != r-post+i {
			return 0, 0, false
		}
	}
	return pre, post, pre > 0 && post > 0
}

// sumAround sets out, [M], to the sums of x, [A M B] with A the first pre
// axes and B the last post, over A and B: out[m] = Σ_a Σ_b x[a m b], each
// row over b summed in order and the rows added in order of a.
func sumAround(out, x *Tensor, pre, post int) {
	a, m, b := 1, 1, 1
	for i, d := range x.shape {
		switch {
		case i < pre:
			a *= d
		case i >= len(x.shape)-post:
			b *= d
		default:
			m *= d
		}
	}
	if x.dtype == Float32 {
		sumAroundLoop(out.f32, x.f32, a, m, b)
	} else {
		sumAroundLoop(out.f64, x.f64, a, m, b)
	}
}

// sumAroundLoop is sumAround's loop. Rows run four at a time (sum4).
func sumAroundLoop[T float](dst, x []T, a, m, b int) {
	clear(dst)
	for i := range a {
		xi := x[i*m*b : (i+1)*m*b]
		j := 0
		for ; j+4 <= m; j += 4 {
			s0, s1, s2, s3 := sum4(xi[j*b:], b)
			dst[j] += s0
			dst[j+1] += s1
			dst[j+2] += s2
			dst[j+3] += s3
		}
		for ; j < m; j++ {
			var s T
			for _, v := range xi[j*b : (j+1)*b] {
				s += v
			}
			dst[j] += s
		}
	}
}

// reduceContiguous sets out to the reduction of x over the contiguous,
// sorted axes: x is then [outer n inner] and out [outer inner], whatever
// out's shape.
func reduceContiguous(op redop, out, x *Tensor, axes []int) {
	{
		outer, n, inner := 1, 1, 1
		for i, d := range x.shape {
			switch {
			case i < axes[0]:
				outer *= d
			case i <= axes[len(axes)-1]:
				n *= d
			default:
				inner *= d
			}
		}
		switch {
		case out.Size() == 0:
		case x.Size() == 0:
			out.Fill(float64(redInit[float64](op))) // reducing an empty axis
		case x.dtype == Float32:
			reduceLoop(op, out.f32, x.f32, outer, n, inner)
		default:
			reduceLoop(op, out.f64, x.f64, outer, n, inner)
		}
	}
}

// reduceApart reduces x over normalised axes one at a time.
func reduceApart(op redop, x *Tensor, axes []int, keepDims bool) *Tensor {
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
	switch {
	case out.Size() == 0:
		return out // nothing to compute, however long the reduced axis
	case x.Size() == 0:
		out.Fill(float64(redInit[float64](op))) // reducing an empty axis
		return out
	}
	outer, n, inner := outerInner(x.shape, axis)
	if x.dtype == Float32 {
		reduceLoop(op, out.f32, x.f32, outer, n, inner)
	} else {
		reduceLoop(op, out.f64, x.f64, outer, n, inner)
	}
	return out
}

// reduceLoop sets dst[o*inner+j] to the reduction of x[(o*n+k)*inner+j]
// over k, in order of k, for each o < outer and j < inner. Large
// reductions are split across goroutines over the outputs, not over k (see
// parallelOutputs), so the result does not depend on the number of
// goroutines.
func reduceLoop[T float](op redop, dst, x []T, outer, n, inner int) {
	if !splits(max(outer, inner), 1, outer*n*inner*costCheap) {
		if inner == 1 {
			reduceRows(op, dst, x, n)
		} else {
			reduceBlock(op, dst, x, n, inner, 0, outer, 0, inner)
		}
		return
	}
	parallelOutputs(outer, inner, outer*n*inner*costCheap, func(o0, o1, j0, j1 int) {
		if inner == 1 {
			reduceRows(op, dst[o0:o1], x[o0*n:o1*n], n)
		} else {
			reduceBlock(op, dst, x, n, inner, o0, o1, j0, j1)
		}
	})
}

func redInit[T float](op redop) T {
	switch op {
	case redMax:
		return T(math.Inf(-1))
	case redMin:
		return T(math.Inf(1))
	case redProd:
		return 1
	}
	return 0
}

// reduceRows sets dst[o] to the reduction of the row x[o*n:(o+1)*n].
// Sums run four rows at a time, each in its own accumulator and in order,
// so that four additions are in flight without changing any row's order.
func reduceRows[T float](op redop, dst, x []T, n int) {
	init := redInit[T](op)
	o := 0
	if op == redSum {
		for ; o+4 <= len(dst); o += 4 {
			dst[o], dst[o+1], dst[o+2], dst[o+3] = sum4(x[o*n:], n)
		}
	}
	for ; o < len(dst); o++ {
		row := x[o*n : (o+1)*n]
		acc := init
		switch op {
		case redSum:
			for _, v := range row {
				acc += v
			}
		case redMax:
			for _, v := range row {
				if v > acc || v != v {
					if acc == acc {
						acc = v
					}
				}
			}
		case redMin:
			for _, v := range row {
				if v < acc || v != v {
					if acc == acc {
						acc = v
					}
				}
			}
		case redProd:
			for _, v := range row {
				acc *= v
			}
		}
		dst[o] = acc
	}
}

// sum4 returns the sums of the four rows of n that x begins with, each
// in its own accumulator and in order, so that four additions are in
// flight without changing any row's order.
func sum4[T float](x []T, n int) (s0, s1, s2, s3 T) {
	r0 := x[:n]
	r1 := x[n : 2*n][:len(r0)]
	r2 := x[2*n : 3*n][:len(r0)]
	r3 := x[3*n : 4*n][:len(r0)]
	for k, v := range r0 {
		s0 += v
		s1 += r1[k]
		s2 += r2[k]
		s3 += r3[k]
	}
	return
}

// reduceBlock runs reduceLoop for outer rows [o0, o1) and inner columns
// [j0, j1).
func reduceBlock[T float](op redop, dst, x []T, n, inner, o0, o1, j0, j1 int) {
	init := redInit[T](op)
	for o := o0; o < o1; o++ {
		d := dst[o*inner+j0 : o*inner+j1]
		for j := range d {
			d[j] = init
		}
		for k := range n {
			off := (o*n + k) * inner
			row := x[off+j0 : off+j1]
			row = row[:len(d)]
			switch op {
			case redSum:
				if d32, ok := any(d).([]float32); ok {
					addF32(d32, d32, any(row).([]float32))
					continue
				}
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
			case redProd:
				for j, v := range row {
					d[j] *= v
				}
			}
		}
	}
}

// LogSumExp returns log(sum(exp(x))) over axis, computed stably by
// subtracting the maximum first. With keepDims the axis stays as size 1.
func LogSumExp(x *Tensor, axis int, keepDims bool) *Tensor {
	notNil("LogSumExp", x)
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

// lseLoop turns the maxima in m into log-sum-exps of x, split across
// goroutines over the outputs as reduceLoop is.
func lseLoop[T float](m, x []T, outer, n, inner int) {
	parallelOutputs(outer, inner, outer*n*inner*costTrans, func(o0, o1, j0, j1 int) {
		for o := o0; o < o1; o++ {
			for j := j0; j < j1; j++ {
				mx := float64(m[o*inner+j])
				if math.IsInf(mx, 0) || mx != mx {
					continue // ±Inf or NaN: the result is the maximum itself
				}
				s := 0.0
				if inner == 1 {
					for _, v := range x[o*n : (o+1)*n] {
						s += math.Exp(float64(v) - mx)
					}
				} else {
					for k := range n {
						s += math.Exp(float64(x[(o*n+k)*inner+j]) - mx)
					}
				}
				m[o*inner+j] = T(mx + math.Log(s))
			}
		}
	})
}

// Softmax returns exp(x) / sum(exp(x)) over axis, computed stably as
// exp(x-m) / sum(exp(x-m)) with m the maximum.
func Softmax(x *Tensor, axis int) *Tensor {
	notNil("Softmax", x)
	axis = normAxis("Softmax", axis, x.shape)
	return softmax(x, axis, false)
}

// LogSoftmax returns x - LogSumExp(x) over axis, computed stably as
// (x-m) - log(sum(exp(x-m))) with m the maximum.
func LogSoftmax(x *Tensor, axis int) *Tensor {
	notNil("LogSoftmax", x)
	axis = normAxis("LogSoftmax", axis, x.shape)
	return softmax(x, axis, true)
}

func softmax(x *Tensor, axis int, log bool) *Tensor { return softmaxWith(nil, x, axis, log) }

func softmaxWith(a Alloc, x *Tensor, axis int, log bool) *Tensor {
	notNil("Softmax", x)
	out := a.getDirty(x.dtype, x.shape)
	outer, n, inner := outerInner(x.shape, axis)
	if x.dtype == Float32 {
		softmaxLoop(out.f32, x.f32, outer, n, inner, log)
	} else {
		softmaxLoop(out.f64, x.f64, outer, n, inner, log)
	}
	return out
}

// softmaxLoop sets dst to the softmax (or, if log, the log-softmax) of x
// along the axis of size n, for each of the outer×inner positions around
// it. Large tensors are split across goroutines over those positions, not
// along the axis (see parallelOutputs), so the result does not depend on
// the number of goroutines.
func softmaxLoop[T float](dst, x []T, outer, n, inner int, log bool) {
	work := outer * n * inner * costTrans
	if !splits(max(outer, inner), 1, work) {
		softmaxBlock(dst, x, n, inner, log, 0, outer, 0, inner) // no closure to allocate
		return
	}
	parallelOutputs(outer, inner, work, func(o0, o1, j0, j1 int) {
		softmaxBlock(dst, x, n, inner, log, o0, o1, j0, j1)
	})
}

// softmaxBlock is softmaxLoop on outputs [o0, o1) × [j0, j1).
func softmaxBlock[T float](dst, x []T, n, inner int, log bool, o0, o1, j0, j1 int) {
	{
		if inner == 1 {
			softmaxRows(dst[o0*n:o1*n], x[o0*n:o1*n], n, log)
			return
		}
		for o := o0; o < o1; o++ {
			for j := j0; j < j1; j++ {
				base := o*n*inner + j
				m := math.Inf(-1)
				for k := range n {
					if v := float64(x[base+k*inner]); v > m || v != v {
						m = v
					}
				}
				if math.IsInf(m, 0) || m != m {
					m = 0 // let ±Inf and NaN propagate through exp
				}
				s := 0.0
				for k := range n {
					s += math.Exp(float64(x[base+k*inner]) - m)
				}
				ls := math.Log(s)
				for k := range n {
					d := float64(x[base+k*inner]) - m
					if log {
						dst[base+k*inner] = T(d - ls)
					} else {
						dst[base+k*inner] = T(math.Exp(d) / s)
					}
				}
			}
		}
	}
}

// softmaxRows runs softmaxLoop on contiguous rows of length n: the common
// case of a softmax over the last axis. It keeps each row's exponentials,
// so it computes exp once per element rather than twice.
func softmaxRows[T float](dst, x []T, n int, log bool) {
	var e []float64
	if !log {
		e = make([]float64, n)
	}
	for off := 0; off < len(x); off += n {
		row, out := x[off:off+n], dst[off:off+n]
		out = out[:len(row)]
		m := math.Inf(-1)
		for _, v := range row {
			if v := float64(v); v > m || v != v {
				m = v
			}
		}
		if math.IsInf(m, 0) || m != m {
			m = 0 // let ±Inf and NaN propagate through exp
		}
		if log {
			s := 0.0
			for _, v := range row {
				s += math.Exp(float64(v) - m)
			}
			ls := math.Log(s)
			for k, v := range row {
				out[k] = T(float64(v) - m - ls)
			}
			continue
		}
		e := e[:len(row)]
		s := 0.0
		for k, v := range row {
			e[k] = math.Exp(float64(v) - m)
			s += e[k]
		}
		for k, v := range e {
			out[k] = T(v / s)
		}
	}
}

// CumSum returns the running sums of x along axis: element i is the sum of
// elements 0…i, or with reverse of elements i…n-1. The shape is x's.
// Negative axes count from the end. It panics with a *ShapeError if the
// axis is out of range.
func CumSum(x *Tensor, axis int, reverse bool) *Tensor {
	notNil("CumSum", x)
	axis = NormAxes("CumSum", []int{axis}, x.shape)[0]
	out := x.Clone()
	outer, n, inner := outerInner(x.shape, axis)
	if out.dtype == Float32 {
		cumsum(out.f32, outer, n, inner, reverse)
	} else {
		cumsum(out.f64, outer, n, inner, reverse)
	}
	return out
}

func cumsum[T float](d []T, outer, n, inner int, reverse bool) {
	for o := range outer {
		base := o * n * inner
		for j := range inner {
			if reverse {
				for k := n - 2; k >= 0; k-- {
					d[base+k*inner+j] += d[base+(k+1)*inner+j]
				}
				continue
			}
			for k := 1; k < n; k++ {
				d[base+k*inner+j] += d[base+(k-1)*inner+j]
			}
		}
	}
}
