package tensor

// AxpyFloat32 sets y[i] += alpha·x[i] for every i < len(y), in place, with
// the vector kernels of the matrix multiply (one fused multiply-add per
// element where the CPU has FMA): the update of an optimizer's step. It
// panics if x is shorter than y.
func AxpyFloat32(alpha float32, x, y []float32) {
	if len(x) < len(y) {
		panic(&ShapeError{Op: "AxpyFloat32", Shapes: []Shape{{len(x)}, {len(y)}}, Reason: "x is shorter than y"})
	}
	if len(y) > 0 {
		axpyF32(alpha, x, y)
	}
}

// AxpyFloat64 is AxpyFloat32 for float64.
func AxpyFloat64(alpha float64, x, y []float64) {
	if len(x) < len(y) {
		panic(&ShapeError{Op: "AxpyFloat64", Shapes: []Shape{{len(x)}, {len(y)}}, Reason: "x is shorter than y"})
	}
	if len(y) > 0 {
		axpyF64(alpha, x, y)
	}
}
