package ad

import (
	"fmt"
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
	// modify them, nor keep the slice x after it returns (the graph reuses
	// it). It panics with a *tensor.ShapeError on bad shapes.
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

// Arity is implemented by operations that take a fixed number of inputs.
// Apply, Apply1 and Apply2 panic with a *GraphError when given another
// number; an operation without it takes any number of inputs and must
// check them itself.
type Arity interface {
	// Arity returns the number of inputs, at least 1.
	Arity() int
}

// arityOf returns the number of inputs op takes, or 0 for any number.
func arityOf(op Op) uint8 {
	if a, ok := op.(Arity); ok {
		if n := a.Arity(); n > 0 && n < naryInputs {
			return uint8(n)
		}
	}
	return 0
}

// badArity panics with a *GraphError for op, which takes arity inputs,
// applied to n.
func badArity(op Op, arity uint8, n int) {
	panic(&GraphError{Op: op.String(), Reason: fmt.Sprintf("takes %d inputs, got %d", arity, n)})
}

// Apply records op applied to the inputs xs and returns the new node. All
// inputs must belong to one graph. Apply panics with a *GraphError if xs
// is empty, an input is the zero Node or the inputs come from different
// graphs or the number of inputs is not op's Arity, with a *StaleError if
// an input is stale, and with the *tensor.ShapeError of op's forward rule
// if the shapes do not fit.
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
	code, arity := g.code(op)
	if arity != 0 && int(arity) != len(xs) {
		badArity(op, arity, len(xs))
	}
	vals := make([]*tensor.Tensor, len(xs))
	flags := uint8(0)
	for i, x := range xs {
		r := x.rec()
		vals[i] = g.value(r)
		flags |= r.flags & flagNeedsGrad
	}
	v, owned := g.forward(op, vals)
	r, id := g.push(code)
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
	if !x.usable() {
		graphOf(op, x) // panics with the reason
	}
	xr := g.at(x.id)
	code, arity := g.code(op)
	if arity > 1 {
		badArity(op, arity, 1)
	}
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
	v, owned := g.forward2(op, g.value(xr), nil)
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
	if y.g != g || !x.usable() || !y.usable() {
		graphOf(op, x, y) // panics with the reason
	}
	xr, yr := g.at(x.id), g.at(y.id)
	code, arity := g.code(op)
	if arity&^2 != 0 { // neither 0 (any number) nor 2
		badArity(op, arity, 2)
	}
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
	v, owned := g.forward2(op, g.value(xr), g.value(yr))
	flags := (xr.flags | yr.flags) & flagNeedsGrad
	r, id := g.push(code)
	if g.detached == 0 {
		r.nin, r.in[0], r.in[1], r.flags = 2, x.id, y.id, flags
	}
	g.setOwnedValue(r, v, owned)
	return g.made(id)
}

// forward2 is forward of one input x, or two x and y (y non-nil), passed
// in g's scratch slice unless a forward rule is running already.
func (g *Graph) forward2(op Op, x, y *tensor.Tensor) (*tensor.Tensor, uint8) {
	n := 1
	if y != nil {
		n = 2
	}
	if g.argsBusy {
		return g.forward(op, []*tensor.Tensor{x, y}[:n])
	}
	g.argsBusy = true
	g.args = [2]*tensor.Tensor{x, y}
	defer func() { // also when the forward rule panics (a shape error caught)
		g.args = [2]*tensor.Tensor{}
		g.argsBusy = false
	}()
	return g.forward(op, g.args[:n])
}

// made returns the node id that an Apply function has just recorded,
// checked in anomaly mode.
func (g *Graph) made(id int32) Node {
	n := g.node(id)
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
	for i, x := range xs {
		if x.g == nil {
			panic(&GraphError{Op: op.String(), Reason: "zero Node as input " + strconv.Itoa(i)})
		}
		if g != nil && x.g != g {
			panic(mixedGraphs(op.String(), xs[0], x))
		}
		g = x.g
		if !x.usable() {
			x.unusable(op.String())
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

// mixedGraphs is the error for nodes x and y of two graphs given to fn
// together. Graphs have no names, so the error names the nodes and the
// graphs' addresses.
func mixedGraphs(fn string, x, y Node) *GraphError {
	return &GraphError{Op: fn, Reason: fmt.Sprintf("nodes of two graphs: %v of graph %p and %v of graph %p", x, x.g, y, y.g)}
}

// StaleError is the value the ad package panics with when a node or a
// gradient table is used after its graph was Reset, or a node after the
// engine removed it from the tape. Such a node's position may already
// hold another node: the error is raised instead of silently computing
// with that one.
type StaleError struct {
	Op      string // the operation or function
	ID      int    // the node's position on the tape
	Table   bool   // a gradient table, filled from the graph before a Reset, rather than a node
	Made    uint32 // how many times the graph had been Reset when the node or table was made
	Now     uint32 // how many times it has been Reset now
	Removed bool   // the node was removed from the tape without a Reset
}

// Error formats e as "ad: sin: node 3 is stale: it was made before the
// graph's Reset (Reset 2 times then, 3 now)".
func (e *StaleError) Error() string {
	what := "node " + strconv.Itoa(e.ID)
	if e.Table {
		what = "gradient table of node " + strconv.Itoa(e.ID)
	}
	if e.Removed {
		return "ad: " + e.Op + ": " + what + " is stale: it was removed from the tape (a node a bprop rule made inside Backward)"
	}
	return "ad: " + e.Op + ": " + what + " is stale: it was made before the graph's Reset (Reset " +
		strconv.FormatUint(uint64(e.Made), 10) + " times then, " + strconv.FormatUint(uint64(e.Now), 10) +
		" now); nodes, their values and gradient tables do not outlive Reset"
}

// accumulate is the operation that sums contributions in the gradient
// table when Gradients records the backward pass. Both inputs have one shape.
type accumulate struct{}

func (accumulate) String() string { return "accumulate" }

func (accumulate) Forward(x []*tensor.Tensor) *tensor.Tensor { return tensor.Add(x[0], x[1]) }

func (accumulate) Bprop(_ Node, _ int, g Node) Node { return g }

func (accumulate) ScalarForward(x, y float64) float64 { return x + y }

func (accumulate) ScalarDeriv(_, _, _ float64) (float64, float64) { return 1, 1 }

func (accumulate) Arity() int { return 2 }

// Local is 1 for both inputs: the trace shows it.
func (accumulate) Local(c Node, _ int) Node { return c.g.Const(tensor.Ones(c.DType())) }

// IsAccumulate reports whether op is the sum that Gradients records where
// a node has several consumers: x + y of two gradients of one shape. Tools
// that translate graphs (package export) read it as an addition.
func IsAccumulate(op Op) bool {
	_, ok := op.(accumulate)
	return ok
}
