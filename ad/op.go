package ad

import (
	"math"
	"strconv"

	"github.com/seed812a03d2/backprop/tensor"
)

// Op is an operation: a forward rule that computes a value from the values
// of the inputs, and a backward rule, bprop.
//
// Bprop returns the contribution of consumer c to the gradient of its
// input i, given the upstream gradient g (the gradient table's entry for
// c, shaped like c). The result must have the shape and element type of
// input i, or be the zero Node when no gradient flows to that input. Bprop must be
// written with differentiable operations on nodes, not with tensor
// kernels, so that the gradient is itself a graph and can be
// differentiated again.
//
// An Op must not change once applied, and two ops that compare equal with
// == must behave the same: a graph records each distinct op once.
type Op interface {
	// String names the operation in traces, such as "sin" or "matmul".
	String() string
	// Forward computes the output value from the input values. It must not
	// modify them. It panics with a *tensor.ShapeError on bad shapes.
	Forward(x []*tensor.Tensor) *tensor.Tensor
	// Bprop is the backward rule described above.
	Bprop(c Node, i int, g Node) Node
}

// ScalarOp is an Op with one or two inputs that can also compute on float64
// scalars directly. Nodes whose inputs are all float64 scalars are then
// computed and differentiated without tensors: this is what makes long
// scalar graphs cheap. ScalarDeriv must agree with Bprop; adtest checks
// both.
type ScalarOp interface {
	Op
	// ScalarForward returns the output for inputs x and y (y is 0 for a
	// unary operation).
	ScalarForward(x, y float64) float64
	// ScalarDeriv returns the local derivatives ∂z/∂x and ∂z/∂y at inputs x,
	// y with output z.
	ScalarDeriv(x, y, z float64) (dx, dy float64)
}

// Apply records op applied to the inputs xs and returns the new node. All
// inputs must belong to one graph. Apply panics with a *GraphError if xs
// is empty, an input is the zero Node or the inputs come from different
// graphs, and with the *tensor.ShapeError of op's forward rule if the
// shapes do not fit.
func Apply(op Op, xs ...Node) Node {
	if op == nil {
		panic(&GraphError{Op: "Apply", Reason: "nil Op"})
	}
	switch len(xs) {
	case 0:
		panic(&GraphError{Op: op.String(), Reason: "no inputs"})
	case 1:
		return Apply1(op, xs[0])
	case 2:
		return Apply2(op, xs[0], xs[1])
	}
	g := graphOf(op, xs...)
	vals := make([]*tensor.Tensor, len(xs))
	flags := uint8(0)
	for i, x := range xs {
		r := x.rec()
		vals[i] = g.value(r)
		flags |= r.flags & flagNeedsGrad
	}
	v, owned := g.forward(op, vals)
	r, id := g.push(g.code(op))
	if g.detached == 0 {
		r.nin, r.in[0], r.in[1] = naryInputs, int32(len(g.lists)), int32(len(xs))
		for _, x := range xs {
			g.lists = append(g.lists, x.id)
		}
		r.flags = flags
	}
	g.setOwnedValue(r, v, owned)
	return g.made(id)
}

// Apply1 is Apply for one input.
func Apply1(op Op, x Node) Node {
	if op == nil {
		panic(&GraphError{Op: "Apply", Reason: "nil Op"})
	}
	g := x.g
	if g == nil || x.id >= g.n {
		graphOf(op, x) // panics with the reason
	}
	xr := x.rec()
	code := g.code(op)
	if xr.flags&flagInline != 0 {
		if so := g.scalarOp(op, code); so != nil {
			v := so.ScalarForward(math.Float64frombits(xr.v), 0)
			r, id := g.push(code)
			r.flags, r.v = flagInline|flagScalarOp, math.Float64bits(v)
			if g.detached == 0 {
				r.nin, r.in[0] = 1, x.id
				r.flags |= xr.flags & flagNeedsGrad
			}
			return g.made(id)
		}
	}
	v, owned := g.forward(op, []*tensor.Tensor{g.value(xr)})
	flags := xr.flags & flagNeedsGrad
	r, id := g.push(code)
	if g.detached == 0 {
		r.nin, r.in[0], r.flags = 1, x.id, flags
	}
	g.setOwnedValue(r, v, owned)
	return g.made(id)
}

