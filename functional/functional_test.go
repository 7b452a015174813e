package functional_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/functional"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// vec is f(x) = tanh(W·x)·x[0] + x², a map from R^3 to R^2.
func vec(x ad.Node) ad.Node {
	w := x.Graph().Const(tensor.FromFloat64s([]float64{0.5, -1, 2, 1.5, 0.3, -0.7}, 2, 3))
	wx := ops.Reshape(ops.MatMul(w, ops.Reshape(x, 3, 1)), 2)
	head := ops.Slice(x, tensor.Range{Start: 0, Stop: 2})
	return ops.Add(ops.Mul(ops.Tanh(wx), ops.Slice(x, tensor.Range{Start: 0, Stop: 1})), ops.Square(head))
}

// scalar is f(x) = Σ sin(x)·x + logsumexp(x).
func scalar(x ad.Node) ad.Node {
	return ops.Add(ops.Sum(ops.Mul(ops.Sin(x), x)), ops.LogSumExp(x, 0))
}

func eval(f functional.Func, x []float64) []float64 {
	var g ad.Graph
	return f(g.Const(tensor.FromFloat64s(x, len(x)))).Value().Data()
}

// numJacobian returns the central-difference Jacobian of f at x, row-major
// [outputs, inputs].
func numJacobian(f functional.Func, x []float64) (m int, jac []float64) {
	m = len(eval(f, x))
	jac = make([]float64, m*len(x))
	const h = 1e-6
	for j := range x {
		xp := append([]float64(nil), x...)
		xm := append([]float64(nil), x...)
		xp[j] += h
		xm[j] -= h
		fp, fm := eval(f, xp), eval(f, xm)
		for i := range m {
			jac[i*len(x)+j] = (fp[i] - fm[i]) / (2 * h)
		}
	}
	return m, jac
}

func near(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d elements; want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > tol*math.Max(1, math.Abs(want[i])) {
			t.Errorf("%s[%d] = %v; want %v", what, i, got[i], want[i])
		}
	}
}

var x0 = []float64{0.4, -1.2, 0.9}

func TestJacobians(t *testing.T) {
	var g ad.Graph
	x := g.Var("x", tensor.FromFloat64s(x0, 3))
	rev := functional.Jacobian(vec, x)
	fwd := functional.JacobianForward(vec, x)
	if !rev.Shape().Equal(tensor.Shape{2, 3}) || !fwd.Shape().Equal(tensor.Shape{2, 3}) {
		t.Fatalf("shapes %v and %v; want [2 3]", rev.Shape(), fwd.Shape())
	}
	_, num := numJacobian(vec, x0)
	near(t, "reverse Jacobian", rev.Value().Data(), num, 1e-7)
	near(t, "forward Jacobian", fwd.Value().Data(), rev.Value().Data(), 1e-14)
}

func TestVJPAndJVP(t *testing.T) {
	var g ad.Graph
	x := g.Var("x", tensor.FromFloat64s(x0, 3))
	u := g.Const(tensor.FromFloat64s([]float64{0.7, -2}, 2))
	v := g.Const(tensor.FromFloat64s([]float64{1, 0.5, -1}, 3))
	_, num := numJacobian(vec, x0)
	_, vjp := functional.VJP(vec, x, u)
	_, jvp := functional.JVP(vec, x, v)
	wantVJP := make([]float64, 3)
	wantJVP := make([]float64, 2)
	for i, ui := range []float64{0.7, -2} {
		for j, vj := range []float64{1, 0.5, -1} {
			wantVJP[j] += ui * num[i*3+j]
			wantJVP[i] += num[i*3+j] * vj
		}
	}
	near(t, "VJP", vjp.Value().Data(), wantVJP, 1e-7)
	near(t, "JVP", jvp.Value().Data(), wantJVP, 1e-7)
}

func TestHessian(t *testing.T) {
	var g ad.Graph
	x := g.Var("x", tensor.FromFloat64s(x0, 3))
	h := functional.Hessian(scalar, x)
	if !h.Shape().Equal(tensor.Shape{3, 3}) {
		t.Fatalf("shape %v; want [3 3]", h.Shape())
	}
	_, num := numJacobian(functional.Grad(scalar), x0)
	hd := h.Value().Data()
	near(t, "Hessian", hd, num, 1e-7)
	for i := range 3 {
		for j := range 3 {
			if hd[i*3+j] != hd[j*3+i] && math.Abs(hd[i*3+j]-hd[j*3+i]) > 1e-14 {
				t.Errorf("Hessian not symmetric at %d,%d: %v, %v", i, j, hd[i*3+j], hd[j*3+i])
			}
		}
	}
	// The reverse-over-reverse Hessian agrees.
	near(t, "Jacobian of the gradient", functional.Jacobian(functional.Grad(scalar), x).Value().Data(), hd, 1e-13)
	// HVP without forming H.
	rng := rand.New(rand.NewPCG(1, 2))
	vv := []float64{rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()}
	hv := functional.HVP(scalar, x, g.Const(tensor.FromFloat64s(vv, 3))).Value().Data()
	want := make([]float64, 3)
	for i := range 3 {
		for j := range 3 {
			want[i] += hd[i*3+j] * vv[j]
		}
	}
	near(t, "HVP", hv, want, 1e-13)
}

func TestGradComposes(t *testing.T) {
	var g ad.Graph
	x := g.ScalarVar("x", 2)
	tanh := func(x ad.Node) ad.Node { return ops.Tanh(x) }
	d1 := functional.Grad(tanh)
	d2 := functional.Grad(d1)
	d3 := functional.Grad(d2)
	for i, want := range []float64{0.07065082485316443, -0.13621868742711296, 0.2526540650980626} {
		got := []functional.Func{d1, d2, d3}[i](x).Scalar()
		if math.Abs(got-want) > 1e-15 {
			t.Errorf("tanh derivative %d at 2 = %v; want %v", i+1, got, want)
		}
	}
	v, d := functional.ValueAndGrad(tanh)(x)
	if v.Scalar() != math.Tanh(2) || d.Scalar() != d1(x).Scalar() {
		t.Errorf("ValueAndGrad = %v, %v", v.Scalar(), d.Scalar())
	}
}

func TestMisuse(t *testing.T) {
	var g ad.Graph
	x := g.Var("x", tensor.FromFloat64s(x0, 3))
	for name, f := range map[string]func(){
		"Grad of a vector": func() { functional.Grad(vec)(x) },
		"VJP shape":        func() { functional.VJP(vec, x, g.ScalarConst(1)) },
		"JVP shape":        func() { functional.JVP(vec, x, g.ScalarConst(1)) },
	} {
		func() {
			defer func() {
				if _, ok := recover().(*ad.GraphError); !ok {
					t.Errorf("%s: want a panic with an *ad.GraphError", name)
				}
			}()
			f()
		}()
	}
}
