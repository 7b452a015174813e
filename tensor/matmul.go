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
	out := a.get(x.dtype, shape)
	mul := func(b, ix, iy int) {
		if x.dtype == Float32 {
			gemm(transA, transB, m, n, k, x.f32[ix*m*k:(ix+1)*m*k], xc, y.f32[iy*k*n:(iy+1)*k*n], yc,
				out.f32[b*m*n:(b+1)*m*n], n)
		} else {
			gemm(transA, transB, m, n, k, x.f64[ix*m*k:(ix+1)*m*k], xc, y.f64[iy*k*n:(iy+1)*k*n], yc,
				out.f64[b*m*n:(b+1)*m*n], n)
		}
	}
	if len(batch) == 0 {
		mul(0, 0, 0)
		return out
	}
	// Walk the batch with broadcast strides counted in matrices.
	sx := broadcastStrides(xs[:len(xs)-2], batch)
	sy := broadcastStrides(ys[:len(ys)-2], batch)
	idx := make([]int, len(batch))
	ix, iy := 0, 0
	for b := range batch.Size() {
		mul(b, ix, iy)
		for a := len(batch) - 1; a >= 0; a-- {
			idx[a]++
			ix += sx[a]
			iy += sy[a]
			if idx[a] < batch[a] {
				break
			}
			ix -= sx[a] * batch[a]
			iy -= sy[a] * batch[a]
			idx[a] = 0
		}
	}
	return out
}
