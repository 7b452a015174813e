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
// A Node is a small handle (a graph and a position on its tape), passed by
// value and comparable with ==, so it can be a map key. The zero Node
// belongs to no graph: it is what a bprop rule returns when no gradient
// flows, and operations panic with a *GraphError when given it.
type Node struct {
	g  *Graph
	id int32
}

// rec returns n's record. It panics with a *GraphError for the zero Node
// and for a node that Reset took off the tape.
func (n Node) rec() *record {
	if n.g == nil {
		panic(&GraphError{Op: "Node", Reason: "zero Node"})
	}
	if n.id >= n.g.n {
		panic(&GraphError{Op: "Node", Reason: "node " + strconv.Itoa(int(n.id)) + " is no longer on the tape (the graph was Reset)"})
	}
	return n.g.at(n.id)
}

// Valid reports whether n belongs to a graph, that is, whether it is not
// the zero Node.
func (n Node) Valid() bool { return n.g != nil }

// Graph returns the graph n belongs to.
func (n Node) Graph() *Graph { return n.g }

// ID returns the position of n on its graph's tape.
func (n Node) ID() int { return int(n.id) }

// Op returns the operation that computed n, or nil for a leaf.
func (n Node) Op() Op { return n.g.ops[n.rec().op] }

// IsVar reports whether n was created by Var or ScalarVar.
func (n Node) IsVar() bool { return n.rec().flags&flagVar != 0 }

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
	return Node{n.g, n.g.inputID(r, i)}
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
	if int(n.id) < len(n.g.names) {
		return n.g.names[n.id]
	}
	return ""
}

// SetName names n, for traces and diagrams. Names need not be unique.
func (n Node) SetName(name string) {
	g := n.g
	if g.names == nil {
		g.names = g.firstNames[:0]
	}
	if need := int(n.id) + 1; need > len(g.names) {
		if need > cap(g.names) {
			grown := make([]string, need, max(2*cap(g.names), need, 8))
			copy(grown, g.names)
			g.names = grown
		}
		g.names = g.names[:need]
	}
	g.names[n.id] = name
}

// String returns n's name, or "op#id" for an unnamed node.
func (n Node) String() string {
	if !n.Valid() {
		return "<zero Node>"
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
