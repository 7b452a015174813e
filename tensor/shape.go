package tensor

import (
	"fmt"
	"math"
	"slices"
)

// rowStrides returns the row-major strides of shape s.
func rowStrides(s Shape) []int {
	st := make([]int, len(s))
	stride := 1
	for i := len(s) - 1; i >= 0; i-- {
		st[i] = stride
		stride *= s[i]
	}
	return st
}

// copyStrided copies the elements of an array of the given shape from src
// (at offset so with strides ss) to dst (at offset do with strides ds).
// Every strided move in this package (transpose, broadcast, slice, concat)
// is this loop.
func copyStrided[T float](dst []T, do int, ds []int, src []T, so int, ss []int, shape Shape) {
	if shape.Size() == 0 {
		return
	}
	// Drop the axes of size 1 and merge each axis into the next where both
	// strides allow, so that the inner loop is as long as it can be: a
	// scalar broadcast to [n, 1] becomes one loop over n elements.
	var bufs [3][8]int
	cs, cd, css := bufs[0][:0], bufs[1][:0], bufs[2][:0]
	for a, n := range shape {
		if n == 1 {
			continue
		}
		if k := len(cs) - 1; k >= 0 && cd[k] == ds[a]*n && css[k] == ss[a]*n {
			cs[k] *= n
			cd[k], css[k] = ds[a], ss[a]
			continue
		}
		cs, cd, css = append(cs, n), append(cd, ds[a]), append(css, ss[a])
	}
	shape, ds, ss = cs, cd, css
	r := len(shape)
	if r == 0 {
		dst[do] = src[so]
		return
	}
	inner := shape[r-1]
	di, si := ds[r-1], ss[r-1]
	var idxBuf [8]int
	var idx []int
	if r-1 <= len(idxBuf) {
		idx = idxBuf[:r-1]
	} else {
		idx = make([]int, r-1)
	}
	for {
		switch {
		case di == 1 && si == 1:
			copy(dst[do:do+inner], src[so:so+inner])
		case di == 1 && si == 0:
			v, d := src[so], dst[do:do+inner]
			for k := range d {
				d[k] = v
			}
		default:
			for k := range inner {
				dst[do+k*di] = src[so+k*si]
			}
		}
		a := r - 2
		for ; a >= 0; a-- {
			idx[a]++
			do += ds[a]
			so += ss[a]
			if idx[a] < shape[a] {
				break
			}
			do -= ds[a] * shape[a]
			so -= ss[a] * shape[a]
			idx[a] = 0
		}
		if a < 0 {
			return
		}
	}
}

func copyView(dst *Tensor, do int, ds []int, src *Tensor, so int, ss []int, shape Shape) {
	if dst.dtype == Float32 {
		copyStrided(dst.f32, do, ds, src.f32, so, ss, shape)
	} else {
		copyStrided(dst.f64, do, ds, src.f64, so, ss, shape)
	}
}

// Reshape returns x with a new shape of the same size, sharing x's storage.
// One size may be -1: it is inferred. It panics with a *ShapeError if the
// sizes do not match.
func Reshape(x *Tensor, shape ...int) *Tensor { return ReshapeWith(nil, x, shape...) }

// ReshapeWith is Reshape with the new tensor (a header over x's storage)
// taken from a's views (see Pool.View).
func ReshapeWith(a Alloc, x *Tensor, shape ...int) *Tensor {
	notNil("Reshape", x)
	var buf [8]int
	s := append(Shape(buf[:0]), shape...)
	infer := -1
	for i, d := range s {
		switch {
		case d == -1 && infer < 0:
			infer = i
		case d < 0:
			panic(&ShapeError{Op: "Reshape", Shapes: []Shape{x.shape, s.Clone()}, Reason: "invalid size"})
		}
	}
	if infer >= 0 {
		s[infer] = 1
	}
	known, ok := s.size() // the product of the sizes given
	if !ok {
		invalidShape("Reshape", s.Clone(), x.shape)
	}
	switch {
	case infer < 0 && known == x.Size():
	case infer >= 0 && known > 0 && x.Size()%known == 0:
		s[infer] = x.Size() / known
	default:
		panic(&ShapeError{Op: "Reshape", Shapes: []Shape{x.shape, Shape(shape).Clone()}, Reason: "sizes differ"})
	}
	return a.view(x, s)
}

// Transpose permutes the axes of x: axis i of the result is axis perm[i]
// of x. With no perm it reverses the axes. It panics with a *ShapeError if
// perm is not a permutation of the axes.
func Transpose(x *Tensor, perm ...int) *Tensor { return TransposeWith(nil, x, perm...) }

