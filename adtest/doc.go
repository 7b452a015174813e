// Package adtest checks derivatives computed by backpropagation against
// finite differences: for the tests of backprop's operations, and for
// users' code and custom operations (an ad.Op with its own bprop).
//
//	f := func(xs ...ad.Node) ad.Node { return ops.Tanh(ops.MatMul(xs[0], xs[1])) }
//	if err := adtest.Check(f, nil, x, w); err != nil {
//		t.Error(err) // adtest: ∂L/∂x1[2,0] by Gradients = …
//	}
//
// # What is checked
//
// A [Func] f is built on fresh graphs from the inputs xs. Its output is
// reduced to a scalar L = Σ f(x)·w with fixed pseudo-random weights w in
// [0.5, 1.5), so that every output element counts. At order 1 (the
// default) [Check] computes the gradient of L twice, with ad.Backward (the
// value path, including the float64 fast path of ad.ScalarOp) and with
// ad.Gradients (the recorded path), and compares both with central
// differences (L(x+h·u) - L(x-h·u))/2h in float64:
//
//   - element by element (u is one element) for an input of at most
//     [Options].MaxElements elements, DefaultMaxElements by default;
//   - along Directions random directions u with elements in [-1, 1] for a
//     larger input, seeded by Seed. This is the dot-product test: the
//     analytic wᵀ·(∂f/∂x)·u, the gradient's dot product with u, against the
//     finite difference of wᵀf along u. It costs two evaluations of f per
//     direction instead of two per element.
//
// At order 2, Check compares second derivatives: the gradient of the
// recorded gradient (Gradients of Gradients, by both passes) contracted
// with each element or direction s, along each element or direction u,
// against the central difference along u of the gradient's s entry.
// Order k compares k-th derivatives with central differences of the
// analytic (k-1)-th in the same way; the number of comparisons grows as
// the k-th power of the number of elements and directions, so keep the
// inputs small beyond order 2.
//
// Inputs of float32 are converted to float64 and f is checked in float64:
// a finite difference in float32 has about three correct digits at best,
// too few to tell a wrong rule from rounding. This checks the rules, which
// do not depend on the element type; that a float32 graph computes what
// its float64 twin does, within float32 precision, is a separate test.
//
// # Tolerances
//
// A derivative passes when |analytic - numeric| ≤ max(AbsTol, RelTol·|numeric|),
// 1e-6 and 1e-5 by default. An element x is moved by h·max(1, |x|) and a
// direction by h·max(1, max|x|), with h = 1e-6 at order 1 and 1e-5 above:
// the central difference's truncation error, about h²·f‴/6, and its
// rounding error, about 1e-16·|L|/h, are then both well inside the
// tolerances for functions of moderate size and curvature. Loosen RelTol
// for a function whose values are large (rounding grows with |L|) or
// raise Step for one evaluated with cancellation. Check at points away
// from kinks (relu and abs at 0, ties of max and min, where's switch),
// where a finite difference straddles two pieces and means nothing.
// Along a direction every element moves, so every element must be away
// from its kinks.
//
// # Reading a report
//
// Check returns nil when every comparison passes and otherwise a
// *[Mismatch]: the comparison that exceeds its tolerance by the largest
// factor, and how many failed. Its message reads
//
//	adtest: ∂²L/∂x0[1]∂x1[0,2] by Gradients = 0.25, finite difference 0.5 (error 0.25 > tolerance 5e-06; 3 of 72 comparisons failed)
//
// ∂²L/∂x0[1]∂x1[0,2] is the derivative of ∂L/∂x0[1] (element 1 of input 0)
// with respect to element [0,2] of input 1: a derivative is named by its
// variables in the order they are differentiated, and the last is the one
// the finite difference moves. x1·u3 in place of an element means along
// random direction 3 of input 1; rerun with a larger MaxElements to find
// the element. "by Backward" or "by Gradients" names the backward pass
// that disagrees: a mistake in a bprop rule shows in both, and at order 1
// a mistake in an ad.ScalarOp's ScalarDeriv shows only by Backward. A rule whose
// first derivative is right and second wrong, such as a bprop that
// computes its local derivative as a constant, passes at order 1 and fails
// at order 2. Use errors.As to get the fields.
//
// [Grad] and [Grad2] are Check at orders 1 and 2 with the defaults, and
// [CheckGrad] and [CheckGrad2] report their errors to a testing.TB.
package adtest
