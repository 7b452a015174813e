package tensor

import (
	"fmt"
	"math"
	"slices"
	"sync/atomic"
)

// Index is a tensor of integer indices: class labels, token ids, the
// positions ArgMax returns. It is a type of its own rather than an element
// type of Tensor: indices are never differentiated and never mixed with
// values in arithmetic, and the functions that take them (Gather,
// IndexSelect, OneHot) say so in their signatures. An Index is immutable
// once made.
type Index struct {
	shape Shape
	data  []int
	col   atomic.Pointer[Index] // the view Column made, once
	bound atomic.Int64          // once known, a bound on the indices, all in [0, bound) (0: not yet)
}

// NewIndex returns an Index of the given shape holding data in row-major
// order (a copy); with no shape it is a vector. It panics with a
// *ShapeError if the sizes do not match.
func NewIndex(data []int, shape ...int) *Index {
	if len(shape) == 0 {
		shape = []int{len(data)}
	}
	s := dataShape("NewIndex", len(data), shape)
	return &Index{shape: s, data: slices.Clone(data)}
}

// Shape returns the shape of x.
func (x *Index) Shape() Shape { return x.shape }

// Column returns the vector x as a column [n 1] sharing its positions:
// the index Gather takes to pick one element per row of a matrix. It is
// made once per Index, so asking again allocates nothing. It panics with a
// *ShapeError if x is not a vector.
func (x *Index) Column() *Index {
	if len(x.shape) != 1 {
		panic(&ShapeError{Op: "Index.Column", Shapes: []Shape{x.shape}, Reason: "not a vector"})
	}
	if c := x.col.Load(); c != nil {
		return c
	}
	c := &Index{shape: Shape{x.shape[0], 1}, data: x.data}
	if !x.col.CompareAndSwap(nil, c) {
		return x.col.Load()
	}
	return c
}

// Data returns the indices in row-major order; the caller must not modify
// them.
func (x *Index) Data() []int { return x.data }

// String formats x as "index[2 3] [0 1 2 1 0 2]".
func (x *Index) String() string { return fmt.Sprintf("index%v %v", []int(x.shape), x.data) }

// check panics with a *ShapeError naming op if an index is outside [0, n).
//
// The largest index is kept once checked, so that an Index used again (a
// max-pool's positions, gathered forward and scattered back) is read once.
func (x *Index) check(op string, n int) {
	if b := x.bound.Load(); b > 0 && b <= int64(n) {
		return
	}
	hi := 0
	for _, i := range x.data {
		if i < 0 || i >= n {
			panic(&ShapeError{Op: op, Shapes: []Shape{x.shape}, Reason: fmt.Sprintf("index %d out of range for an axis of size %d", i, n)})
		}
		hi = max(hi, i)
	}
	x.bound.Store(int64(hi) + 1)
}

// ArgMax returns the position of the largest element of x along axis, the
// first one where several tie, with the axis removed; a NaN counts as the
// largest. It panics with a *ShapeError if the axis is out of range or
// has size 0.
func ArgMax(x *Tensor, axis int) *Index { return argBest("ArgMax", x, axis, 1) }

// ArgMin returns the position of the smallest element of x along axis, as
// ArgMax.
func ArgMin(x *Tensor, axis int) *Index { return argBest("ArgMin", x, axis, -1) }

func argBest(op string, x *Tensor, axis int, sign float64) *Index {
	notNil(op, x)
	axis = NormAxes(op, []int{axis}, x.shape)[0]
	outer, n, inner := outerInner(x.shape, axis)
	if n == 0 {
		panic(&ShapeError{Op: op, Shapes: []Shape{x.shape}, Reason: "an empty axis has no position"})
	}
	out := &Index{shape: ReducedShape(x.shape, []int{axis}, false), data: make([]int, outer*inner)}
	for o := range outer {
		for j := range inner {
			best, at := 0.0, 0
			for k := range n {
				v := x.flat((o*n+k)*inner + j)
				if k == 0 || sign*v > sign*best || math.IsNaN(v) && !math.IsNaN(best) {
					best, at = v, k
				}
			}
			out.data[o*inner+j] = at
		}
	}
	return out
}

// Gather takes elements of x along axis at the positions idx gives, as
// NumPy's take_along_axis: idx has x's rank and its sizes on the other
// axes, and out[…, j, …] = x[…, idx[…, j, …], …]. The result has idx's
// shape. It panics with a *ShapeError if the shapes do not fit or an index
// is out of range.
func Gather(x *Tensor, axis int, idx *Index) *Tensor { return GatherWith(nil, x, axis, idx) }

