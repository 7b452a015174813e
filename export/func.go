package export

import (
	"fmt"
	"slices"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// A Func is a part of a graph cut out as a pure function: it takes its
// Inputs, computes its Outputs from them and from constants, and has no
// other effect. The graph's recorded operations are its body; every leaf
// of the graph that the outputs depend on and that is not an input is a
// constant of the function, with the value it has in the graph.
type Func struct {
	Name    string
	Inputs  []Input
	Outputs []Output

	g     *ad.Graph
	nodes []ad.Node             // the body: the nodes between inputs and outputs, in graph order
	attrs map[int]ops.Attrs     // each body node's description, by node id
	input map[int]int           // the input of each input node, by node id
	index map[*tensor.Index]int // the input of each index input and its Column, by pointer
}

// An Input is one argument of a Func: a leaf of the graph (a variable or
// a constant), or an index that gather and select operations read (the
// labels of a loss), which the function then takes as int64 numbers.
type Input struct {
	Name  string
	Node  ad.Node       // a leaf of the graph; the zero Node for an Index
	Index *tensor.Index // with a zero Node: the positions the operations read
	// Batch, if set, makes the size of the input's first axis symbolic
	// in formats that allow it: the batch dimension.
	Batch bool
}

// An Output is one result of a Func.
type Output struct {
	Name string
	Node ad.Node
}

// New returns the function of the graph that computes outputs from
// inputs. It fails, with an error naming the node, if an output or input
// is the zero Node or stale, if they come from different graphs, if an
// input is not a leaf, if names repeat, or if the outputs depend on an
// operation that has no description (ops.Describe) and so no translation.
func New(name string, inputs []Input, outputs []Output) (*Func, error) {
	f := &Func{Name: name, Inputs: inputs, Outputs: outputs,
		attrs: map[int]ops.Attrs{}, input: map[int]int{}, index: map[*tensor.Index]int{}}
	if len(outputs) == 0 {
		return nil, fmt.Errorf("export: %s: no outputs", name)
	}
	names := map[string]bool{}
	check := func(what, n string, node ad.Node) error {
		switch {
		case n == "":
			return fmt.Errorf("export: %s: an %s has no name", name, what)
		case names[n]:
			return fmt.Errorf("export: %s: two inputs or outputs are named %q", name, n)
		case !node.Valid():
			return fmt.Errorf("export: %s: %s %q is the zero Node", name, what, n)
		case node.Stale():
			return fmt.Errorf("export: %s: %s %q is a stale node (its graph was Reset)", name, what, n)
		case f.g == nil:
			f.g = node.Graph()
		case node.Graph() != f.g:
			return fmt.Errorf("export: %s: %s %q is from another graph", name, what, n)
		}
		names[n] = true
		return nil
	}
	for _, o := range outputs {
		if err := check("output", o.Name, o.Node); err != nil {
			return nil, err
		}
	}
	for i, in := range inputs {
		if in.Index != nil && !in.Node.Valid() {
			if names[in.Name] || in.Name == "" {
				return nil, fmt.Errorf("export: %s: index input %d has no name or a repeated one (%q)", name, i, in.Name)
			}
			names[in.Name] = true
			f.index[in.Index] = i
			if len(in.Index.Shape()) == 1 {
				f.index[in.Index.Column()] = i
			}
			continue
		}
		if err := check("input", in.Name, in.Node); err != nil {
			return nil, err
		}
		if !in.Node.IsLeaf() {
			return nil, fmt.Errorf("export: %s: input %q is %v, not a leaf of the graph (a variable or a constant)", name, in.Name, in.Node)
		}
		f.input[in.Node.ID()] = i
	}
	// The body: every node the outputs depend on, found from the outputs
	// back, then put in graph order, which is topological.
	seen := map[int]bool{}
	stack := make([]ad.Node, 0, len(outputs))
	for _, o := range outputs {
		stack = append(stack, o.Node)
	}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[n.ID()] {
			continue
		}
		seen[n.ID()] = true
		if _, ok := f.input[n.ID()]; ok {
			continue
		}
		f.nodes = append(f.nodes, n)
		if n.IsLeaf() {
			continue
		}
		a, ok := describe(n.Op())
		if !ok {
			return nil, fmt.Errorf("export: %s: node %v is the operation %q, which has no translation (only the operations of package ops can be exported)", name, n, n.Op().String())
		}
		f.attrs[n.ID()] = a
		for _, x := range n.Inputs() {
			if _, in := f.input[x.ID()]; x.IsLeaf() && x.Traced() && !in {
				return nil, &TracedError{Func: name, Node: n.String(), Op: n.Op().String(), Const: x.String()}
			}
		}
		stack = append(stack, n.Inputs()...)
	}
	slices.SortFunc(f.nodes, func(a, b ad.Node) int { return a.ID() - b.ID() })
	return f, nil
}

// A TracedError reports a Func that would depend on a constant computed
// from the values the graph was recorded at (ad.Graph.TracedConst): the
// mask of a comparison, or of a piecewise derivative such as abs's or
// max's in a recorded gradient. The exported function would keep it
// fixed, right only at those values, so New refuses it.
type TracedError struct {
	Func, Node, Op string // the function, and the node that reads the constant and its operation
	Const          string // the constant
}

func (e *TracedError) Error() string {
	return fmt.Sprintf("export: %s: node %s (%s) reads %s, a mask computed from the values the graph was recorded at (a comparison's, or a piecewise derivative's such as abs's or max's); an exported function would keep it fixed, right only at those values", e.Func, e.Node, e.Op, e.Const)
}

// describe is ops.Describe, with the gradient table's sums as additions.
func describe(op ad.Op) (ops.Attrs, bool) {
	if ad.IsAccumulate(op) {
		return ops.Attrs{Kind: "add", Elementwise: true}, true
	}
	return ops.Describe(op)
}

// Gradients returns the function that takes the inputs and returns y and
// the gradient of y with respect to each of wrt, named "grad_" and the
// input's name: the backward pass recorded as graph operations
// (ad.Gradients), so that gradients of gradients can be exported too.
// Each of wrt must be among the inputs.
func Gradients(name string, inputs []Input, y Output, wrt ...string) (*Func, error) {
	byName := map[string]ad.Node{}
	for _, in := range inputs {
		byName[in.Name] = in.Node
	}
	xs := make([]ad.Node, len(wrt))
	for i, w := range wrt {
		n, ok := byName[w]
		if !ok || !n.Valid() {
			return nil, fmt.Errorf("export: %s: the gradient with respect to %q, which is not an input", name, w)
		}
		xs[i] = n
	}
	if !y.Node.Valid() {
		return nil, fmt.Errorf("export: %s: output %q is the zero Node", name, y.Name)
	}
	if s := y.Node.Shape(); s.Size() != 1 {
		return nil, fmt.Errorf("export: %s: output %q has shape %v; a gradient is of a single number", name, y.Name, s)
	}
	gs := ad.Gradients(y.Node, xs...)
	outs := []Output{y}
	for i, w := range wrt {
		outs = append(outs, Output{Name: "grad_" + w, Node: gs[i]})
	}
	return New(name, inputs, outs)
}
