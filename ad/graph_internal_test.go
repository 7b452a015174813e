package ad

import (
	"testing"

	"github.com/seed812a03d2/backprop/tensor"
)

// sumOp is a minimal pointer-typed operation: each application is a new
// op, as for parametrised operations.
type sumOp struct{}

func (*sumOp) String() string                            { return "sum" }
func (*sumOp) Forward(x []*tensor.Tensor) *tensor.Tensor { return tensor.Sum(x[0], nil, false) }
func (*sumOp) Bprop(c Node, _ int, g Node) Node {
	return Apply1(&bcastOp{c.Input(0).Shape()}, g)
}

type bcastOp struct{ shape tensor.Shape }

func (o *bcastOp) String() string { return "broadcast" }
func (o *bcastOp) Forward(x []*tensor.Tensor) *tensor.Tensor {
	return tensor.BroadcastTo(x[0], o.shape...)
}
func (o *bcastOp) Bprop(Node, int, Node) Node { return Node{} }

// TestOpTableStaysBounded checks that neither Backward nor Reset leave
// operations behind in the graph's table.
func TestOpTableStaysBounded(t *testing.T) {
	var g Graph
	var sizes []int
	for range 5 {
		g.Reset()
		x := g.Var("x", tensor.Ones(tensor.Float64, 3))
		y := Apply1(&sumOp{}, x)
		for range 10 {
			Backward(y)
		}
		sizes = append(sizes, len(g.ops))
	}
	for i, n := range sizes {
		if n != sizes[0] || n > 3 {
			t.Fatalf("op table sizes over five Reset steps: %v; want a constant of at most 3 (round %d)", sizes, i)
		}
	}
}

// pairOp is comparable by type but holds an interface whose dynamic value
// may not be.
type pairOp struct{ k any }

func (pairOp) String() string                            { return "pair" }
func (pairOp) Forward(x []*tensor.Tensor) *tensor.Tensor { return x[0] }
func (pairOp) Bprop(_ Node, _ int, g Node) Node          { return g }

func TestUncomparableOpValues(t *testing.T) {
	var g Graph
	x := g.Var("x", tensor.Ones(tensor.Float64, 2))
	y := Apply1(pairOp{[]int{1}}, x)
	y = Apply1(pairOp{[]int{2}}, y)
	y = Apply1(pairOp{3}, y)
	y = Apply1(pairOp{3}, y)
	if got := Backward(Apply1(&sumOp{}, y)).Grad(x).String(); got != "[1 1]" {
		t.Errorf("gradient through pair ops = %v; want [1 1]", got)
	}
}

// valueOp is a comparable operation type with a field: equal values share
// a code, different values do not.
type valueOp struct{ k int }

func (o valueOp) String() string                            { return "value" }
func (o valueOp) Forward(x []*tensor.Tensor) *tensor.Tensor { return x[0] }
func (o valueOp) Bprop(_ Node, _ int, g Node) Node          { return g }

// TestManyOpsShareCodes applies more distinct operations than the linear
// search handles, repeatedly, across Resets: the table holds each once.
func TestManyOpsShareCodes(t *testing.T) {
	var g Graph
	for round := range 3 {
		g.Reset()
		x := g.Var("x", tensor.Ones(tensor.Float64, 1))
		for rep := range 3 {
			for k := range 40 {
				x = Apply1(valueOp{k}, x)
			}
			if got := len(g.ops); got != 41 {
				t.Fatalf("round %d, repetition %d: %d codes for 40 distinct operations; want 41", round, rep, got)
			}
		}
	}
}