// GatherWith is Gather with its result allocated by a.
func GatherWith(a Alloc, x *Tensor, axis int, idx *Index) *Tensor {
	notNil("Gather", x)
	axis = checkAlong("Gather", x.shape, axis, idx)
	outer, n, inner := outerInner(x.shape, axis)
	m := idx.shape[axis]
	out := a.getDirty(x.dtype, idx.shape)
	if x.dtype == Float32 {
		gather(out.f32, x.f32, idx.data, outer, n, m, inner, false)
	} else {
		gather(out.f64, x.f64, idx.data, outer, n, m, inner, false)
	}
	return out
}

// gather sets out[(o·m+j)·inner+i] = x[(o·n+idx[p])·inner+i], p being the
// former position, or with scatter sets x to zeros and adds out into it at
// those positions (each row of x zeroed just before its additions, while
// it is in the cache).
// Each o reads and writes only its own rows, so large ones run in
// parallel, each o as serially.
func gather[T float](out, x []T, idx []int, outer, n, m, inner int, scatter bool) {
	if work := outer * m * inner * costCheap; splits(outer, 1, work) {
		parallelFor(outer, 1, work, func(lo, hi int) { gatherRows(out, x, idx, lo, hi, n, m, inner, scatter) })
		return
	}
	gatherRows(out, x, idx, 0, outer, n, m, inner, scatter)
}

func gatherRows[T float](out, x []T, idx []int, lo, hi, n, m, inner int, scatter bool) {
	if inner == 1 {
		// Single elements (a max-pool's maxima in their planes, a label's
		// logit in its row): one plain loop a row.
		for o := lo; o < hi; o++ {
			row, ids, dst := x[o*n:(o+1)*n], idx[o*m:(o+1)*m], out[o*m:(o+1)*m]
			if scatter {
				clear(row)
				for j, k := range ids {
					row[k] += dst[j]
				}
			} else {
				for j, k := range ids {
					dst[j] = row[k]
				}
			}
		}
		return
	}
	for o := lo; o < hi; o++ {
		if scatter {
			clear(x[o*n*inner : (o+1)*n*inner])
		}
		for j := range m {
			p0 := (o*m + j) * inner
			for i, k := range idx[p0 : p0+inner] {
				q := (o*n+k)*inner + i
				if scatter {
					x[q] += out[p0+i]
				} else {
					out[p0+i] = x[q]
				}
			}
		}
	}
}

// ScatterAdd is the adjoint of Gather: zeros of the given shape, with each
// element of g added at the position along axis that idx gives, so that
// positions taken twice receive both. g has idx's shape. It panics with a
// *ShapeError if the shapes do not fit or an index is out of range.
func ScatterAdd(g *Tensor, axis int, idx *Index, shape Shape) *Tensor {
	return ScatterAddWith(nil, g, axis, idx, shape)
}

// ScatterAddWith is ScatterAdd with its result allocated by a.
func ScatterAddWith(a Alloc, g *Tensor, axis int, idx *Index, shape Shape) *Tensor {
	notNil("ScatterAdd", g)
	axis = checkAlong("ScatterAdd", shape, axis, idx)
	if !g.shape.Equal(idx.shape) {
		panic(&ShapeError{Op: "ScatterAdd", Shapes: []Shape{g.shape, idx.shape}, Reason: "the values and the indices must have one shape"})
	}
	outer, n, inner := outerInner(shape, axis)
	m := idx.shape[axis]
	out := a.getDirty(g.dtype, shape) // zeroed by gather, a row at a time
	if g.dtype == Float32 {
		gather(g.f32, out.f32, idx.data, outer, n, m, inner, true)
	} else {
		gather(g.f64, out.f64, idx.data, outer, n, m, inner, true)
	}
	return out
}

// checkAlong checks idx against shape for Gather and ScatterAdd and
// returns the axis counted from the start.
func checkAlong(op string, shape Shape, axis int, idx *Index) int {
	if idx == nil {
		panic(&ShapeError{Op: op, Reason: "nil Index"})
	}
	axis = normAxis(op, axis, shape)
	if len(idx.shape) != len(shape) {
		panic(&ShapeError{Op: op, Shapes: []Shape{shape, idx.shape}, Reason: "the indices must have the tensor's rank"})
	}
	for d := range shape {
		if d != axis && idx.shape[d] != shape[d] {
			panic(&ShapeError{Op: op, Shapes: []Shape{shape, idx.shape}, Reason: fmt.Sprintf("sizes differ on axis %d", d)})
		}
	}
	idx.check(op, shape[axis])
	return axis
}

