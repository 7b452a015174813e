package tensor

// MatMul returns the matrix product of x and y. Both have rank at least 2:
// the last two axes are the matrices ([m k] times [k n] gives [m n]) and
// the leading axes are batch axes, broadcast under NumPy's rules. It panics
// with a *ShapeError if the inner sizes differ or a rank is below 2.
func MatMul(x, y *Tensor) *Tensor {
	checkDType("MatMul", x, y)
	xs, ys := x.shape, y.shape
	if len(xs) < 2 || len(ys) < 2 || xs[len(xs)-1] != ys[len(ys)-2] {
		panic(&ShapeError{Op: "MatMul", Shapes: []Shape{xs, ys}})
	}
	m, k, n := xs[len(xs)-2], xs[len(xs)-1], ys[len(ys)-1]
	var batch Shape
	if Catch(func() { batch = BroadcastShapes("MatMul", xs[:len(xs)-2], ys[:len(ys)-2]) }) != nil {
		// Name the operands' full shapes, not just their batch axes.
		panic(&ShapeError{Op: "MatMul", Shapes: []Shape{xs, ys}})
	}
	shape := append(batch.Clone(), m, n)
	out := like(x, shape)
	if len(batch) == 0 {
		if x.dtype == Float32 {
			gemm(out.f32, x.f32, y.f32, m, k, n)
		} else {
			gemm(out.f64, x.f64, y.f64, m, k, n)
		}
		return out
	}
	// Walk the batch with broadcast strides counted in matrices.
	sx := broadcastStrides(xs[:len(xs)-2], batch)
	sy := broadcastStrides(ys[:len(ys)-2], batch)
	idx := make([]int, len(batch))
	ix, iy := 0, 0
	for b := range batch.Size() {
		if x.dtype == Float32 {
			gemm(out.f32[b*m*n:(b+1)*m*n], x.f32[ix*m*k:(ix+1)*m*k], y.f32[iy*k*n:(iy+1)*k*n], m, k, n)
		} else {
			gemm(out.f64[b*m*n:(b+1)*m*n], x.f64[ix*m*k:(ix+1)*m*k], y.f64[iy*k*n:(iy+1)*k*n], m, k, n)
		}
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

// gemm sets c = a·b for row-major a [m k], b [k n] and c [m n], in the
// i-k-j order that streams rows of b and c.
func gemm[T float](c, a, b []T, m, k, n int) {
	for i := range m {
		ci := c[i*n : (i+1)*n]
		for p := range k {
			aip := a[i*k+p]
			bp := b[p*n : (p+1)*n]
			for j, v := range bp {
				ci[j] += aip * v
			}
		}
	}
}
