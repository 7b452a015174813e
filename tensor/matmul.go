package tensor

// MatMul returns the matrix product of x and y. Both have rank at least 2:
// the last two axes are the matrices ([m k] times [k n] gives [m n]) and
// the leading axes are batch axes, broadcast under NumPy's rules. It panics
// with a *ShapeError if the inner sizes differ or a rank is below 2.
func MatMul(x, y *Tensor) *Tensor { return matmul(nil, "MatMul", x, y, false, false) }

// MatMulTransA returns xᵀ·y, the product of the transpose of x's last two
// axes with y, without forming the transpose: [k m] and [k n] give [m n].
// Leading batch axes broadcast as in [MatMul]. It is the product behind
// the gradient of MatMul with respect to its second operand. It panics
// with a *ShapeError if the sizes of x's second-last and y's second-last
// axes differ or a rank is below 2.
func MatMulTransA(x, y *Tensor) *Tensor { return matmul(nil, "MatMulTransA", x, y, true, false) }

// MatMulTransB returns x·yᵀ, the product of x with the transpose of y's
// last two axes, without forming the transpose: [m k] and [n k] give
// [m n]. Leading batch axes broadcast as in [MatMul]. It is the product
// behind the gradient of MatMul with respect to its first operand. It
// panics with a *ShapeError if the last axes of x and y differ in size or
// a rank is below 2.
func MatMulTransB(x, y *Tensor) *Tensor { return matmul(nil, "MatMulTransB", x, y, false, true) }

// MatMulWith is MatMul (with x transposed if transA, y if transB, as
// MatMulTransA and MatMulTransB) with its result allocated by a.
func MatMulWith(a Alloc, x, y *Tensor, transA, transB bool) *Tensor {
	return matmul(a, "MatMul", x, y, transA, transB)
}

// matmulBatch returns the broadcast batch axes of a product of xs and ys.
func matmulBatch(op string, xs, ys Shape) Shape {
	var batch Shape
	if Catch(func() { batch = BroadcastShapes(op, xs[:len(xs)-2], ys[:len(ys)-2]) }) != nil {
		// Name the operands' full shapes, not just their batch axes.
		panic(&ShapeError{Op: op, Shapes: []Shape{xs, ys}})
	}
	return batch
}

// matmul is MatMul with x transposed if transA and y if transB, reporting
// errors as op, with the result allocated by a.
func matmul(a Alloc, op string, x, y *Tensor, transA, transB bool) *Tensor {
	notNil(op, x, y)
	checkDType(op, x, y)
	xs, ys := x.shape, y.shape
	if len(xs) < 2 || len(ys) < 2 {
		panic(&ShapeError{Op: op, Shapes: []Shape{xs, ys}})
	}
	xr, xc := xs[len(xs)-2], xs[len(xs)-1]
	yr, yc := ys[len(ys)-2], ys[len(ys)-1]
	m, k := xr, xc
	if transA {
		m, k = xc, xr
	}
	ky, n := yr, yc
	if transB {
		ky, n = yc, yr
	}
	if k != ky {
		panic(&ShapeError{Op: op, Shapes: []Shape{xs, ys}})
	}
	var batch Shape
	if len(xs) > 2 || len(ys) > 2 {
		batch = matmulBatch(op, xs, ys)
	}
	var buf [8]int // the shape, on the stack for the usual ranks
	shape := append(append(Shape(buf[:0]), batch...), m, n)
	if _, ok := shape.size(); !ok {
		invalidShape(op, shape.Clone(), xs, ys)
	}
	if len(batch) != 0 {
		// gemmSet stores each product's result: nothing is zeroed first.
		out := a.getDirty(x.dtype, shape)
		if x.dtype == Float32 {
			matmulBatched(out.f32, x.f32, y.f32, xs, ys, batch, transA, transB, m, n, k, xc, yc)
		} else {
			matmulBatched(out.f64, x.f64, y.f64, xs, ys, batch, transA, transB, m, n, k, xc, yc)
		}
		return out
	}
	out := a.getDirty(x.dtype, shape)
	if x.dtype == Float32 {
		gemmSet(transA, transB, m, n, k, x.f32, xc, y.f32, yc, out.f32, n)
	} else {
		gemmSet(transA, transB, m, n, k, x.f64, xc, y.f64, yc, out.f64, n)
	}
	return out
}

// matmulBatched sets each matrix of out, [batch m n], whatever it held, to
// the product of the matrices of x and y that broadcasting pairs with it.
func matmulBatched[T float](out, x, y []T, xs, ys, batch Shape, transA, transB bool, m, n, k, xc, yc int) {
	// The matrices of x and y for matrix b of out, from b's index along
	// each batch axis and the broadcast strides counted in matrices.
	var bx, by [8]int
	sx := broadcastStridesInto(bx[:0], xs[:len(xs)-2], batch)
	sy := broadcastStridesInto(by[:0], ys[:len(ys)-2], batch)
	nb := batch.Size()
	operands := func(b int) (ix, iy int) {
		for a := len(batch) - 1; a >= 0; a-- {
			i := b % batch[a]
			b /= batch[a]
			ix += i * sx[a]
			iy += i * sy[a]
		}
		return ix, iy
	}
	mul := func(b int) {
		ix, iy := operands(b)
		gemmSet(transA, transB, m, n, k, x[ix*m*k:(ix+1)*m*k], xc, y[iy*k*n:(iy+1)*k*n], yc, out[b*m*n:(b+1)*m*n], n)
	}
	// Products too small for gemm to split (a convolution's, one per
	// image) are split by matrices instead: each goroutine computes whole
	// products, each exactly as serially, so the result does not depend on
	// the number of goroutines.
	work := float64(m) * float64(n) * float64(k)
	if work < float64(gemmParallel) {
		shared := nb > 1 && allZero(sx) && sharesPacking[T](m, n, k)
		parallelFor(nb, 1, int(min(work*float64(nb), 1<<62)), func(lo, hi int) {
			if shared {
				// One x for every product: pack it once per goroutine.
				gemmSharedA(transA, transB, m, n, k, x[:m*k], xc, yc, n, lo, hi, func(b int) (bm, cm []T) {
					_, iy := operands(b)
					return y[iy*k*n : (iy+1)*k*n], out[b*m*n : (b+1)*m*n]
				}, nil)
				return
			}
			for b := lo; b < hi; b++ {
				mul(b)
			}
		})
		return
	}
	for b := range nb {
		mul(b)
	}
}

// allZero reports whether every stride of s is 0: an operand broadcast
// along every batch axis.
func allZero(s []int) bool {
	for _, v := range s {
		if v != 0 {
			return false
		}
	}
	return true
}
