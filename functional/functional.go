package functional

import (
	"fmt"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// Func is a function of one node built from differentiable operations.
type Func = func(x ad.Node) ad.Node

// Grad returns the gradient of f: the function x ↦ ∂f/∂x, shaped like x.
// f(x) must have a single element. The gradient is recorded (reverse mode,
// ad.Gradients), so it can be differentiated again.
func Grad(f Func) Func {
	checkFunc("Grad", f)
	return func(x ad.Node) ad.Node {
		_, d := ValueAndGrad(f)(x)
		return d
	}
}

// ValueAndGrad returns the function x ↦ (f(x), ∂f/∂x), which computes f
// once for both. f(x) must have a single element.
func ValueAndGrad(f Func) func(x ad.Node) (value, grad ad.Node) {
	checkFunc("ValueAndGrad", f)
	return func(x ad.Node) (ad.Node, ad.Node) {
		y := call("Grad", f, x)
		if y.Shape().Size() != 1 {
			panic(&ad.GraphError{Op: "Grad", Reason: fmt.Sprintf("f(x) has shape %v; the gradient needs a single element (use VJP or Jacobian)", y.Shape())})
		}
		return y, ad.Gradients(y, x)[0]
	}
}

// VJP returns f(x) and the vector-Jacobian product uᵀ·∂f/∂x (reverse
// mode), shaped like x. The cotangent u is shaped like f(x).
func VJP(f Func, x, u ad.Node) (y, vjp ad.Node) {
	checkFunc("VJP", f)
	y = call("VJP", f, x)
	if !u.Shape().Equal(y.Shape()) || u.DType() != y.DType() {
		panic(&ad.GraphError{Op: "VJP", Reason: fmt.Sprintf("cotangent of shape %v %v for f(x) of shape %v %v", u.Shape(), u.DType(), y.Shape(), y.DType())})
	}
	return y, ad.GradientsSeed(y, u, x)[0]
}

// JVP returns f(x) and the Jacobian-vector product ∂f/∂x·v (forward
// mode), shaped like f(x). The tangent v is shaped like x.
func JVP(f Func, x, v ad.Node) (y, jvp ad.Node) {
	checkFunc("JVP", f)
	y = call("JVP", f, x)
	return y, ad.JVP(y, []ad.Node{x}, []ad.Node{v})
}

// Jacobian returns the Jacobian of f at x by reverse mode, one backward
// pass per element of f(x): its shape is f(x).Shape() followed by
// x.Shape(). It is the cheaper way when f(x) has fewer elements than x.
func Jacobian(f Func, x ad.Node) ad.Node {
	checkFunc("Jacobian", f)
	y := call("Jacobian", f, x)
	rows := make([]ad.Node, y.Shape().Size())
	for i := range rows {
		rows[i] = ad.GradientsSeed(y, oneHot(x.Graph(), y, i), x)[0]
	}
	return assemble(rows, 0, y.Shape(), x.Shape(), x)
}

// JacobianForward returns the Jacobian of f at x by forward mode, one JVP
// per element of x, with the shape of Jacobian. It is the cheaper way
// when x has fewer elements than f(x).
func JacobianForward(f Func, x ad.Node) ad.Node {
	checkFunc("JacobianForward", f)
	y := call("JacobianForward", f, x)
	cols := make([]ad.Node, x.Shape().Size())
	for j := range cols {
		cols[j] = ad.JVP(y, []ad.Node{x}, []ad.Node{oneHot(x.Graph(), x, j)})
	}
	return assemble(cols, 1, y.Shape(), x.Shape(), x)
}

// Hessian returns the Hessian of a scalar f at x, forward over reverse
// (the forward-mode Jacobian of the gradient): its shape is x.Shape()
// twice.
func Hessian(f Func, x ad.Node) ad.Node {
	checkFunc("Hessian", f)
	return JacobianForward(Grad(f), x)
}

// HVP returns the Hessian-vector product of a scalar f at x along v,
// forward over reverse, without forming the Hessian: shaped like x.
func HVP(f Func, x, v ad.Node) ad.Node {
	checkFunc("HVP", f)
	_, hv := JVP(Grad(f), x, v)
	return hv
}

// checkFunc panics with a *ad.GraphError if the function given to the
// transform fn is nil: at once, not when the result is first called.
func checkFunc(fn string, f Func) {
	if f == nil {
		panic(&ad.GraphError{Op: "functional." + fn, Reason: "nil function"})
	}
}

// call returns f(x), checking that x is a node and f returned one.
func call(fn string, f Func, x ad.Node) ad.Node {
	if !x.Valid() {
		panic(&ad.GraphError{Op: "functional." + fn, Reason: "zero Node as the argument"})
	}
	y := f(x)
	if !y.Valid() {
		panic(&ad.GraphError{Op: "functional." + fn, Reason: "f returned the zero Node"})
	}
	return y
}

// oneHot returns a constant shaped like n, 1 at flat index i and 0
// elsewhere.
func oneHot(g *ad.Graph, n ad.Node, i int) ad.Node {
	t := tensor.New(n.DType(), n.Shape()...)
	if n.DType() == tensor.Float32 {
		t.Float32s()[i] = 1
	} else {
		t.Float64s()[i] = 1
	}
	return g.Const(t)
}

// assemble stacks the parts (rows of the Jacobian along axis 0, or
// columns along axis 1) and shapes the result as yShape followed
// by xShape.
func assemble(parts []ad.Node, axis int, yShape, xShape tensor.Shape, x ad.Node) ad.Node {
	shape := append(yShape.Clone(), xShape...)
	if len(parts) == 0 {
		return x.Graph().Const(tensor.New(x.DType(), shape...))
	}
	flat := make([]ad.Node, len(parts))
	for i, p := range parts {
		flat[i] = ops.Reshape(p, p.Shape().Size())
	}
	// [elements of y, elements of x] either way.
	return ops.Reshape(ops.Stack(axis, flat...), shape...)
}
