package ops

import (
	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// Add returns x + y element-wise, with broadcasting. Its local derivatives
// are 1 and 1; the gradient of a broadcast input is summed back to its
// shape. Add panics with a *tensor.ShapeError if the shapes do not
// broadcast.
func Add(x, y ad.Node) ad.Node { return ad.Apply2(addOp{}, x, y) }

type addOp struct{}

func (addOp) String() string                            { return "add" }
func (addOp) Forward(x []*tensor.Tensor) *tensor.Tensor { return tensor.Add(x[0], x[1]) }
func (addOp) ForwardWith(a tensor.Alloc, x []*tensor.Tensor) *tensor.Tensor {
	return tensor.AddWith(a, x[0], x[1])
}
func (addOp) ScalarForward(x, y float64) float64             { return x + y }
func (addOp) ScalarDeriv(_, _, _ float64) (float64, float64) { return 1, 1 }
func (addOp) Bprop(c ad.Node, i int, g ad.Node) ad.Node      { return unbroadcast(c, i, g) }

func (addOp) JVP(c ad.Node, t []ad.Node) ad.Node { return fit(addTangents(t[0], t[1]), c) }