// IndexSelect returns the slices of x along axis at the positions of the
// vector idx, in its order, repeats allowed: the result has x's shape with
// that axis of idx's length. It panics with a *ShapeError if idx is not a
// vector or an index is out of range.
func IndexSelect(x *Tensor, axis int, idx *Index) *Tensor {
	notNil("IndexSelect", x)
	axis = checkSelect("IndexSelect", x.shape, axis, idx)
	outer, n, inner := outerInner(x.shape, axis)
	shape := x.shape.Clone()
	shape[axis] = len(idx.data)
	out := like(x, shape)
	if x.dtype == Float32 {
		selectRows(out.f32, x.f32, idx.data, outer, n, inner)
	} else {
		selectRows(out.f64, x.f64, idx.data, outer, n, inner)
	}
	return out
}

// selectRows copies the slices idx of x, [outer n inner], into dst,
// [outer len(idx) inner]; the outer rows in parallel on big tensors.
func selectRows[T float](dst, x []T, idx []int, outer, n, inner int) {
	m := len(idx)
	parallelElems(outer, m*inner, func(lo, hi int) {
		for o := lo; o < hi; o++ {
			d, src := dst[o*m*inner:(o+1)*m*inner], x[o*n*inner:(o+1)*n*inner]
			if inner == 1 {
				for j, k := range idx {
					d[j] = src[k]
				}
				continue
			}
			for j, k := range idx {
				copy(d[j*inner:(j+1)*inner], src[k*inner:(k+1)*inner])
			}
		}
	})
}

// IndexAdd is the adjoint of IndexSelect: zeros of the given shape, with
// slice j of g along axis added at position idx[j]. It panics with a
// *ShapeError if the shapes do not fit or an index is out of range.
func IndexAdd(g *Tensor, axis int, idx *Index, shape Shape) *Tensor {
	notNil("IndexAdd", g)
	axis = checkSelect("IndexAdd", shape, axis, idx)
	want := shape.Clone()
	want[axis] = len(idx.data)
	if !g.shape.Equal(want) {
		panic(&ShapeError{Op: "IndexAdd", Shapes: []Shape{g.shape, want}})
	}
	outer, n, inner := outerInner(shape, axis)
	out := like(g, shape)
	if g.dtype == Float32 {
		addRows(out.f32, g.f32, idx.data, outer, n, inner)
	} else {
		addRows(out.f64, g.f64, idx.data, outer, n, inner)
	}
	return out
}

// addRows adds the slices of g, [outer len(idx) inner], into dst, [outer n
// inner], at the positions idx; the outer rows in parallel on big
// tensors (each writes only its own row).
func addRows[T float](dst, g []T, idx []int, outer, n, inner int) {
	m := len(idx)
	parallelElems(outer, m*inner, func(lo, hi int) {
		for o := lo; o < hi; o++ {
			d, src := dst[o*n*inner:(o+1)*n*inner], g[o*m*inner:(o+1)*m*inner]
			if inner == 1 {
				for j, k := range idx {
					d[k] += src[j]
				}
				continue
			}
			for j, k := range idx {
				row := d[k*inner : (k+1)*inner]
				for i, v := range src[j*inner : (j+1)*inner] {
					row[i] += v
				}
			}
		}
	})
}

func checkSelect(op string, shape Shape, axis int, idx *Index) int {
	if idx == nil {
		panic(&ShapeError{Op: op, Reason: "nil Index"})
	}
	axis = NormAxes(op, []int{axis}, shape)[0]
	if len(idx.shape) != 1 {
		panic(&ShapeError{Op: op, Shapes: []Shape{idx.shape}, Reason: "the indices must be a vector"})
	}
	idx.check(op, shape[axis])
	return axis
}

// OneHot returns idx with a new last axis of size n: 1 at each index's
// position and 0 elsewhere, of the given element type. It panics with a
// *ShapeError if an index is outside [0, n).
func OneHot(idx *Index, n int, dtype DType) *Tensor {
	if idx == nil {
		panic(&ShapeError{Op: "OneHot", Reason: "nil Index"})
	}
	idx.check("OneHot", n)
	out := New(dtype, append(idx.shape.Clone(), n)...)
	for p, k := range idx.data {
		out.setFlat(p*n+k, 1)
	}
	return out
}
