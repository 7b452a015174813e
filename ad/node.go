package ad

import (
	"strconv"

	"github.com/seed812a03d2/backprop/tensor"
)

// Node is one value in a Graph: a leaf (a variable or a constant) or the
// output of an operation applied to earlier nodes, its inputs. A node's
// value is computed when the node is created and never changes.
//
// Nodes are created by a Graph and by operations; the zero Node is not
// usable.
type Node struct {
	g     *Graph
	op    Op       // nil for leaves
	in    [2]int32 // input ids; with nin > 2, an offset and a count in g.lists
	id    int32    // position on the tape; -1 for an unrecorded node
	nin   uint8    // number of inputs, or naryInputs
	flags uint8
	x     float64        // the value, when flagInline is set
	t     *tensor.Tensor // the value, otherwise
}

const (
	flagVar       = 1 << iota // created by Var
	flagNeedsGrad             // a variable or computed from one
	flagInline                // the value is the float64 scalar x
	flagScalarOp              // computed by ScalarOp.ScalarForward from inline inputs
)

const naryInputs = 255

// Graph returns the graph n belongs to.
func (n *Node) Graph() *Graph { return n.g }

// ID returns the position of n on its graph's tape, or -1 if n was created
// while recording was off.
func (n *Node) ID() int { return int(n.id) }

// Op returns the operation that computed n, or nil for a leaf.
func (n *Node) Op() Op { return n.op }

// IsVar reports whether n was created by Var or ScalarVar.
func (n *Node) IsVar() bool { return n.flags&flagVar != 0 }

// IsLeaf reports whether n is a variable or a constant.
func (n *Node) IsLeaf() bool { return n.op == nil }

// NeedsGrad reports whether n is a variable or depends on one.
func (n *Node) NeedsGrad() bool { return n.flags&flagNeedsGrad != 0 }

// NumInputs returns the number of inputs of n.
func (n *Node) NumInputs() int {
	if n.nin == naryInputs {
		return int(n.in[1])
	}
	return int(n.nin)
}

// Input returns input i of n. It panics if i is out of range.
func (n *Node) Input(i int) *Node {
	if i < 0 || i >= n.NumInputs() {
		panic(&GraphError{Op: "Input", Reason: "input index " + strconv.Itoa(i) + " out of range"})
	}
	return n.g.at(n.inputID(i))
}

func (n *Node) inputID(i int) int32 {
	if n.nin == naryInputs {
		return n.g.lists[int(n.in[0])+i]
	}
	return n.in[i]
}

// Inputs returns the inputs of n in order.
func (n *Node) Inputs() []*Node {
	in := make([]*Node, n.NumInputs())
	for i := range in {
		in[i] = n.Input(i)
	}
	return in
}

// Value returns the value of n. The caller must not modify it.
func (n *Node) Value() *tensor.Tensor {
	if n.flags&flagInline != 0 {
		return tensor.Scalar(n.x)
	}
	return n.t
}

// Scalar returns the value of a node of size 1 as a float64. It panics with
// a *tensor.ShapeError if n has another size.
func (n *Node) Scalar() float64 {
	if n.flags&flagInline != 0 {
		return n.x
	}
	return n.t.Item()
}

// Shape returns the shape of n's value. The caller must not modify it.
func (n *Node) Shape() tensor.Shape {
	if n.flags&flagInline != 0 {
		return nil
	}
	return n.t.Shape()
}

// DType returns the element type of n's value.
func (n *Node) DType() tensor.DType {
	if n.flags&flagInline != 0 {
		return tensor.Float64
	}
	return n.t.DType()
}

// Name returns the name given to n by Var or SetName, or "".
func (n *Node) Name() string {
	if n.id >= 0 && int(n.id) < len(n.g.names) {
		return n.g.names[n.id]
	}
	return ""
}

// SetName names n, for traces and diagrams. Names need not be unique.
func (n *Node) SetName(name string) {
	if n.id < 0 {
		return
	}
	for int(n.id) >= len(n.g.names) {
		n.g.names = append(n.g.names, "")
	}
	n.g.names[n.id] = name
}

// String returns n's name, or "op#id" for an unnamed node.
func (n *Node) String() string {
	if s := n.Name(); s != "" {
		return s
	}
	if n.op == nil {
		if n.IsVar() {
			return "var#" + strconv.Itoa(int(n.id))
		}
		return "const#" + strconv.Itoa(int(n.id))
	}
	return n.op.String() + "#" + strconv.Itoa(int(n.id))
}

// setValue stores x as n's value, inline if it is a float64 scalar.
func (n *Node) setValue(x *tensor.Tensor) {
	if x.Rank() == 0 && x.DType() == tensor.Float64 {
		n.x = x.Item()
		n.flags |= flagInline
		return
	}
	n.t = x
}
