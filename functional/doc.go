// Package functional turns functions of nodes into their derivatives:
// [Grad], [ValueAndGrad], [VJP], [JVP], [Jacobian] (reverse mode),
// [JacobianForward] (forward mode), [Hessian] (forward over reverse) and
// [HVP].
//
// A [Func] maps a node to a node with differentiable operations from
// package ops. The transforms call it on the given point, in the point's
// graph, and return nodes of that graph. Every result is recorded like
// any other computation, so the transforms compose: Grad(Grad(f)) is the
// second derivative of a scalar function, and JVP of Grad(f) is a
// Hessian-vector product.
//
// Shapes follow JAX: the Jacobian of f at x has shape f(x).Shape() followed
// by x.Shape(), and so does the Hessian of a scalar f (x.Shape() twice).
//
// Misuse panics with an *ad.GraphError naming the transform: a nil
// function (at once, when the transform is made), a function that returns
// the zero Node, Grad of a function whose value is not a single element, or
// a tangent or cotangent of the wrong shape.
package functional
