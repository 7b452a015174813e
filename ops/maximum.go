package ops

import (
	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// Maximum returns the larger of x and y element-wise, with broadcasting.
// The gradient goes to the larger input; where x == y, each gets half.
// Maximum panics with a *tensor.ShapeError if the shapes do not broadcast.
func Maximum(x, y ad.Node) ad.Node { return ad.Apply2(maximumOp{}, x, y) }

// Minimum returns the smaller of x and y element-wise, with broadcasting;
// ties share the gradient equally, as in Maximum.
func Minimum(x, y ad.Node) ad.Node { return ad.Apply2(minimumOp{}, x, y) }

type maximumOp struct{}

func (maximumOp) String() string                            { return "maximum" }
func (maximumOp) Forward(x []*tensor.Tensor) *tensor.Tensor { return tensor.Maximum(x[0], x[1]) }
func (maximumOp) ScalarForward(x, y float64) float64 {
	return tensor.Maximum(tensor.Scalar(x), tensor.Scalar(y)).Item()
}
func (maximumOp) ScalarDeriv(x, y, _ float64) (float64, float64) {
	return pick(x, y)
}

func (maximumOp) Local(c ad.Node, i int) ad.Node {
	return share(c, i, c.Input(0).Value(), c.Input(1).Value())
}

func (o maximumOp) Bprop(c ad.Node, i int, g ad.Node) ad.Node { return bpropLocal(o, c, i, g) }
func (o maximumOp) JVP(c ad.Node, t []ad.Node) ad.Node        { return jvpLocal(o, c, t) }

type minimumOp struct{}

func (minimumOp) String() string                            { return "minimum" }
func (minimumOp) Forward(x []*tensor.Tensor) *tensor.Tensor { return tensor.Minimum(x[0], x[1]) }
func (minimumOp) ScalarForward(x, y float64) float64 {
	return tensor.Minimum(tensor.Scalar(x), tensor.Scalar(y)).Item()
}
func (minimumOp) ScalarDeriv(x, y, _ float64) (float64, float64) {
	return pick(y, x)
}

func (minimumOp) Local(c ad.Node, i int) ad.Node {
	return share(c, i, c.Input(1).Value(), c.Input(0).Value())
}

func (o minimumOp) Bprop(c ad.Node, i int, g ad.Node) ad.Node { return bpropLocal(o, c, i, g) }
func (o minimumOp) JVP(c ad.Node, t []ad.Node) ad.Node        { return jvpLocal(o, c, t) }

// pick returns the local derivatives of max(a, b): 1 for the larger input,
// ½ each at a tie.
func pick(a, b float64) (float64, float64) {
	switch {
	case a > b:
		return 1, 0
	case a == b:
		return 0.5, 0.5
	}
	return 0, 1
}

// share is the local derivative of Maximum (a, b = x, y) and Minimum
// (a, b = y, x) for input i: input 0's share is 1 where a > b and ½ where
// a == b, input 1's the rest.
func share(c ad.Node, i int, a, b *tensor.Tensor) ad.Node {
	half := tensor.Mul(tensor.Equal(a, b), tensor.Full(a.DType(), 0.5))
	s := tensor.Add(tensor.Greater(a, b), half)
	if i == 1 {
		s = tensor.Sub(tensor.Ones(a.DType()), s)
	}
	return mask(c, s)
}
