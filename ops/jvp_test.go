package ops_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// eval builds f on constants with values xs and returns its value.
func eval(f func(...ad.Node) ad.Node, xs []*tensor.Tensor) *tensor.Tensor {
	var g ad.Graph
	nodes := make([]ad.Node, len(xs))
	for i, x := range xs {
		nodes[i] = g.Const(x)
	}
	return f(nodes...).Value()
}

// directional returns the central difference of f at xs along vs.
func directional(f func(...ad.Node) ad.Node, xs, vs []*tensor.Tensor, h float64) []float64 {
	shift := func(s float64) []*tensor.Tensor {
		out := make([]*tensor.Tensor, len(xs))
		for i := range xs {
			out[i] = tensor.Add(xs[i], tensor.Mul(vs[i], tensor.Scalar(s)))
		}
		return out
	}
	plus, minus := eval(f, shift(h)).Data(), eval(f, shift(-h)).Data()
	d := make([]float64, len(plus))
	for i := range d {
		d[i] = (plus[i] - minus[i]) / (2 * h)
	}
	return d
}

func close(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// Every operation has a forward-mode rule, and it agrees with central
// differences along random directions and with reverse mode: for a random
// cotangent u, uᵀ·(J·v) = (Jᵀ·u)ᵀ·v.
func TestJVP(t *testing.T) {
	for k, tc := range gradCases() {
		t.Run(tc.name, func(t *testing.T) {
			var g ad.Graph
			xs := make([]ad.Node, len(tc.inputs))
			vs := make([]ad.Node, len(tc.inputs))
			vts := make([]*tensor.Tensor, len(tc.inputs))
			for i, in := range tc.inputs {
				xs[i] = g.Var(fmt.Sprint("x", i), in)
				vts[i] = uniform(uint64(1000+10*k+i), -1, 1, in.Shape()...)
				vs[i] = g.Const(vts[i])
			}
			y := tc.f(xs...)
			for id := range g.Len() {
				if n := g.Node(id); !n.IsLeaf() {
					if _, ok := n.Op().(ad.JVPOp); !ok {
						t.Errorf("%v has no JVP rule", n.Op())
					}
				}
			}
			jv := ad.JVP(y, xs, vs)
			if !jv.Shape().Equal(y.Shape()) {
				t.Fatalf("JVP shape %v; want %v", jv.Shape(), y.Shape())
			}
			got := jv.Value().Data()
			want := directional(tc.f, tc.inputs, vts, 1e-6)
			for i := range got {
				if !close(got[i], want[i], 1e-5) {
					t.Errorf("JVP element %d = %v; central difference %v", i, got[i], want[i])
				}
			}
			// Against reverse mode.
			u := uniform(uint64(2000+k), -1, 1, y.Shape()...)
			lhs := tensor.Sum(tensor.Mul(u, jv.Value()), nil, false).Item()
			table := ad.BackwardSeed(y, u, xs...)
			rhs := 0.0
			for i, x := range xs {
				rhs += tensor.Sum(tensor.Mul(table.Grad(x), vts[i]), nil, false).Item()
			}
			if !close(lhs, rhs, 1e-10) {
				t.Errorf("uᵀ·(J·v) = %v, but (Jᵀ·u)ᵀ·v = %v", lhs, rhs)
			}
		})
	}
}

// Forward over reverse: the JVP of a gradient is a Hessian-vector product,
// and reverse over forward gives the same.
func TestJVPOfGradient(t *testing.T) {
	var g ad.Graph
	x := g.Var("x", tensor.FromFloat64s([]float64{0.3, -0.7, 1.1}, 3))
	f := func(x ad.Node) ad.Node { return ops.Sum(ops.Mul(ops.Sin(x), ops.Square(x))) }
	grad := ad.Gradients(f(x), x)[0]
	v := g.Const(tensor.FromFloat64s([]float64{1, 2, -1}, 3))
	hv := ad.JVP(grad, []ad.Node{x}, []ad.Node{v}).Value().Data()
	// The Hessian is diagonal: d²/dx² x²·sin(x) = 2·sin + 4x·cos - x²·sin.
	for i, xi := range []float64{0.3, -0.7, 1.1} {
		h := 2*math.Sin(xi) + 4*xi*math.Cos(xi) - xi*xi*math.Sin(xi)
		if want := h * []float64{1, 2, -1}[i]; !close(hv[i], want, 1e-12) {
			t.Errorf("(H·v)[%d] = %v; want %v", i, hv[i], want)
		}
	}
	// Reverse over forward: ∂/∂x (∇f·v) = H·v for symmetric H.
	jv := ad.JVP(f(x), []ad.Node{x}, []ad.Node{v})
	rv := ad.Backward(jv, x).Grad(x).Data()
	for i := range hv {
		if !close(rv[i], hv[i], 1e-12) {
			t.Errorf("reverse over forward [%d] = %v; forward over reverse %v", i, rv[i], hv[i])
		}
	}
}
