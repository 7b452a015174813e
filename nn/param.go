package nn

import (
	"fmt"
	"io"
	"math"
	"sync"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// A Param is a named tensor that lives across training steps: a layer's
// weight (trainable) or a buffer such as BatchNorm's running mean (not
// trained, but part of the model's state). Value is the caller's tensor,
// updated in place by an optimizer; Grad, of Value's shape and type, is
// where [Backward] puts the gradient of the last step.
//
// A Param records itself in a graph with [Param.Node], once per build: the
// first call after a Reset records a variable, later calls in the same
// build return that node, so a model built once is used by every step
// without wrapping its parameters again.
type Param struct {
	// Name is the parameter's hierarchical name, as "fc1.weight": the
	// layer names it ("weight"), and each container that holds the layer
	// puts its own name in front.
	Name string
	// Value is the parameter's current value, written in place by
	// optimizers and by loading a checkpoint.
	Value *tensor.Tensor
	// Grad is the gradient of the last Backward; nil for a buffer.
	// Backward may give it new storage (see Backward): read it through
	// this Tensor, and do not give it to a graph as a Var or Const.
	Grad *tensor.Tensor
	// Buffer marks state that is saved and loaded but not trained.
	Buffer bool

	// nodes holds p's node in each of the last few graphs it was recorded
	// in, so that a model used in a second graph (an evaluation in the
	// middle of a step) keeps its node in the first.
	nodes [4]ad.Node
	next  int // the slot to replace next
}

// NewParam returns a trainable parameter with the given name and value and
// a zero gradient. It panics if value is nil.
func NewParam(name string, value *tensor.Tensor) *Param {
	if value == nil {
		panic(fmt.Errorf("nn: NewParam %q: nil tensor", name))
	}
	return &Param{Name: name, Value: value, Grad: tensor.New(value.DType(), value.Shape()...)}
}

// NewBuffer returns a buffer: state of a model that is not trained.
func NewBuffer(name string, value *tensor.Tensor) *Param {
	if value == nil {
		panic(fmt.Errorf("nn: NewBuffer %q: nil tensor", name))
	}
	return &Param{Name: name, Value: value, Buffer: true}
}

// Node returns p as a node of g: a variable recorded at the first call
// after g's last Reset and the same node after that. A buffer is recorded
// as a constant.
//
// Inside ad.Checkpoint, record the parameters before the checkpointed
// function and pass their nodes in as its inputs: a parameter recorded
// inside the function is recomputed with it and gets no gradient.
func (p *Param) Node(g *ad.Graph) ad.Node {
	if n, ok := p.nodeIn(g); ok {
		return n
	}
	var n ad.Node
	if p.Buffer {
		n = g.Const(p.Value)
	} else {
		n = g.Var(p.Name, p.Value)
	}
	for i, m := range p.nodes {
		if m.Valid() && m.Graph() == g {
			p.nodes[i] = n // g's node, replaced
			return n
		}
	}
	p.nodes[p.next] = n
	p.next = (p.next + 1) % len(p.nodes)
	return n
}

// nodeIn returns p's node in g's current build, if p was recorded there:
// a node of g, not stale, and still the leaf holding p's value (a node id
// that a partial truncation freed and a later node took is not p's).
func (p *Param) nodeIn(g *ad.Graph) (ad.Node, bool) {
	for _, n := range p.nodes {
		if n.Valid() && n.Graph() == g && !n.Stale() && n.IsLeaf() && n.IsVar() != p.Buffer && p.holds(n) {
			return n, true
		}
	}
	return ad.Node{}, false
}

// holds reports whether the leaf n holds p's value: the same tensor, or
// for a float64 scalar, which the graph keeps by value, the same number.
func (p *Param) holds(n ad.Node) bool {
	if p.Value.Rank() == 0 && p.Value.DType() == tensor.Float64 {
		return n.Shape().Equal(p.Value.Shape()) && n.DType() == tensor.Float64 && math.Float64bits(n.Scalar()) == math.Float64bits(p.Value.Item())
	}
	return n.Value() == p.Value
}

// Size returns the number of elements of p.
func (p *Param) Size() int { return p.Value.Size() }

// String returns p's name, shape and element type.
func (p *Param) String() string {
	return fmt.Sprintf("%s %v %v", p.Name, p.Value.Shape(), p.Value.DType())
}

// backward is Backward's memory: a gradient table and the list of nodes,
// recycled so that a training loop allocates neither per step.
type backward struct {
	t  ad.Table
	xs []ad.Node
}

var tables = sync.Pool{New: func() any { return new(backward) }}

// Backward computes the gradient of the scalar loss with respect to every
// trainable parameter of params and writes it into the parameter's Grad,
// overwriting what was there. A parameter that loss does not use (or that
// was not recorded in loss's graph since its last Reset) gets a zero
// gradient. Buffers are skipped. Where a gradient is scratch of the
// backward pass, Backward gives it to Grad by exchanging storage rather
// than copying it (ad.Table.Move): read a Grad through its Tensor after
// each Backward, not through a slice kept from before (its old storage is
// the graph's again at the next Reset). Backward panics as ad.Backward
// does if loss is not a scalar node.
func Backward(loss ad.Node, params []*Param) {
	if s := loss.Shape(); s.Size() != 1 {
		panic(&tensor.ShapeError{Op: "nn.Backward", Shapes: []tensor.Shape{s}, Reason: "the loss must be a single number"})
	}
	g := loss.Graph()
	b := tables.Get().(*backward)
	defer tables.Put(b)
	t := &b.t
	b.xs = b.xs[:0]
	for _, p := range params {
		if n, ok := p.nodeIn(g); ok && !p.Buffer {
			b.xs = append(b.xs, n)
		}
	}
	ad.BackwardInto(t, loss, nil, b.xs...)
	for _, p := range params {
		if p.Buffer {
			continue
		}
		n, ok := p.nodeIn(g)
		if !ok {
			p.Grad.Fill(0)
			continue
		}
		if !t.Move(n, p.Grad) {
			tensor.CopyTo(p.Grad, t.Grad(n))
		}
	}
}

// ZeroGrad sets the gradient of every trainable parameter to zero.
func ZeroGrad(params []*Param) {
	for _, p := range params {
		if p.Grad != nil {
			p.Grad.Fill(0)
		}
	}
}

// Count returns the number of trainable elements of params.
func Count(params []*Param) int {
	n := 0
	for _, p := range params {
		if !p.Buffer {
			n += p.Size()
		}
	}
	return n
}

// WriteSummary writes a table of m's parameters and buffers, one per line
// with name, shape and element count, and the total of trainable
// elements, as PyTorch users print a model.
func WriteSummary(w io.Writer, m Module) error {
	ps := State(m)
	width := len("parameter")
	for _, p := range ps {
		width = max(width, len(p.Name))
	}
	if _, err := fmt.Fprintf(w, "%-*s  %-16s  %10s\n", width, "parameter", "shape", "elements"); err != nil {
		return err
	}
	for _, p := range ps {
		kind := ""
		if p.Buffer {
			kind = "  (buffer)"
		}
		if _, err := fmt.Fprintf(w, "%-*s  %-16v  %10d%s\n", width, p.Name, p.Value.Shape(), p.Size(), kind); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "trainable parameters: %d\n", Count(ps))
	return err
}
