package ops

import (
	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// Identity returns a new node with x's value. Its derivative is 1. It gives
// an assignment y = x a node of its own.
func Identity(x ad.Node) ad.Node { return ad.Apply1(identityOp{}, x) }

type identityOp struct{}

func (identityOp) String() string                                 { return "identity" }
func (identityOp) Forward(x []*tensor.Tensor) *tensor.Tensor      { return x[0] }
func (identityOp) ScalarForward(x, _ float64) float64             { return x }
func (identityOp) ScalarDeriv(_, _, _ float64) (float64, float64) { return 1, 0 }
func (identityOp) Bprop(_ ad.Node, _ int, g ad.Node) ad.Node      { return g }

func (identityOp) JVP(_ ad.Node, t []ad.Node) ad.Node { return t[0] }