// TransposeWith is Transpose with its result allocated by a.
func TransposeWith(a Alloc, x *Tensor, perm ...int) *Tensor {
	notNil("Transpose", x)
	r := x.Rank()
	if len(perm) == 0 {
		perm = make([]int, r)
		for i := range perm {
			perm[i] = r - 1 - i
		}
	}
	if !isPerm(perm, r) {
		panic(&ShapeError{Op: "Transpose", Shapes: []Shape{x.shape}, Reason: fmt.Sprintf("%v is not a permutation of %d axes", perm, r)})
	}
	xs := rowStrides(x.shape)
	shape := make(Shape, r)
	ss := make([]int, r)
	for i, p := range perm {
		shape[i] = x.shape[p]
		ss[i] = xs[p]
	}
	out := a.getDirty(x.dtype, shape)
	copyView(out, 0, rowStrides(shape), x, 0, ss, shape)
	return out
}

func isPerm(perm []int, r int) bool {
	if len(perm) != r {
		return false
	}
	seen := make([]bool, r)
	for _, p := range perm {
		if p < 0 || p >= r || seen[p] {
			return false
		}
		seen[p] = true
	}
	return true
}

// InversePerm returns the permutation that undoes perm.
// It panics with a *ShapeError if perm is not a permutation.
func InversePerm(perm []int) []int {
	if !isPerm(perm, len(perm)) {
		panic(&ShapeError{Op: "InversePerm", Reason: fmt.Sprintf("%v is not a permutation", perm)})
	}
	inv := make([]int, len(perm))
	for i, p := range perm {
		inv[p] = i
	}
	return inv
}

// BroadcastTo returns x broadcast to shape under NumPy's rules. It panics
// with a *ShapeError if x cannot be broadcast to shape.
func BroadcastTo(x *Tensor, shape ...int) *Tensor { return BroadcastToWith(nil, x, shape...) }

// BroadcastToWith is BroadcastTo with its result allocated by a.
func BroadcastToWith(a Alloc, x *Tensor, shape ...int) *Tensor {
	notNil("BroadcastTo", x)
	s := Shape(shape)
	if _, ok := s.size(); !ok {
		invalidShape("BroadcastTo", s.Clone(), x.shape)
	}
	var bb [8]int
	if !broadcastShapes(bb[:0], "BroadcastTo", x.shape, s).Equal(s) {
		panic(&ShapeError{Op: "BroadcastTo", Shapes: []Shape{x.shape, s.Clone()}})
	}
	out := a.getDirty(x.dtype, s)
	if suffix(x.shape, s) && x.Size() > 0 {
		// x repeats along the leading axes: whole copies of x.
		if x.dtype == Float32 {
			for off := 0; off < len(out.f32); off += len(x.f32) {
				copy(out.f32[off:], x.f32)
			}
		} else {
			for off := 0; off < len(out.f64); off += len(x.f64) {
				copy(out.f64[off:], x.f64)
			}
		}
		return out
	}
	copyView(out, 0, rowStrides(s), x, 0, broadcastStrides(x.shape, s), s)
	return out
}

// SumTo sums x over the axes along which shape was broadcast to x's shape,
// so that SumTo(BroadcastTo(y, s...), y.Shape()...) has y's shape. It is the
// adjoint of BroadcastTo. It panics with a *ShapeError if shape does not
// broadcast to x's shape.
func SumTo(x *Tensor, shape ...int) *Tensor { return SumToWith(nil, x, shape...) }

// SumToWith is SumTo with its result allocated by a.
func SumToWith(a Alloc, x *Tensor, shape ...int) *Tensor {
	notNil("SumTo", x)
	s := Shape(shape)
	var bb [8]int
	if !broadcastShapes(bb[:0], "SumTo", s, x.shape).Equal(x.shape) {
		panic(&ShapeError{Op: "SumTo", Shapes: []Shape{x.shape, s.Clone()}})
	}
	lead := len(x.shape) - len(s)
	var ab [8]int
	axes := ab[:0]
	for i := range x.shape {
		if i < lead || (s[i-lead] == 1 && x.shape[i] != 1) {
			axes = append(axes, i)
		}
	}
	out := a.getDirty(x.dtype, s)
	if onePass(redSum, axes, len(x.shape)) {
		reduceOnePass(redSum, out, x, axes) // the sums come out in s's order
		return out
	}
	r := x // no axis to sum: a copy
	if len(axes) > 0 {
		r = reduceApart(redSum, x, axes, true)
	}
	copy(out.f32, r.f32)
	copy(out.f64, r.f64)
	return out
}

// Range selects Start, Start+Step, … up to but excluding Stop along one
// axis. A zero Step means 1.
type Range struct {
	Start, Stop, Step int
}

func (r Range) step() int {
	if r.Step == 0 {
		return 1
	}
	return r.Step
}

func (r Range) len() int {
	if r.Stop <= r.Start {
		return 0
	}
	// 1 + (span-1)/step: no sum that could overflow for a huge step.
	return 1 + (r.Stop-r.Start-1)/r.step()
}

