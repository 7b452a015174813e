package adtest

import (
	"fmt"
	"math"
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// Func builds the function under test on nodes of a fresh graph.
type Func func(xs ...ad.Node) ad.Node

// Tolerances of the checks: an analytic derivative a passes against a
// finite difference n when |a-n| ≤ AbsTol or |a-n| ≤ RelTol·|n|.
const (
	AbsTol = 1e-6
	RelTol = 1e-5
)

// Mismatch describes the worst element of a failed check.
type Mismatch struct {
	What     string // which derivative: "∂/∂x1[3]" or "∂²/∂x0[1]∂x1[0]"
	Analytic float64
	Numeric  float64
}

// String formats m as "what: analytic a, finite difference n (difference d)".
func (m Mismatch) String() string {
	return fmt.Sprintf("%s: analytic %.12g, finite difference %.12g (difference %.3g)", m.What, m.Analytic, m.Numeric, m.Analytic-m.Numeric)
}

// scalarize returns L(xs) = Σ f(xs)·w for fixed pseudo-random weights w, so
// that every element of a non-scalar output is checked at once.
func scalarize(f Func, xs []ad.Node) ad.Node {
	y := f(xs...)
	w := tensor.RandUniform(tensor.NewRand(7), y.DType(), 0.5, 1.5, y.Shape()...)
	return ops.Sum(ops.Mul(y, y.Graph().Const(w)))
}

// value returns L at the points xs.
func value(f Func, xs []*tensor.Tensor) float64 {
	var g ad.Graph
	return scalarize(f, vars(&g, xs)).Scalar()
}

func vars(g *ad.Graph, xs []*tensor.Tensor) []ad.Node {
	nodes := make([]ad.Node, len(xs))
	for i, x := range xs {
		nodes[i] = g.Var(fmt.Sprintf("x%d", i), x)
	}
	return nodes
}

// perturb returns copies of xs with element j of input i moved by d.
func perturb(xs []*tensor.Tensor, i, j int, d float64) []*tensor.Tensor {
	out := append([]*tensor.Tensor(nil), xs...)
	c := xs[i].Clone()
	c.Float64s()[j] += d
	out[i] = c
	return out
}

func step(v float64, h float64) float64 { return h * math.Max(1, math.Abs(v)) }

func near(a, n float64) bool {
	if math.IsNaN(a) || math.IsNaN(n) {
		return math.IsNaN(a) && math.IsNaN(n)
	}
	d := math.Abs(a - n)
	return d <= AbsTol || d <= RelTol*math.Abs(n)
}

// Grad compares the gradient of f at the float64 points xs with central
// differences, element by element, for both the value-only ad.Backward and
// the recorded ad.Gradients. It returns the worst mismatch, or nil.
func Grad(f Func, xs ...*tensor.Tensor) *Mismatch {
	var g ad.Graph
	nodes := vars(&g, xs)
	l := scalarize(f, nodes)
	table := ad.Backward(l)
	recorded := ad.Gradients(l, nodes...)
	var worst *Mismatch
	worstErr := -1.0
	for i, x := range xs {
		fast := table.Grad(nodes[i]).Float64s()
		rec := recorded[i].Value().Float64s()
		for j, v := range x.Float64s() {
			h := step(v, 1e-6)
			n := (value(f, perturb(xs, i, j, h)) - value(f, perturb(xs, i, j, -h))) / (2 * h)
			for k, a := range []float64{fast[j], rec[j]} {
				if near(a, n) {
					continue
				}
				if e := math.Abs(a - n); e > worstErr || math.IsNaN(e) {
					worstErr = e
					path := [...]string{"Backward", "Gradients"}[k]
					worst = &Mismatch{What: fmt.Sprintf("%s ∂/∂x%d[%d]", path, i, j), Analytic: a, Numeric: n}
				}
			}
		}
	}
	return worst
}

// Grad2 compares the second derivatives of f at the float64 points xs,
// computed as gradients of gradients (ad.Gradients twice), with central
// differences of the first gradient. It returns the worst mismatch, or
// nil.
func Grad2(f Func, xs ...*tensor.Tensor) *Mismatch {
	var worst *Mismatch
	worstErr := -1.0
	// grad returns element q of the first gradient with respect to input p.
	grad := func(pts []*tensor.Tensor, p, q int) float64 {
		var g ad.Graph
		nodes := vars(&g, pts)
		return ad.Backward(scalarize(f, nodes)).Grad(nodes[p]).Float64s()[q]
	}
	for p, xp := range xs {
		for q := range xp.Size() {
			var g ad.Graph
			nodes := vars(&g, xs)
			first := ad.Gradients(scalarize(f, nodes), nodes[p])[0]
			pick := tensor.New(tensor.Float64, xp.Shape()...)
			pick.Float64s()[q] = 1
			row := ad.Gradients(ops.Sum(ops.Mul(first, g.Const(pick))), nodes...)
			for i, x := range xs {
				a := row[i].Value().Float64s()
				for j, v := range x.Float64s() {
					h := step(v, 1e-5)
					n := (grad(perturb(xs, i, j, h), p, q) - grad(perturb(xs, i, j, -h), p, q)) / (2 * h)
					if near(a[j], n) {
						continue
					}
					if e := math.Abs(a[j] - n); e > worstErr || math.IsNaN(e) {
						worstErr = e
						worst = &Mismatch{What: fmt.Sprintf("∂²/∂x%d[%d]∂x%d[%d]", p, q, i, j), Analytic: a[j], Numeric: n}
					}
				}
			}
		}
	}
	return worst
}

// CheckGrad fails t if the gradient of f at xs differs from central
// differences (see Grad).
func CheckGrad(t testing.TB, f Func, xs ...*tensor.Tensor) {
	t.Helper()
	if m := Grad(f, xs...); m != nil {
		t.Errorf("gradient check failed: %v", m)
	}
}

// CheckGrad2 fails t if the second derivatives of f at xs differ from
// central differences of the gradient (see Grad2).
func CheckGrad2(t testing.TB, f Func, xs ...*tensor.Tensor) {
	t.Helper()
	if m := Grad2(f, xs...); m != nil {
		t.Errorf("second-order gradient check failed: %v", m)
	}
}