// Apply2 is Apply for two inputs.
func Apply2(op Op, x, y Node) Node {
	if op == nil {
		panic(&GraphError{Op: "Apply", Reason: "nil Op"})
	}
	g := x.g
	if g == nil || y.g != g || x.id >= g.n || y.id >= g.n {
		graphOf(op, x, y) // panics with the reason
	}
	xr, yr := x.rec(), y.rec()
	code := g.code(op)
	if xr.flags&yr.flags&flagInline != 0 {
		if so := g.scalarOp(op, code); so != nil {
			v := so.ScalarForward(math.Float64frombits(xr.v), math.Float64frombits(yr.v))
			flags := (xr.flags | yr.flags) & flagNeedsGrad
			r, id := g.push(code)
			r.flags, r.v = flagInline|flagScalarOp, math.Float64bits(v)
			if g.detached == 0 {
				r.nin, r.in[0], r.in[1] = 2, x.id, y.id
				r.flags |= flags
			}
			return g.made(id)
		}
	}
	v, owned := g.forward(op, []*tensor.Tensor{g.value(xr), g.value(yr)})
	flags := (xr.flags | yr.flags) & flagNeedsGrad
	r, id := g.push(code)
	if g.detached == 0 {
		r.nin, r.in[0], r.in[1], r.flags = 2, x.id, y.id, flags
	}
	g.setOwnedValue(r, v, owned)
	return g.made(id)
}

// made returns the node id that an Apply function has just recorded,
// checked in anomaly mode.
func (g *Graph) made(id int32) Node {
	n := Node{g, id}
	if g.anomaly != nil {
		g.checkForward(n)
	}
	return n
}

// scalarOp returns op as a ScalarOp, or nil; code is op's code.
func (g *Graph) scalarOp(op Op, code uint32) ScalarOp {
	if code == 0 { // recorded as a constant: op has no code
		so, _ := op.(ScalarOp)
		return so
	}
	return g.scalarOps[code]
}

// graphOf returns the graph of the inputs, checking that there is one.
func graphOf(op Op, xs ...Node) *Graph {
	var g *Graph
	for _, x := range xs {
		if x.g == nil {
			panic(&GraphError{Op: op.String(), Reason: "zero Node as input"})
		}
		if g != nil && x.g != g {
			panic(&GraphError{Op: op.String(), Reason: "inputs from different graphs"})
		}
		g = x.g
		if x.id >= g.n {
			panic(&GraphError{Op: op.String(), Reason: "input " + strconv.Itoa(int(x.id)) + " is no longer on the tape (the graph was Reset)"})
		}
	}
	return g
}

// GraphError is the value the ad package panics with when nodes are misused:
// the zero Node as an input, nodes of two graphs in one operation, a bprop rule that
// returns a gradient of the wrong shape.
type GraphError struct {
	Op     string // the operation or function
	Reason string
}

// Error formats e as "ad: add: inputs from different graphs".
func (e *GraphError) Error() string { return "ad: " + e.Op + ": " + e.Reason }

// accumulate is the operation that sums contributions in the gradient
// table when Gradients records the backward pass. Both inputs have one shape.
type accumulate struct{}

func (accumulate) String() string { return "accumulate" }

func (accumulate) Forward(x []*tensor.Tensor) *tensor.Tensor { return tensor.Add(x[0], x[1]) }

func (accumulate) Bprop(_ Node, _ int, g Node) Node { return g }

func (accumulate) ScalarForward(x, y float64) float64 { return x + y }

func (accumulate) ScalarDeriv(_, _, _ float64) (float64, float64) { return 1, 1 }
