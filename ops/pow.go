package ops

import (
	"math"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// Pow returns x raised to y element-wise (math.Pow), with broadcasting; y
// may be a tensor. Its local derivatives are y·x^(y-1) for x, taken as 0
// where x == 0 and y == 0, and x^y·log(x) for y, taken as 0 where x == 0
// and y ≥ 0 (the limit) and NaN where x < 0. Pow panics with a *tensor.ShapeError if
// the shapes do not broadcast.
func Pow(x, y ad.Node) ad.Node { return ad.Apply2(powOp{}, x, y) }

// PowConst returns x raised to the constant p.
func PowConst(x ad.Node, p float64) ad.Node { return Pow(x, Const(x, p)) }

type powOp struct{}

func (powOp) String() string                            { return "pow" }
func (powOp) Forward(x []*tensor.Tensor) *tensor.Tensor { return tensor.Pow(x[0], x[1]) }
func (powOp) ScalarForward(x, y float64) float64        { return math.Pow(x, y) }

func (powOp) ScalarDeriv(x, y, z float64) (dx, dy float64) {
	if x != 0 || y != 0 {
		dx = y * math.Pow(x, y-1)
	}
	if x != 0 || y < 0 {
		dy = z * math.Log(x)
	}
	return dx, dy
}

func (powOp) Local(c ad.Node, i int) ad.Node {
	x, y := c.Input(0), c.Input(1)
	if i == 0 {
		// 0·0^-1 would be NaN: where x == 0 and y == 0 the derivative is 0.
		// Elsewhere it stays a function of y, for mixed second derivatives.
		d := Mul(y, Pow(x, Sub(y, Const(y, 1))))
		zero64 := tensor.Zeros(x.DType())
		both := tensor.Mul(tensor.Equal(x.Value(), zero64), tensor.Equal(y.Value(), zero64))
		if !anySet(both) {
			return d // the usual case, without a where in the recorded gradient
		}
		return Where(mask(c, both), Const(c, 0), d)
	}
	// The limit of x^y·log(x) as x → 0 is 0 for y > 0, and 0^0 = 1 is
	// constant in y.
	xv, yv := x.Value(), y.Value()
	zero64 := tensor.Zeros(xv.DType())
	limit := tensor.Mul(tensor.Equal(xv, zero64), tensor.Sub(tensor.Ones(yv.DType()), tensor.Greater(zero64, yv)))
	d := Mul(c, Log(x))
	if !anySet(limit) {
		return d
	}
	return Where(mask(c, limit), Const(c, 0), d)
}

func (o powOp) Bprop(c ad.Node, i int, g ad.Node) ad.Node { return bpropLocal(o, c, i, g) }
func (o powOp) JVP(c ad.Node, t []ad.Node) ad.Node        { return jvpLocal(o, c, t) }

// anySet reports whether any element of m is nonzero.
func anySet(m *tensor.Tensor) bool {
	for _, v := range m.Data() {
		if v != 0 {
			return true
		}
	}
	return false
}