// sliceView returns the shape of x[ranges] and its offset and strides in x.
func sliceView(op string, x Shape, ranges []Range) (Shape, int, []int) {
	if len(ranges) > len(x) {
		panic(&ShapeError{Op: op, Shapes: []Shape{x}, Reason: fmt.Sprintf("%d ranges for rank %d", len(ranges), len(x))})
	}
	st := rowStrides(x)
	shape := x.Clone()
	off := 0
	for i, r := range ranges {
		if r.Start < 0 || r.Stop > x[i] || r.Start > r.Stop || r.step() < 0 {
			panic(&ShapeError{Op: op, Shapes: []Shape{x}, Reason: fmt.Sprintf("range %d:%d:%d out of bounds for axis %d", r.Start, r.Stop, r.step(), i)})
		}
		shape[i] = r.len()
		off += r.Start * st[i]
		if shape[i] > 1 { // with one element the stride is unused, and step may be huge
			st[i] *= r.step()
		}
	}
	return shape, off, st
}

// Slice returns the part of x selected by ranges, one per leading axis;
// axes without a range are taken whole. It panics with a *ShapeError if a
// range is out of bounds.
func Slice(x *Tensor, ranges ...Range) *Tensor {
	notNil("Slice", x)
	shape, off, st := sliceView("Slice", x.shape, ranges)
	out := like(x, shape)
	copyView(out, 0, rowStrides(shape), x, off, st, shape)
	return out
}

// Embed returns a tensor of zeros of the given shape with x written at the
// place that ranges select: the adjoint of Slice. It panics with a
// *ShapeError if x does not fit the selection.
func Embed(x *Tensor, shape Shape, ranges ...Range) *Tensor {
	notNil("Embed", x)
	sel, off, st := sliceView("Embed", shape, ranges)
	if !sel.Equal(x.shape) {
		panic(&ShapeError{Op: "Embed", Shapes: []Shape{x.shape, sel}})
	}
	out := like(x, shape)
	copyView(out, off, st, x, 0, rowStrides(sel), sel)
	return out
}

// Concat joins tensors of equal element type along axis; their other sizes
// must be equal. It panics with a *ShapeError otherwise.
func Concat(axis int, xs ...*Tensor) *Tensor {
	notNil("Concat", xs...)
	if len(xs) == 0 {
		panic(&ShapeError{Op: "Concat", Reason: "no tensors"})
	}
	first := xs[0].shape
	if len(first) == 0 {
		panic(&ShapeError{Op: "Concat", Shapes: []Shape{first}, Reason: "cannot concatenate scalars"})
	}
	axis = normAxis("Concat", axis, first)
	shape := first.Clone()
	shape[axis] = 0
	for _, x := range xs {
		checkDType("Concat", xs[0], x)
		ok := len(x.shape) == len(first)
		for i := 0; ok && i < len(first); i++ {
			ok = i == axis || x.shape[i] == first[i]
		}
		if !ok {
			shapes := make([]Shape, len(xs))
			for i, y := range xs {
				shapes[i] = y.shape
			}
			panic(&ShapeError{Op: "Concat", Shapes: shapes, Reason: fmt.Sprintf("sizes differ off axis %d", axis)})
		}
		if shape[axis] > math.MaxInt-x.shape[axis] {
			panic(&ShapeError{Op: "Concat", Shapes: []Shape{first, x.shape}, Reason: fmt.Sprintf("axis %d would have more than %d elements", axis, math.MaxInt)})
		}
		shape[axis] += x.shape[axis]
	}
	if _, ok := shape.size(); !ok {
		invalidShape("Concat", shape, first)
	}
	out := like(xs[0], shape)
	ds := rowStrides(shape)
	off := 0
	for _, x := range xs {
		copyView(out, off*ds[axis], ds, x, 0, rowStrides(x.shape), x.shape)
		off += x.shape[axis]
	}
	return out
}

// Stack joins tensors of equal shape along a new axis at position axis.
func Stack(axis int, xs ...*Tensor) *Tensor {
	notNil("Stack", xs...)
	if len(xs) == 0 {
		panic(&ShapeError{Op: "Stack", Reason: "no tensors"})
	}
	r := xs[0].Rank()
	given := axis
	if axis < 0 {
		axis += r + 1
	}
	if axis < 0 || axis > r {
		panic(&ShapeError{Op: "Stack", Shapes: []Shape{xs[0].shape}, Reason: fmt.Sprintf("axis %d out of range", given)})
	}
	parts := make([]*Tensor, len(xs))
	for i, x := range xs {
		if !x.shape.Equal(xs[0].shape) {
			panic(&ShapeError{Op: "Stack", Shapes: []Shape{xs[0].shape, x.shape}})
		}
		s := slices.Insert(x.shape.Clone(), axis, 1)
		parts[i] = Reshape(x, s...)
	}
	return Concat(axis, parts...)
}
