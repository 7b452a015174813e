package ad_test

import (
	"errors"
	"math"
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

func TestResetReusesTheGraph(t *testing.T) {
	var g ad.Graph
	for round := range 3 {
		g.Reset()
		_, _, _, _, u5 := seed(&g)
		if got := ad.Backward(u5).Scalar(g.Node(0)); !relClose(got, 12*math.Cos(36), 1e-15) {
			t.Errorf("round %d: ∂u5/∂u1 = %v; want 12·cos(36)", round, got)
		}
		if g.Len() != 6 { // u1, u2, u3, the constant 2, u4, u5
			t.Errorf("round %d: graph has %d nodes; want 6", round, g.Len())
		}
	}
	// A long graph after Reset is still right.
	g.Reset()
	x := g.ScalarVar("x", 0.1)
	y := x
	for range 10000 {
		y = ops.Add(y, x)
	}
	if got := ad.Backward(y).Scalar(x); got != 10001 {
		t.Errorf("d(10001·x)/dx = %v; want 10001", got)
	}
	g.Reset()
	var se *ad.StaleError
	if err := catch(func() { ops.Sin(y) }); !errors.As(err, &se) {
		t.Errorf("using a node after Reset: got %v; want a *StaleError", err)
	}
}

func TestNoRecordMakesConstants(t *testing.T) {
	var g ad.Graph
	x := g.ScalarVar("x", 2)
	var c ad.Node
	g.NoRecord(func() {
		if g.Recording() {
			t.Error("Recording() is true inside NoRecord")
		}
		c = ops.Mul(x, x) // 4, but no gradient flows through it
	})
	if !g.Recording() {
		t.Error("Recording() is false after NoRecord")
	}
	y := ops.Mul(c, x) // dy/dx = c = 4, not 3x² = 12
	if got := ad.Backward(y).Scalar(x); got != 4 {
		t.Errorf("dy/dx through a NoRecord value = %v; want 4", got)
	}
	if got := ad.Gradients(y, x)[0].Scalar(); got != 4 {
		t.Errorf("Gradients through a NoRecord value = %v; want 4", got)
	}
	if c.Op() != nil {
		t.Errorf("NoRecord result: Op() = %v; want nil, as for any leaf", c.Op())
	}
	if !c.IsLeaf() || c.NeedsGrad() {
		t.Errorf("NoRecord result: IsLeaf %v, NeedsGrad %v; want true, false", c.IsLeaf(), c.NeedsGrad())
	}
}

func TestBackwardLeavesTheGraphAsItWas(t *testing.T) {
	var g ad.Graph
	w := g.Var("w", tensor.FromFloat64s([]float64{1, 2, 3, 4}, 2, 2))
	y := ops.Sum(ops.Tanh(ops.MatMul(w, w)))
	n := g.Len()
	ad.Backward(y)
	if g.Len() != n {
		t.Errorf("Backward left %d nodes on a graph of %d", g.Len(), n)
	}
	ad.Gradients(y, w)
	if g.Len() <= n {
		t.Errorf("Gradients recorded nothing: %d nodes, had %d", g.Len(), n)
	}
}

func TestNodeAccessors(t *testing.T) {
	var g ad.Graph
	x := g.ScalarVar("x", 3)
	c := g.Const(tensor.FromFloat64s([]float64{1, 2}, 2))
	y := ops.Mul(x, c)
	tests := []struct {
		name      string
		got, want any
	}{
		{"x.String()", x.String(), "x"},
		{"c.String()", c.String(), "const#1"},
		{"y.String()", y.String(), "mul#2"},
		{"y.Op().String()", y.Op().String(), "mul"},
		{"x.Op()", x.Op(), nil},
		{"y.NumInputs()", y.NumInputs(), 2},
		{"y.Input(1) == c", y.Input(1) == c, true},
		{"len(y.Inputs())", len(y.Inputs()), 2},
		{"x.IsVar()", x.IsVar(), true},
		{"c.IsVar()", c.IsVar(), false},
		{"y.NeedsGrad()", y.NeedsGrad(), true},
		{"c.NeedsGrad()", c.NeedsGrad(), false},
		{"y.Shape()", y.Shape().String(), "[2]"},
		{"x.Shape()", x.Shape().String(), "[]"},
		{"y.Value()", y.Value().String(), "[3 6]"},
		{"g.Node(2) == y", g.Node(2) == y, true},
		{"y.ID()", y.ID(), 2},
		{"(Node{}).Valid()", (ad.Node{}).Valid(), false},
		{"(Node{}).String()", (ad.Node{}).String(), "<zero Node>"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %v; want %v", tt.name, tt.got, tt.want)
		}
	}
	y.SetName("y")
	if y.Name() != "y" || y.String() != "y" {
		t.Errorf("after SetName: Name %q, String %q; want y", y.Name(), y.String())
	}
}

// scaleOp is a custom operation whose type is not comparable (it holds a
// slice): recording it must not compare it with ==.
type scaleOp struct{ k []float64 }

func (o scaleOp) String() string { return "scale" }
func (o scaleOp) Forward(x []*tensor.Tensor) *tensor.Tensor {
	return tensor.Mul(x[0], tensor.Scalar(o.k[0]))
}
func (o scaleOp) Bprop(c ad.Node, _ int, g ad.Node) ad.Node {
	return ops.Mul(g, c.Graph().ScalarConst(o.k[0]))
}

func TestCustomOpOfUncomparableType(t *testing.T) {
	var g ad.Graph
	x := g.Var("x", tensor.FromFloat64s([]float64{1, 2}, 2))
	y := ad.Apply1(scaleOp{[]float64{3}}, x)
	y = ad.Apply1(scaleOp{[]float64{5}}, y)
	if got := y.Value().String(); got != "[15 30]" {
		t.Errorf("scale(scale(x)) = %v; want [15 30]", got)
	}
	if got := ad.Backward(ops.Sum(y)).Grad(x).String(); got != "[15 15]" {
		t.Errorf("gradient = %v; want [15 15]", got)
	}
}

func TestWrongShapedBprop(t *testing.T) {
	var g ad.Graph
	x := g.Var("x", tensor.FromFloat64s([]float64{1, 2}, 2))
	y := ad.Apply1(badOp{}, x)
	err := catch(func() { ad.Backward(ops.Sum(y)) })
	want := "ad: bad: bprop for input 0 returned shape [] float64 for an input of shape [2] float64"
	if err == nil || err.Error() != want {
		t.Errorf("Backward through a wrong bprop: %v; want %q", err, want)
	}
}

type badOp struct{}

func (badOp) String() string                            { return "bad" }
func (badOp) Forward(x []*tensor.Tensor) *tensor.Tensor { return x[0] }
func (badOp) Bprop(c ad.Node, _ int, g ad.Node) ad.Node { return ops.Sum(g) }

func TestStaleAndZeroNodes(t *testing.T) {
	var g ad.Graph
	x := g.Var("x", tensor.Ones(tensor.Float64, 2, 2))
	g.Reset()
	for name, f := range map[string]func(){
		"Sum of a stale node":       func() { ops.Sum(x, 0) },
		"Backward of a stale node":  func() { ad.Backward(x) },
		"Sum of the zero Node":      func() { ops.Sum(ad.Node{}) },
		"Softmax of the zero Node":  func() { ops.Softmax(ad.Node{}, 0) },
		"Apply of a nil Op":         func() { var h ad.Graph; ad.Apply1(nil, h.ScalarVar("v", 1)) },
		"Shape of the zero Node":    func() { _ = ad.Node{}.Shape() },
		"Transpose of a stale node": func() { ops.Transpose(x) },
	} {
		var ge *ad.GraphError
		var se *ad.StaleError
		if err := catch(f); !errors.As(err, &ge) && !errors.As(err, &se) {
			t.Errorf("%s: got %v; want a *GraphError or a *StaleError", name, err)
		}
	}
}

func TestBackwardIntoReusesTheTable(t *testing.T) {
	var g ad.Graph
	var table ad.Table
	build := func(v float64) (ad.Node, ad.Node) {
		g.Reset()
		x := g.ScalarVar("x", v)
		y := x
		for range 1000 {
			y = ops.Add(ops.Mul(ops.Sin(y), g.ScalarConst(0.5)), x)
		}
		return x, y
	}
	for _, v := range []float64{0.3, -1.2, 0.3} {
		x, y := build(v)
		ad.BackwardInto(&table, y, nil)
		if got, want := table.Scalar(x), ad.Backward(y).Scalar(x); got != want {
			t.Errorf("x = %v: BackwardInto gives %v, Backward %v", v, got, want)
		}
	}
	x, y := build(0.7)
	allocs := testing.AllocsPerRun(10, func() { ad.BackwardInto(&table, y, nil) })
	if allocs > 0 {
		t.Errorf("BackwardInto on a reused table allocates %v times; want 0", allocs)
	}
	// A table reused for a tensor graph, with a list of nodes.
	w := g.Var("w", tensor.FromFloat64s([]float64{1, 2}, 2))
	z := ops.Sum(ops.Mul(w, w))
	ad.BackwardInto(&table, z, nil, w)
	if got := table.Grad(w).String(); got != "[2 4]" {
		t.Errorf("∂Σw²/∂w = %v; want [2 4]", got)
	}
	_ = x
}

// After Reset the operation table starts again, but the ops of the last
// step stay known (see Graph.code): with more ops than the small table and
// the recent cache hold, every step must still find each op's own code.
func TestOpCodesAcrossResets(t *testing.T) {
	const n = 40
	ops := make([]ad.Op, n)
	for i := range ops {
		k := float64(i + 1)
		ops[i] = ad.NewOp("scale", func(x []*tensor.Tensor) *tensor.Tensor { return tensor.Scalar(k * x[0].Item()) },
			func(c ad.Node, _ int, g ad.Node) ad.Node { return ad.Apply1(ops[int(k)-1], g) }, nil)
	}
	var g ad.Graph
	for round := range 4 {
		g.Reset()
		x := g.ScalarVar("x", 1)
		// Each step applies the ops in another order, each twice.
		for j := range 2 * n {
			i := (j*7 + round*3) % n
			y := ad.Apply1(ops[i], x)
			if got, want := y.Scalar(), float64(i+1); got != want {
				t.Fatalf("round %d: op %d gives %v; want %v", round, i, got, want)
			}
			if got := y.Op(); got != ops[i] {
				t.Fatalf("round %d: node of op %d records another op", round, i)
			}
			if got := ad.Backward(y).Scalar(x); got != float64(i+1) {
				t.Fatalf("round %d: d(op %d)/dx = %v; want %v", round, i, got, float64(i+1))
			}
		}
	}
}
