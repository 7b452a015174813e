package ad

import "github.com/seed812a03d2/backprop/tensor"

// NewOp returns an operation defined by functions, for a custom operation
// that needs no type of its own: forward computes the output from the
// input values, bprop is the backward rule (see Op), and jvp, which may be
// nil, the forward-mode rule (see JVPOp; without one, forward mode
// transposes bprop). Apply the returned Op with Apply; create it once and
// reuse it, since each Op value NewOp returns is a distinct operation. As
// for every Op, forward may read its slice of input values only while it
// runs: the graph reuses the slice (copy it to keep it).
//
// NewOp panics with a *GraphError if name is empty or forward or bprop is
// nil.
func NewOp(name string, forward func(x []*tensor.Tensor) *tensor.Tensor, bprop func(c Node, i int, g Node) Node, jvp func(c Node, t []Node) Node) Op {
	if name == "" || forward == nil || bprop == nil {
		panic(&GraphError{Op: "NewOp", Reason: "an operation needs a name, a forward rule and a bprop rule"})
	}
	f := &funcOp{name, forward, bprop}
	if jvp != nil {
		return &funcJVPOp{f, jvp}
	}
	return f
}

type funcOp struct {
	name    string
	forward func(x []*tensor.Tensor) *tensor.Tensor
	bprop   func(c Node, i int, g Node) Node
}

func (o *funcOp) String() string                            { return o.name }
func (o *funcOp) Forward(x []*tensor.Tensor) *tensor.Tensor { return o.forward(x) }
func (o *funcOp) Bprop(c Node, i int, g Node) Node          { return o.bprop(c, i, g) }

type funcJVPOp struct {
	*funcOp
	jvp func(c Node, t []Node) Node
}

func (o *funcJVPOp) JVP(c Node, t []Node) Node { return o.jvp(c, t) }

// Detach returns a constant with n's value: the same numbers, but no
// gradient flows through it, in reverse or forward mode. It is
// stop-gradient. The value is shared, not copied.
func (n Node) Detach() Node {
	if n.g == nil {
		panic(&GraphError{Op: "Detach", Reason: "zero Node"})
	}
	if n.rec().flags&flagInline != 0 {
		return n.g.ScalarConst(n.Scalar())
	}
	return n.g.Const(n.Value())
}
