package ad

import (
	"fmt"

	"github.com/seed812a03d2/backprop/tensor"
)

// JVPOp is an Op with a forward-mode rule.
//
// JVP returns the tangent of consumer c's output given the tangents of its
// inputs: Σ_i ∂c/∂(input i)·t[i], shaped like c. t[i] is shaped like
// input i, or is the zero Node where input i's tangent is zero. JVP
// returns the zero Node when the tangent is zero. Like Bprop it must be
// written with differentiable operations on nodes, so that tangents can
// be differentiated again.
//
// An Op that does not implement JVPOp still works in forward mode: its
// JVP is found by differentiating its bprop rule, which is linear in the
// upstream gradient (the transpose of a transpose), at the cost of
// recording that rule and a small backward pass for each node.
type JVPOp interface {
	Op
	JVP(c Node, t []Node) Node
}

// JVP runs forward mode: it returns the Jacobian-vector product
// Σ_i ∂y/∂x_i·v_i, the derivative of y in the direction (v_1, …, v_n) at
// xs, shaped like y. Each v_i is shaped like x_i. The xs are treated as
// independent: an x that is computed from another x keeps its own
// tangent v. The result is a node of y's graph, recorded like any other
// computation, so it can be differentiated again: the JVP of a gradient
// is a Hessian-vector product. If y does not depend on the xs the result
// is zeros.
//
// JVP panics with a *GraphError if xs and vs differ in length or in
// shapes, or a node is the zero Node or from another graph.
func JVP(y Node, xs, vs []Node) Node {
	if len(xs) != len(vs) {
		panic(&GraphError{Op: "JVP", Reason: fmt.Sprintf("%d nodes and %d tangents", len(xs), len(vs))})
	}
	// A new slice: appending to xs could overwrite the caller's array
	// beyond its length.
	all := make([]Node, 0, 1+len(xs)+len(vs))
	all = append(append(append(all, y), xs...), vs...)
	for i, x := range all {
		switch {
		case x.g == nil:
			panic(&GraphError{Op: "JVP", Reason: "zero Node"})
		case x.g != y.g:
			panic(mixedGraphs("JVP", y, x))
		}
		x.unusable("JVP")
		if i > 0 && i <= len(xs) {
			v := vs[i-1]
			if !v.Shape().Equal(x.Shape()) || v.DType() != x.DType() {
				panic(&GraphError{Op: "JVP", Reason: fmt.Sprintf("tangent of shape %v %v for node of shape %v %v", v.Shape(), v.DType(), x.Shape(), x.DType())})
			}
		}
	}
	g := y.g
	lo := y.id
	for _, x := range xs {
		lo = min(lo, x.id)
	}
	tan := make([]Node, y.id-lo+1)
	seeded := make([]bool, len(tan))
	for i, x := range xs {
		if x.id > y.id {
			continue // created after y: y does not depend on it
		}
		k := x.id - lo
		if tan[k].Valid() {
			tan[k] = Apply2(accumulate{}, tan[k], vs[i]) // x given twice
		} else {
			tan[k] = vs[i]
		}
		seeded[k] = true
	}
	var in []Node
	for id := lo; id <= y.id; id++ {
		k := id - lo
		r := g.at(id)
		if seeded[k] || r.nin == 0 {
			continue
		}
		n := r.numInputs()
		in = in[:0]
		any := false
		for i := range n {
			var t Node
			if x := g.inputID(r, i); x >= lo {
				t = tan[x-lo]
			}
			in = append(in, t)
			any = any || t.Valid()
		}
		if !any {
			continue
		}
		c := g.node(id)
		t := jvpOf(g.ops[r.op], c, in)
		if t.Valid() && t.g != g {
			panic(&GraphError{Op: c.Op().String(), Reason: fmt.Sprintf("JVP of %v returned %v of graph %p, a node of another graph than %p", c, t, t.g, g)})
		}
		if t.Valid() && (!t.Shape().Equal(c.Shape()) || t.DType() != c.DType()) {
			panic(&GraphError{Op: c.Op().String(), Reason: fmt.Sprintf("JVP returned shape %v %v for a node of shape %v %v", t.Shape(), t.DType(), c.Shape(), c.DType())})
		}
		tan[k] = t
	}
	if t := tan[y.id-lo]; t.Valid() {
		return t
	}
	return g.Const(tensor.New(y.DType(), y.Shape()...))
}

// jvpOf returns the tangent of c from its inputs' tangents t: by op's JVP
// rule, or else by transposing its bprop rule. Bprop(c, i, u) = J_iᵀ·u is
// linear in u, so the backward pass of that rule seeded with t[i] gives
// (∂(J_iᵀ·u)/∂u)ᵀ·t[i] = J_i·t[i].
func jvpOf(op Op, c Node, t []Node) Node {
	if j, ok := op.(JVPOp); ok {
		return j.JVP(c, t)
	}
	g := c.g
	u := g.Const(tensor.New(c.DType(), c.Shape()...))
	var sum Node
	for i, ti := range t {
		if !ti.Valid() {
			continue
		}
		b := op.Bprop(c, i, u)
		if !b.Valid() {
			continue
		}
		d := GradientsSeed(b, ti, u)[0]
		if sum.Valid() {
			sum = Apply2(accumulate{}, sum, d)
		} else {
			sum = d
		}
	}
	return sum
}

// JVP of the sum of contributions in a recorded gradient table.
func (accumulate) JVP(_ Node, t []Node) Node {
	switch {
	case !t[0].Valid():
		return t[1]
	case !t[1].Valid():
		return t[0]
	}
	return Apply2(accumulate{}, t[0], t[1])
}
