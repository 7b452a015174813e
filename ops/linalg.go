package ops

// The linear-algebra family: the matrix product, batched. For z = x·y its
// bprop is g·yᵀ for x and xᵀ·g for y, each summed over batch axes that
// were broadcast; its forward-mode rule is the product rule ẋ·y + x·ẏ.
// The transposes are never formed: the bprops are products of the same
// operation with its operands marked transposed.

import (
	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// MatMul returns the matrix product of x and y over their last two axes,
// with leading batch axes broadcast (see tensor.MatMul). Its bprop is
// g·yᵀ for x and xᵀ·g for y, summed over broadcast batch axes. MatMul
// panics with a *tensor.ShapeError if the inner sizes differ or a rank is
// below 2.
func MatMul(x, y ad.Node) ad.Node { return ad.Apply2(matmulOps[0][0], x, y) }

// MatMulTransB returns x·yᵀ with the last two axes of y transposed, without
// copying y: a linear layer with PyTorch's [out in] weights is
// MatMulTransB(x, w). Its shapes and panics are MatMul's with y's last two
// axes swapped.
func MatMulTransB(x, y ad.Node) ad.Node { return ad.Apply2(matmulOps[0][1], x, y) }

// matmulOps holds the four products as interface values made once:
// converting matmulOp{false, true} to an Op each time would allocate.
var matmulOps = [2][2]ad.Op{
	{matmulOp{}, matmulOp{tb: true}},
	{matmulOp{ta: true}, matmulOp{ta: true, tb: true}},
}

func matmulOpFor(ta, tb bool) ad.Op {
	i, j := 0, 0
	if ta {
		i = 1
	}
	if tb {
		j = 1
	}
	return matmulOps[i][j]
}

// matmulOp is op(x)·op(y), where op transposes the last two axes of x if
// ta and of y if tb. The bprops are products of the same kind, so that no
// transpose is materialised; MatMul and MatMulTransB are exported.
type matmulOp struct{ ta, tb bool }

func (op matmulOp) String() string {
	switch {
	case op.ta && op.tb:
		return "matmul(xᵀ, yᵀ)"
	case op.ta:
		return "matmul(xᵀ, y)"
	case op.tb:
		return "matmul(x, yᵀ)"
	}
	return "matmul"
}

// ForwardWith is Forward with the result allocated by a, except for the
// rare product of two transposes.
func (op matmulOp) ForwardWith(a tensor.Alloc, x []*tensor.Tensor) *tensor.Tensor {
	if op.ta && op.tb {
		return op.Forward(x)
	}
	return tensor.MatMulWith(a, x[0], x[1], op.ta, op.tb)
}

func (op matmulOp) Forward(x []*tensor.Tensor) *tensor.Tensor {
	switch {
	case op.ta && op.tb:
		// xᵀ·yᵀ = (y·x)ᵀ; only third and higher derivatives get here.
		z := tensor.MatMul(x[1], x[0])
		perm := make([]int, z.Rank())
		for i := range perm {
			perm[i] = i
		}
		perm[len(perm)-2], perm[len(perm)-1] = len(perm)-1, len(perm)-2
		return tensor.Transpose(z, perm...)
	case op.ta:
		return tensor.MatMulTransA(x[0], x[1])
	case op.tb:
		return tensor.MatMulTransB(x[0], x[1])
	}
	return tensor.MatMul(x[0], x[1])
}

// Bprop follows from z = op(x)·op(y): ∂z is g·op(y)ᵀ for op(x) and
// op(x)ᵀ·g for op(y), transposed back where op transposes.
func (op matmulOp) Bprop(c ad.Node, i int, g ad.Node) ad.Node {
	x, y := c.Input(0), c.Input(1)
	mm := func(a, b ad.Node, ta, tb bool) ad.Node { return ad.Apply2(matmulOpFor(ta, tb), a, b) }
	var d ad.Node
	switch {
	case i == 0 && !op.ta:
		d = mm(g, y, false, !op.tb) // g·op(y)ᵀ
	case i == 0:
		d = mm(y, g, op.tb, true) // (g·op(y)ᵀ)ᵀ = op(y)·gᵀ
	case !op.tb:
		d = mm(x, g, !op.ta, false) // op(x)ᵀ·g
	default:
		d = mm(g, x, true, op.ta) // (op(x)ᵀ·g)ᵀ = gᵀ·op(x)
	}
	return unbroadcast(c, i, d)
}

// JVP is the product rule: op(ṫx)·op(y) + op(x)·op(ṫy).
func (op matmulOp) JVP(c ad.Node, t []ad.Node) ad.Node {
	var sum ad.Node
	if t[0].Valid() {
		sum = ad.Apply2(op, t[0], c.Input(1))
	}
	if t[1].Valid() {
		sum = addTangents(sum, ad.Apply2(op, c.Input(0), t[1]))
	}
	return fit(sum, c)
}
