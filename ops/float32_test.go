package ops_test

import (
	"math"
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// TestFloat32 runs every gradient case in float32 and compares values and
// gradients with float64, within float32 precision.
func TestFloat32(t *testing.T) {
	for _, tc := range gradCases() {
		t.Run(tc.name, func(t *testing.T) {
			run := func(d tensor.DType) ([]float64, [][]float64) {
				var g ad.Graph
				xs := make([]ad.Node, len(tc.inputs))
				for i, x := range tc.inputs {
					xs[i] = g.Var("x", x.AsType(d))
				}
				y := tc.f(xs...)
				if y.DType() != d {
					t.Fatalf("output has type %v; want %v", y.DType(), d)
				}
				table := ad.Backward(ops.Sum(y))
				grads := make([][]float64, len(xs))
				for i, x := range xs {
					gr := table.Grad(x)
					if gr.DType() != d {
						t.Fatalf("gradient %d has type %v; want %v", i, gr.DType(), d)
					}
					grads[i] = gr.Data()
				}
				return y.Value().Data(), grads
			}
			v64, g64 := run(tensor.Float64)
			v32, g32 := run(tensor.Float32)
			near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-4*math.Max(1, math.Abs(b)) }
			for i := range v64 {
				if !near(v32[i], v64[i]) {
					t.Errorf("value[%d] = %v in float32; %v in float64", i, v32[i], v64[i])
				}
			}
			for i := range g64 {
				for j := range g64[i] {
					if !near(g32[i][j], g64[i][j]) {
						t.Errorf("gradient %d[%d] = %v in float32; %v in float64", i, j, g32[i][j], g64[i][j])
					}
				}
			}
		})
	}
}

func TestMixedTypesPanic(t *testing.T) {
	var g ad.Graph
	x := g.Var("x", tensor.Ones(tensor.Float32, 2))
	y := g.Var("y", tensor.Ones(tensor.Float64, 2))
	err := tensor.Catch(func() { ops.Add(x, y) })
	if err == nil || err.Error() != "tensor: Add: mixed element types float32 and float64" {
		t.Errorf("Add(float32, float64) error = %v", err)
	}
}
