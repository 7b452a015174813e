package ops

import (
	"math"

	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// The fused bprop and forward-mode rules of the table compute what the
// rules derived from its local derivatives would: g times each local
// derivative, summed back to the input's shape.
func TestFusedRulesAgreeWithTheirDerivatives(t *testing.T) {
	r := tensor.NewRand(7)
	for _, tc := range []struct {
		name string
		op   ad.LocalOp
		args int
	}{{"relu", reluOp{}, 1}, {"relugrad", relugradOp{}, 2}} {
		var g ad.Graph
		x := g.Var("x", tensor.FromFloat64s([]float64{-1, 0, 2, -0.5, 3, 0}, 2, 3))
		in := []ad.Node{x}
		if tc.args == 2 {
			in = append(in, g.Var("y", tensor.FromFloat64s([]float64{1, -1, 0, 2, -2, 0.5}, 2, 3)))
		}
		c := ad.Apply(tc.op, in...)
		up := g.Var("g", tensor.RandUniform(r, tensor.Float64, -1, 1, 2, 3))
		for i := range in {
			got := tc.op.Bprop(c, i, up)
			want := unbroadcast(c, i, GatedMul(up, tc.op.Local(c, i)))
			if !got.Valid() { // no gradient flows: the derivative is zero
				got = g.Const(tensor.New(tensor.Float64, in[i].Shape()...))
			}
			if !sameValues(got.Value(), want.Value()) {
				t.Errorf("%s: bprop for input %d is %v; g·local is %v", tc.name, i, got.Value(), want.Value())
			}
		}
		tangents := []ad.Node{up, up}[:tc.args]
		if tc.args == 2 {
			tangents[1] = g.Var("t", tensor.RandUniform(r, tensor.Float64, -1, 1, 2, 3))
		}
		got := tc.op.(ad.JVPOp).JVP(c, tangents)
		var want ad.Node
		for i, ti := range tangents {
			want = addTangents(want, GatedMul(ti, tc.op.Local(c, i)))
		}
		if !sameValues(got.Value(), fit(want, c).Value()) {
			t.Errorf("%s: forward-mode rule gives %v; t·local is %v", tc.name, got.Value(), want.Value())
		}
	}
}

// sameValues reports whether a and b have one shape and equal elements.
func sameValues(a, b *tensor.Tensor) bool {
	if !a.Shape().Equal(b.Shape()) {
		return false
	}
	bd := b.Data()
	for i, v := range a.Data() {
		if v != bd[i] {
			return false
		}
	}
	return true
}

// The conditions of the table's where are computed on tensors for nodes
// and with Go's operators for the scalar fast path: they must agree, NaN
// included (every comparison with NaN is false, except !=).
func TestConditionsAgreeWithGo(t *testing.T) {
	vals := []float64{-1, 0, 2, math.NaN(), math.Inf(1)}
	var a, b []float64
	for _, x := range vals {
		for _, y := range vals {
			a, b = append(a, x), append(b, y)
		}
	}
	ta, tb := tensor.FromFloat64s(a, len(a)), tensor.FromFloat64s(b, len(b))
	for _, tc := range []struct {
		name string
		mask *tensor.Tensor
		op   func(x, y float64) bool
	}{
		{">", gt(ta, tb), func(x, y float64) bool { return x > y }},
		{"<", lt(ta, tb), func(x, y float64) bool { return x < y }},
		{">=", ge(ta, tb), func(x, y float64) bool { return x >= y }},
		{"<=", le(ta, tb), func(x, y float64) bool { return x <= y }},
		{"==", eq(ta, tb), func(x, y float64) bool { return x == y }},
		{"!=", ne(ta, tb), func(x, y float64) bool { return x != y }},
		{"&&", and(gt(ta, tb), ge(ta, tb)), func(x, y float64) bool { return x > y && x >= y }},
		{"||", or(lt(ta, tb), eq(ta, tb)), func(x, y float64) bool { return x < y || x == y }},
	} {
		for i, m := range tc.mask.Float64s() {
			if (m != 0) != tc.op(a[i], b[i]) {
				t.Errorf("%v %s %v: mask %v, Go %v", a[i], tc.name, b[i], m, tc.op(a[i], b[i]))
			}
		}
	}
}
