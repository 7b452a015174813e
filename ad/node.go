package ad

import (
	"math"
	"strconv"

	"github.com/seed812a03d2/backprop/tensor"
)

// Node is one value in a Graph: a leaf (a variable or a constant) or the
// output of an operation applied to earlier nodes, its inputs. A node's
// value is computed when the node is created and never changes.
//
// A Node is a small handle (a graph, a position on its tape and the
// number of times the graph had been Reset when the node was made), passed
// by value and comparable with ==, so it can be a map key. The zero Node
// belongs to no graph: it is what a bprop rule returns when no gradient
// flows, and operations panic with a *GraphError when given it. A node
// made before its graph's Reset is stale: every use of it panics with a
// *StaleError, even where a new node now has its position.
type Node struct {
	g   *Graph
	id  int32
	gen uint32 // g.gen when the node was made
}

// node returns the node of g with the given id, made in g's current
// generation.
func (g *Graph) node(id int32) Node { return Node{g, id, g.gen} }

// rec returns n's record. It panics with a *GraphError for the zero Node
// and with a *StaleError for a node that is no longer on the tape.
func (n Node) rec() *record {
	if !n.usable() {
		n.unusable("Node")
	}
	return n.g.at(n.id)
}

// usable reports whether n is a node of its graph's current tape.
func (n Node) usable() bool { return n.g != nil && n.gen == n.g.gen && n.id < n.g.n }

// unusable panics with the reason why fn cannot use n: n is the zero
// Node, or stale. It returns normally if n is usable.
func (n Node) unusable(fn string) {
	switch {
	case n.g == nil:
		panic(&GraphError{Op: fn, Reason: "zero Node"})
	case n.gen != n.g.gen:
		panic(&StaleError{Op: fn, ID: int(n.id), Made: n.gen, Now: n.g.gen})
	case n.id >= n.g.n:
		panic(&StaleError{Op: fn, ID: int(n.id), Made: n.gen, Now: n.g.gen, Removed: true})
	}
}

// Valid reports whether n belongs to a graph, that is, whether it is not
// the zero Node. A stale node is valid; using it panics.
func (n Node) Valid() bool { return n.g != nil }

// Stale reports whether n was made before the last Reset of its graph (or
// removed from its tape), so that using it would panic with a
// *StaleError. The zero Node is not stale. Code that keeps nodes across
// steps, such as a parameter that records itself once per build, asks
// Stale to know when to record again.
func (n Node) Stale() bool { return n.g != nil && !n.usable() }

// Graph returns the graph n belongs to.
func (n Node) Graph() *Graph { return n.g }

// ID returns the position of n on its graph's tape.
func (n Node) ID() int { return int(n.id) }

// Op returns the operation that computed n, or nil for a leaf.
func (n Node) Op() Op { return n.g.ops[n.rec().op] }

// IsVar reports whether n was created by Var or ScalarVar.
func (n Node) IsVar() bool { return n.rec().flags&flagVar != 0 }

// Traced reports whether n was recorded by TracedConst: a constant that
// holds only for the values it was computed from.
func (n Node) Traced() bool { return n.rec().flags&flagTraced != 0 }

// IsLeaf reports whether n is a variable or a constant: a node without
// inputs.
func (n Node) IsLeaf() bool { return n.rec().nin == 0 }

// NeedsGrad reports whether n is a variable or depends on one.
func (n Node) NeedsGrad() bool { return n.rec().flags&flagNeedsGrad != 0 }

// NumInputs returns the number of inputs of n.
func (n Node) NumInputs() int { return n.rec().numInputs() }

func (r *record) numInputs() int {
	if r.nin == naryInputs {
		return int(r.in[1])
	}
	return int(r.nin)
}

// Input returns input i of n. It panics with a *GraphError if i is out of
// range.
func (n Node) Input(i int) Node {
	r := n.rec()
	if i < 0 || i >= r.numInputs() {
		panic(&GraphError{Op: "Input", Reason: "input index " + strconv.Itoa(i) + " out of range"})
	}
	return n.g.node(n.g.inputID(r, i))
}

func (g *Graph) inputID(r *record, i int) int32 {
	if r.nin == naryInputs {
		return g.lists[int(r.in[0])+i]
	}
	return r.in[i]
}

// Inputs returns the inputs of n in order.
func (n Node) Inputs() []Node {
	in := make([]Node, n.NumInputs())
	for i := range in {
		in[i] = n.Input(i)
	}
	return in
}

// Value returns the value of n. The caller must not modify it.
func (n Node) Value() *tensor.Tensor { return n.g.value(n.rec()) }

func (g *Graph) value(r *record) *tensor.Tensor {
	if r.flags&flagInline != 0 {
		return tensor.Scalar(math.Float64frombits(r.v))
	}
	return g.tensors[r.v]
}

// Scalar returns the value of a node of size 1 as a float64. It panics with
// a *tensor.ShapeError if n has another size.
func (n Node) Scalar() float64 {
	r := n.rec()
	if r.flags&flagInline != 0 {
		return math.Float64frombits(r.v)
	}
	return n.g.tensors[r.v].Item()
}

// Shape returns the shape of n's value. The caller must not modify it.
func (n Node) Shape() tensor.Shape {
	r := n.rec()
	if r.flags&flagInline != 0 {
		return nil
	}
	return n.g.tensors[r.v].Shape()
}

// DType returns the element type of n's value.
func (n Node) DType() tensor.DType {
	r := n.rec()
	if r.flags&flagInline != 0 {
		return tensor.Float64
	}
	return n.g.tensors[r.v].DType()
}

// Name returns the name given to n by Var or SetName, or "".
func (n Node) Name() string {
	if !n.usable() {
		n.unusable("Name")
	}
	if int(n.id) < len(n.g.names) {
		return n.g.names[n.id]
	}
	return ""
}

// SetName names n, for traces and diagrams. Names need not be unique.
func (n Node) SetName(name string) {
	if !n.usable() {
		n.unusable("SetName")
	}
	n.g.setName(n.id, name)
}

// setName names node id of g.
func (g *Graph) setName(id int32, name string) {
	if g.names == nil {
		g.names = g.firstNames[:0]
	}
	if need := int(id) + 1; need > len(g.names) {
		if need > cap(g.names) {
			grown := make([]string, need, max(2*cap(g.names), need, 8))
			copy(grown, g.names)
			g.names = grown
		}
		g.names = g.names[:need]
	}
	g.names[id] = name
}

// String returns n's name, or "op#id" for an unnamed node.
func (n Node) String() string {
	if !n.Valid() {
		return "<zero Node>"
	}
	if !n.usable() {
		return "<stale node " + strconv.Itoa(int(n.id)) + ">"
	}
	if s := n.Name(); s != "" {
		return s
	}
	r := n.rec()
	switch {
	case r.op != 0:
		return n.g.ops[r.op].String() + "#" + strconv.Itoa(int(n.id))
	case r.flags&flagVar != 0:
		return "var#" + strconv.Itoa(int(n.id))
	}
	return "const#" + strconv.Itoa(int(n.id))
}
