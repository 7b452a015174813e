// Package adtest checks gradients against finite differences, for the
// tests of operations and of code built on them.
//
// [Grad] differentiates a function f of float64 tensors with both of ad's
// backward passes and compares every element with a central difference
// (f(x+h) - f(x-h))/2h in float64. A non-scalar output is reduced to
// Σ f(x)·w with fixed pseudo-random weights w, so every output element
// counts. [Grad2] does the same for second derivatives: gradients of
// gradients against central differences of the gradient. [CheckGrad] and
// [CheckGrad2] wrap them for tests.
//
// Check at points away from kinks (relu at 0, abs at 0, ties of max), where
// a finite difference straddles two pieces and means nothing.
package adtest
