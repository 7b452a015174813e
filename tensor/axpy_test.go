package tensor

import (
	"math"
	"testing"
)

// TestAxpy checks AxpyFloat32 and AxpyFloat64 on every length up to 70,
// which crosses each unrolled step and tail of the kernels, against the
// definition, with x longer than y and the elements past y untouched.
func TestAxpy(t *testing.T) {
	for n := 0; n <= 70; n++ {
		x32, y32 := make([]float32, n+3), make([]float32, n+1)
		x64, y64 := make([]float64, n+3), make([]float64, n+1)
		for i := range x32 {
			x32[i], x64[i] = float32(i)*0.5-3, float64(i)*0.5-3
		}
		for i := range y32 {
			y32[i], y64[i] = float32(i*i), float64(i*i)
		}
		AxpyFloat32(-0.25, x32, y32[:n])
		AxpyFloat64(-0.25, x64, y64[:n])
		for i := range n {
			if want := float32(i*i) - 0.25*x32[i]; y32[i] != want {
				t.Fatalf("n=%d: float32 y[%d] = %v, want %v", n, i, y32[i], want)
			}
			if want := float64(i*i) - 0.25*x64[i]; math.Abs(y64[i]-want) > 1e-15*math.Abs(want) {
				t.Fatalf("n=%d: float64 y[%d] = %v, want %v", n, i, y64[i], want)
			}
		}
		if y32[n] != float32(n*n) || y64[n] != float64(n*n) {
			t.Fatalf("n=%d: the element past y changed", n)
		}
	}
	defer func() {
		if _, ok := recover().(*ShapeError); !ok {
			t.Error("a short x did not panic with a ShapeError")
		}
	}()
	AxpyFloat32(1, make([]float32, 2), make([]float32, 3))
}
