package ad

import (
	"sync"

	"github.com/seed812a03d2/backprop/tensor"
)

// Checkpoint records f applied to xs as a single node, without keeping the
// nodes f creates: gradient checkpointing. The forward pass runs f on a
// scratch graph and keeps only its result; the backward pass runs f again
// on xs, recording, differentiates through that one segment and drops it.
// Memory falls from the size of f's graph to the size of its inputs and
// output, for the price of running f twice. A chain of n operations cut
// into segments of √n holds O(√n) nodes at any time in Backward.
//
// f must compute its result from its arguments alone (constants made with
// the arguments' graph, as ops.Const does, are fine): a node of another
// graph captured by f makes the forward pass panic with a *GraphError.
// Gradients (recorded) keeps the recomputed segments, since they are part
// of the recorded gradient; only Backward frees them. Anomaly mode does not
// see inside a segment's forward pass, which runs on a scratch graph: a NaN
// made and hidden there is reported, if at all, by the backward pass.
func Checkpoint(f func(xs []Node) Node, xs ...Node) Node {
	if f == nil {
		panic(&GraphError{Op: "Checkpoint", Reason: "nil function"})
	}
	return Apply(&checkpointOp{f: f}, xs...)
}

type checkpointOp struct {
	f func(xs []Node) Node
}

func (o *checkpointOp) String() string { return "checkpoint" }

var scratchGraphs = sync.Pool{New: func() any { return new(Graph) }}

// Forward runs f on a scratch graph and keeps the value only.
func (o *checkpointOp) Forward(x []*tensor.Tensor) *tensor.Tensor {
	s := scratchGraphs.Get().(*Graph)
	defer func() {
		// Not Reset: that would recycle the value returned, which the
		// checkpoint node keeps.
		s.truncate(mark{})
		s.names = s.names[:0]
		scratchGraphs.Put(s)
	}()
	in := make([]Node, len(x))
	for i, v := range x {
		if v.DType() == tensor.Float64 && len(v.Shape()) == 0 {
			in[i] = s.ScalarConst(v.Item()) // the scalar fast path
		} else {
			in[i] = s.Const(v)
		}
	}
	y := o.f(in)
	if y.g != s {
		panic(&GraphError{Op: "checkpoint", Reason: "f returned a node of another graph; it must compute from its arguments"})
	}
	return y.Value()
}

// Bprop returns the contribution to input i; the backward pass uses
// bpropAll, which recomputes the segment once for all inputs.
func (o *checkpointOp) Bprop(c Node, i int, g Node) Node {
	return o.bpropAll(c, g)[i]
}

// bpropAller is implemented by operations whose bprop rules for all inputs
// are best computed together.
type bpropAller interface {
	bpropAll(c Node, g Node) []Node
}

// rerun records f again on fresh identity nodes of c's inputs: the
// backward and forward passes through the segment then stop at them, so
// they give the partial derivatives with respect to each input, not the
// total ones through earlier nodes.
func (o *checkpointOp) rerun(c Node) (y Node, xs []Node) {
	xs = c.Inputs()
	for i, x := range xs {
		xs[i] = Apply1(identity{}, x)
	}
	return o.f(xs), xs
}

func (o *checkpointOp) bpropAll(c Node, up Node) []Node {
	g := c.g
	if g.detached == 0 {
		// Recording (Gradients): the recomputed segment is part of the
		// recorded gradient.
		y, xs := o.rerun(c)
		return GradientsSeed(y, up, xs...)
	}
	// Values (Backward): record the segment, backpropagate through it,
	// and keep only the results.
	m := g.mark()
	var y Node
	var xs []Node
	func() {
		saved := g.detached
		g.detached = 0
		defer func() { g.detached = saved }() // even if f panics
		y, xs = o.rerun(c)
	}()
	t := BackwardSeed(y, up.Value(), xs...)
	grads := make([]*tensor.Tensor, len(xs))
	for i, x := range xs {
		grads[i] = t.Grad(x)
	}
	g.truncate(m)
	out := make([]Node, len(xs))
	for i, d := range grads {
		if d.DType() == tensor.Float64 && len(d.Shape()) == 0 {
			out[i] = g.ScalarConst(d.Item())
		} else {
			out[i] = g.Const(d)
		}
	}
	return out
}

// JVP runs f again on xs, recording, and takes the JVP through it.
func (o *checkpointOp) JVP(c Node, t []Node) Node {
	y, xs := o.rerun(c)
	var in, vs []Node
	for i, ti := range t {
		if ti.Valid() {
			in, vs = append(in, xs[i]), append(vs, ti)
		}
	}
	return JVP(y, in, vs)
}

// identity passes its input through; rerun uses it to cut a segment off
// from the rest of the graph.
type identity struct{}

func (identity) String() string                                 { return "identity" }
func (identity) Forward(x []*tensor.Tensor) *tensor.Tensor      { return x[0] }
func (identity) Bprop(_ Node, _ int, g Node) Node               { return g }
func (identity) JVP(_ Node, t []Node) Node                      { return t[0] }
func (identity) ScalarForward(x, _ float64) float64             { return x }
func (identity) ScalarDeriv(_, _, _ float64) (float64, float64) { return 1, 0 }
func (identity) Arity() int                                     { return 1 }
