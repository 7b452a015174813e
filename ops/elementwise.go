package ops

import (
	"math"
	"sync"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// Const returns a scalar constant with x's element type in x's graph, for
// use with broadcasting: Mul(x, Const(x, 2)).
func Const(x ad.Node, v float64) ad.Node {
	if x.DType() == tensor.Float32 {
		return x.Graph().Const(scalar32(float32(v)))
	}
	return x.Graph().ScalarConst(v)
}

// scalar32 returns a float32 scalar tensor of v, shared by every caller
// for the same v (a graph never writes its constants), so that the
// constants of a training step allocate nothing after the first. The
// cache is bounded.
func scalar32(v float32) *tensor.Tensor {
	scalars.Lock()
	defer scalars.Unlock()
	bits := math.Float32bits(v)
	if t, ok := scalars.m[bits]; ok {
		return t
	}
	t := tensor.Scalar32(v)
	if scalars.m == nil {
		scalars.m = map[uint32]*tensor.Tensor{}
	}
	if len(scalars.m) < maxInterned {
		scalars.m[bits] = t
	}
	return t
}

var scalars struct {
	sync.Mutex
	m map[uint32]*tensor.Tensor
}

// mask records a constant computed from input values, such as where an
// input is positive. It carries no gradient: it is piecewise constant. It
// holds for those values only (ad.Graph.TracedConst).
func mask(x ad.Node, m *tensor.Tensor) ad.Node {
	return x.Graph().TracedConst(m)
}

// unbroadcast sums d, a contribution shaped like consumer c, back to the
// shape of c's input i: the bprop of broadcasting.
func unbroadcast(c ad.Node, i int, d ad.Node) ad.Node {
	return SumTo(d, c.Input(i).Shape())
}

// The element-wise operations are generated from the table in rules.go;
// these are the helpers the generated code calls.

// sel is a if cond holds and b otherwise: where in a scalar derivative.
func sel(cond bool, a, b float64) float64 {
	if cond {
		return a
	}
	return b
}

// maximum is the larger of x and y, NaN if either is: tensor.Maximum on
// scalars.
func maximum(x, y float64) float64 {
	if x > y || math.IsNaN(x) {
		return x
	}
	return y
}

// minimum is the smaller of x and y, NaN if either is.
func minimum(x, y float64) float64 {
	if x < y || math.IsNaN(x) {
		return x
	}
	return y
}

// lit is the number v as a scalar tensor of c's element type.
func lit(c ad.Node, v float64) *tensor.Tensor { return tensor.Full(c.DType(), v) }

// Comparisons of tensors as masks of 0s and 1s, false where an operand is
// NaN, as in Go.
func gt(a, b *tensor.Tensor) *tensor.Tensor  { return tensor.Greater(a, b) }
func lt(a, b *tensor.Tensor) *tensor.Tensor  { return tensor.Greater(b, a) }
func eq(a, b *tensor.Tensor) *tensor.Tensor  { return tensor.Equal(a, b) }
func ge(a, b *tensor.Tensor) *tensor.Tensor  { return tensor.Maximum(gt(a, b), eq(a, b)) }
func le(a, b *tensor.Tensor) *tensor.Tensor  { return tensor.Maximum(lt(a, b), eq(a, b)) }
func ne(a, b *tensor.Tensor) *tensor.Tensor  { return not(eq(a, b)) }
func and(a, b *tensor.Tensor) *tensor.Tensor { return tensor.Mul(a, b) }
func or(a, b *tensor.Tensor) *tensor.Tensor  { return tensor.Maximum(a, b) }
func not(a *tensor.Tensor) *tensor.Tensor    { return tensor.Sub(tensor.Ones(a.DType()), a) }

// choose is where(m, a, b) in a local derivative: a where the mask m is
// set and b elsewhere. Where m is set everywhere or nowhere it is a or b
// alone, without a Where in the recorded gradient, so that the usual case
// stays as simple as the formula.
func choose(c ad.Node, m *tensor.Tensor, a, b func() ad.Node) ad.Node {
	all, none := true, true
	for _, v := range m.Data() {
		if v != 0 {
			none = false
		} else {
			all = false
		}
	}
	switch {
	case all:
		return a()
	case none:
		return b()
	}
	return Where(mask(c, m), a(), b())
}

// reluBprop passes g where x > 0, in one fused pass (reluGrad): g times
// ReLU's local derivative, where(x > 0, 1, 0). Where x ≤ 0 nothing
// passes, not even a NaN in g.
func reluBprop(c ad.Node, _ int, g ad.Node) ad.Node { return reluGrad(g, c.Input(0)) }

func reluJVP(c ad.Node, t []ad.Node) ad.Node { return reluGrad(t[0], c.Input(0)) }

// reluGrad is linear in its first input with a piecewise constant mask,
// so its own bprop and forward-mode rule are itself, and its second input
// gets no gradient.
func reluGradBprop(c ad.Node, i int, u ad.Node) ad.Node {
	if i == 1 {
		return ad.Node{}
	}
	return reluGrad(u, c.Input(1))
}

func reluGradJVP(c ad.Node, t []ad.Node) ad.Node {
	if !t[0].Valid() {
		return ad.Node{}
	}
	return reluGrad(t[0], c.Input(1))
}

// Greater returns a mask: 1 where x > y and 0 elsewhere, element-wise with
// broadcasting, and 0 where either is NaN. A comparison is piecewise
// constant, so its mask is a constant of the graph: no gradient flows
// through it (use it with Where, or multiply by it).
func Greater(x, y ad.Node) ad.Node { return compare("Greater", gt, x, y) }

// GreaterEqual returns a mask, 1 where x ≥ y, as Greater.
func GreaterEqual(x, y ad.Node) ad.Node { return compare("GreaterEqual", ge, x, y) }

// Less returns a mask, 1 where x < y, as Greater.
func Less(x, y ad.Node) ad.Node { return compare("Less", lt, x, y) }

// LessEqual returns a mask, 1 where x ≤ y, as Greater.
func LessEqual(x, y ad.Node) ad.Node { return compare("LessEqual", le, x, y) }

// Equal returns a mask, 1 where x == y, as Greater.
func Equal(x, y ad.Node) ad.Node { return compare("Equal", eq, x, y) }

// NotEqual returns a mask, 1 where x != y (and where either is NaN), as
// Greater.
func NotEqual(x, y ad.Node) ad.Node { return compare("NotEqual", ne, x, y) }

// compare records the mask of a comparison of x and y.
func compare(name string, cmp func(a, b *tensor.Tensor) *tensor.Tensor, x, y ad.Node) ad.Node {
	if !x.Valid() || !y.Valid() || x.Graph() != y.Graph() {
		panic(&ad.GraphError{Op: name, Reason: "the operands must be nodes of one graph"})
	}
	return mask(x, cmp(x.Value(), y.Value()))
}

// Clamp returns x clipped to [lo, hi] element-wise with broadcasting:
// ClampMax(ClampMin(x, lo), hi). At a bound the gradient goes to x, as
// PyTorch's clamp passes it; where x is outside, to the bound it was
// clipped to.
func Clamp(x, lo, hi ad.Node) ad.Node { return ClampMax(ClampMin(x, lo), hi) }

// ClampConst is Clamp to constant bounds.
func ClampConst(x ad.Node, lo, hi float64) ad.Node { return Clamp(x, Const(x, lo), Const(x, hi)) }

// LeakyReLUConst is LeakyReLU with a constant slope for negative x, such
// as PyTorch's default 0.01.
func LeakyReLUConst(x ad.Node, slope float64) ad.Node { return LeakyReLU(x, Const(x, slope)) }

// ELUConst is ELU with a constant α, such as PyTorch's default 1.
func ELUConst(x ad.Node, alpha float64) ad.Node { return ELU(x, Const(x, alpha)) }

// PowConst returns x raised to the constant p.
func PowConst(x ad.Node, p float64) ad.Node { return Pow(x, Const(x, p)) }
