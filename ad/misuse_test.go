package ad_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// wantPanic checks that f panics with an error of type E whose message
// contains each of the parts.
func wantPanic[E error](t *testing.T, name string, f func(), parts ...string) {
	t.Helper()
	err := catch(f)
	var e E
	if !errors.As(err, &e) {
		t.Errorf("%s: got %v; want a %T", name, err, e)
		return
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("%s: %q does not say %q", name, err, p)
		}
	}
}

// The fault of the hardening issue: a node kept from before Reset whose id
// lies within the rebuilt tape stood for the new node at that position.
func TestStaleNodeWithinTheNewTape(t *testing.T) {
	var g ad.Graph
	x := g.ScalarVar("x", 2)
	oldY := ops.Sin(x) // id 1
	g.Reset()
	x2 := g.ScalarVar("x", 3)
	ops.Exp(x2) // id 1 again: what oldY used to alias
	wantPanic[*ad.StaleError](t, "Backward(oldY)", func() { ad.Backward(oldY) }, "ad: Backward: node 1 is stale", "Reset")
	wantPanic[*ad.StaleError](t, "Gradients(oldY, x2)", func() { ad.Gradients(oldY, x2) }, "node 1 is stale")
	wantPanic[*ad.StaleError](t, "Backward(y, oldX)", func() { ad.Backward(ops.Exp(x2), x) }, "node 0 is stale")
	wantPanic[*ad.StaleError](t, "Sin(oldY)", func() { ops.Sin(oldY) }, "ad: sin: node 1 is stale")
	wantPanic[*ad.StaleError](t, "Add(x2, oldX)", func() { ops.Add(x2, x) }, "ad: add: node 0 is stale")
	wantPanic[*ad.StaleError](t, "Where(...)", func() { ops.Where(x2, x2, x) }, "ad: where: node 0 is stale")
	wantPanic[*ad.StaleError](t, "oldY.Value()", func() { oldY.Value() }, "node 1 is stale")
	wantPanic[*ad.StaleError](t, "oldY.Scalar()", func() { oldY.Scalar() }, "node 1 is stale")
	wantPanic[*ad.StaleError](t, "oldY.Name()", func() { oldY.Name() }, "node 1 is stale")
	wantPanic[*ad.StaleError](t, "oldY.Input(0)", func() { oldY.Input(0) }, "node 1 is stale")
	wantPanic[*ad.StaleError](t, "JVP(oldY)", func() { ad.JVP(oldY, []ad.Node{x2}, []ad.Node{g.ScalarConst(1)}) }, "node 1 is stale")
	if got := oldY.String(); got != "<stale node 1>" {
		t.Errorf("oldY.String() = %q; want <stale node 1>", got)
	}
	// Tensors take the general path.
	w := g.Var("w", tensor.Ones(tensor.Float64, 3))
	oldS := ops.Sum(ops.Mul(w, w))
	g.Reset()
	w2 := g.Var("w", tensor.Ones(tensor.Float64, 3))
	ops.Sum(ops.Exp(w2))
	wantPanic[*ad.StaleError](t, "Backward(oldS)", func() { ad.Backward(oldS) }, "is stale")
	wantPanic[*ad.StaleError](t, "Mul(w2, oldW)", func() { ops.Mul(w2, w) }, "ad: mul: node 4 is stale")
}

func TestStaleTable(t *testing.T) {
	var g ad.Graph
	x := g.ScalarVar("x", 2)
	table := ad.Backward(ops.Sin(x))
	g.Reset()
	x2 := g.ScalarVar("x", 3)
	ops.Exp(x2)
	wantPanic[*ad.StaleError](t, "table.Scalar(x2)", func() { table.Scalar(x2) }, "gradient table of node 1 is stale")
	wantPanic[*ad.StaleError](t, "table.Grad(x2)", func() { table.Grad(x2) }, "gradient table of node 1 is stale")
	var empty ad.Table
	wantPanic[*ad.GraphError](t, "an empty table", func() { empty.Grad(x2) }, "empty gradient table")
	// BackwardInto makes the table current again.
	ad.BackwardInto(table, ops.Exp(x2), nil)
	if got, want := table.Scalar(x2), math.Exp(3); got != want {
		t.Errorf("refilled table: ∂exp(x)/∂x at 3 = %v; want %v", got, want)
	}
}

// TestValuesAcrossReset shows what the package documentation says of the
// tensors handed out before Reset: those of the first build stay, those of
// a build after a Reset are overwritten by the build after the next Reset,
// and tensors given to Var stay the caller's.
func TestValuesAcrossReset(t *testing.T) {
	var g ad.Graph
	input := func(v float64) *tensor.Tensor { return tensor.Full(tensor.Float64, v, 4) }
	step := func(v float64) (value, grad *tensor.Tensor, x *tensor.Tensor) {
		x = input(v)
		xn := g.Var("x", x)
		y := ops.Exp(xn)
		return y.Value(), ad.Backward(ops.Sum(ops.Mul(y, y)), xn).Grad(xn), x
	}
	v0, d0, x0 := step(0) // first build: no pool yet
	g.Reset()
	v1, d1, x1 := step(1) // the pool owns these
	want1, wantD1 := v1.Clone(), d1.Clone()
	g.Reset()
	step(-1) // reuses the memory of v1 and d1
	if got := v0.At(0); got != 1 {
		t.Errorf("a value of the first build changed after two Resets: exp(0) reads %v", got)
	}
	if got := d0.At(0); got != 2 {
		t.Errorf("a gradient of the first build changed after two Resets: 2·exp(0)² reads %v", got)
	}
	if x0.At(0) != 0 || x1.At(0) != 1 {
		t.Errorf("tensors given to Var changed: %v, %v", x0, x1)
	}
	if v1.At(0) == want1.At(0) || d1.At(0) == wantD1.At(0) {
		t.Errorf("values of the second build kept their numbers after the third build (%v, %v): the documentation says they are recycled; update it", v1, d1)
	}
}

// TestParametersOutliveReset is the training loop of the neural-network
// issue in miniature: a weight tensor the caller owns, given to Var each
// step, updated in place from the gradient before Reset.
func TestParametersOutliveReset(t *testing.T) {
	var g ad.Graph
	var table ad.Table
	w := tensor.FromFloat64s([]float64{1, -2}, 2)
	want := []float64{1, -2}
	const lr = 0.1
	for range 5 {
		g.Reset()
		wn := g.Var("w", w)
		loss := ops.Sum(ops.Mul(wn, wn)) // ∂/∂w = 2w
		ad.BackwardInto(&table, loss, nil)
		d := table.Grad(wn).Float64s()
		for i := range w.Float64s() {
			w.Float64s()[i] -= lr * d[i]
			want[i] -= lr * 2 * want[i]
		}
	}
	for i, got := range w.Float64s() {
		if math.Abs(got-want[i]) > 1e-15 {
			t.Errorf("w[%d] after 5 steps = %v; want %v", i, got, want[i])
		}
	}
}

func TestArityIsChecked(t *testing.T) {
	var g ad.Graph
	x := g.ScalarVar("x", 1)
	v := g.Var("v", tensor.Ones(tensor.Float64, 2, 2))
	add := ops.Add(x, x).Op()
	sin := ops.Sin(x).Op()
	matmul := ops.MatMul(v, v).Op()
	where := ops.Where(v, v, v).Op()
	wantPanic[*ad.GraphError](t, "Apply(add, x)", func() { ad.Apply(add, x) }, "ad: add: takes 2 inputs, got 1")
	wantPanic[*ad.GraphError](t, "Apply1(add, x)", func() { ad.Apply1(add, x) }, "ad: add: takes 2 inputs, got 1")
	wantPanic[*ad.GraphError](t, "Apply(sin, x, x)", func() { ad.Apply(sin, x, x) }, "ad: sin: takes 1 inputs, got 2")
	wantPanic[*ad.GraphError](t, "Apply(matmul, v)", func() { ad.Apply(matmul, v) }, "ad: matmul: takes 2 inputs, got 1")
	wantPanic[*ad.GraphError](t, "Apply(where, v)", func() { ad.Apply(where, v) }, "ad: where: takes 3 inputs, got 1")
	wantPanic[*ad.GraphError](t, "Apply(add, x, x, x)", func() { ad.Apply(add, x, x, x) }, "ad: add: takes 2 inputs, got 3")
	// Recorded as constants, the operation has no code on the tape: the
	// check must hold there too.
	g.NoRecord(func() {
		wantPanic[*ad.GraphError](t, "NoRecord: Apply(add, x)", func() { ad.Apply(add, x) }, "takes 2 inputs, got 1")
		wantPanic[*ad.GraphError](t, "NoRecord: Apply(sin, v, v)", func() { ad.Apply(sin, v, v) }, "takes 1 inputs, got 2")
	})
	// The right number still works.
	if got := ad.Apply(add, x, x).Scalar(); got != 2 {
		t.Errorf("Apply(add, x, x) = %v; want 2", got)
	}
}

func TestNodesOfAnotherGraph(t *testing.T) {
	var g, other ad.Graph
	stray := other.ScalarVar("stray", 5)
	leak := ad.NewOp("leak", func(x []*tensor.Tensor) *tensor.Tensor { return x[0] },
		func(c ad.Node, i int, up ad.Node) ad.Node { return stray }, nil)
	leakJVP := ad.NewOp("leakjvp", func(x []*tensor.Tensor) *tensor.Tensor { return x[0] },
		func(c ad.Node, i int, up ad.Node) ad.Node { return up },
		func(c ad.Node, t []ad.Node) ad.Node { return stray })
	x := g.ScalarVar("x", 1)
	y := ad.Apply(leak, x)
	wantPanic[*ad.GraphError](t, "Backward through a leaking bprop", func() { ad.Backward(y) }, "ad: leak: bprop for input 0 of leak#1 returned stray", "another graph")
	wantPanic[*ad.GraphError](t, "Gradients through a leaking bprop", func() { ad.Gradients(y, x) }, "another graph")
	var h ad.Graph
	hx := h.ScalarVar("x", 1)
	z := ad.Apply(leakJVP, hx)
	wantPanic[*ad.GraphError](t, "JVP through a leaking rule", func() { ad.JVP(z, []ad.Node{hx}, []ad.Node{h.ScalarConst(1)}) }, "ad: leakjvp: JVP of leakjvp", "another graph")
	wantPanic[*ad.GraphError](t, "Gradients with a seed of another graph", func() { ad.GradientsSeed(ops.Sin(x), stray, x) }, "nodes of two graphs", "stray")
	wantPanic[*ad.GraphError](t, "JVP with a tangent of another graph", func() { ad.JVP(ops.Sin(x), []ad.Node{x}, []ad.Node{stray}) }, "nodes of two graphs", "stray")
	wantPanic[*ad.GraphError](t, "Table.Grad of another graph's node", func() { ad.Backward(ops.Sin(x)).Grad(stray) }, "nodes of two graphs", "stray")
	wantPanic[*ad.GraphError](t, "Mul across graphs", func() { ops.Mul(x, stray) }, "ad: mul: nodes of two graphs: x of graph", "stray of graph")
}

func TestNilGraph(t *testing.T) {
	var g *ad.Graph
	for name, f := range map[string]func(){
		"Var":             func() { g.Var("x", tensor.Scalar(1)) },
		"Const":           func() { g.Const(tensor.Scalar(1)) },
		"ScalarVar":       func() { g.ScalarVar("x", 1) },
		"ScalarConst":     func() { g.ScalarConst(1) },
		"Reset":           func() { g.Reset() },
		"Node":            func() { g.Node(0) },
		"NoRecord":        func() { g.NoRecord(func() {}) },
		"Recording":       func() { g.Recording() },
		"DetectAnomalies": func() { g.DetectAnomalies(true) },
	} {
		wantPanic[*ad.GraphError](t, name, f, "ad: "+name+": nil *Graph")
	}
	if g.Len() != 0 {
		t.Errorf("nil graph: Len() = %d; want 0", g.Len())
	}
	var h ad.Graph
	wantPanic[*ad.GraphError](t, "NoRecord(nil)", func() { h.NoRecord(nil) }, "ad: NoRecord: nil function")
}

func TestOverflowingShapesThroughOps(t *testing.T) {
	var g ad.Graph
	empty := g.Var("e", tensor.New(tensor.Float64, 0))
	one := g.Var("one", tensor.Ones(tensor.Float64, 1))
	wantPanic[*tensor.ShapeError](t, "ops.Reshape", func() { ops.Reshape(empty, 1<<32, 1<<32) }, "tensor: Reshape:", "would have more than")
	wantPanic[*tensor.ShapeError](t, "ops.BroadcastTo", func() { ops.BroadcastTo(one, tensor.Shape{1 << 32, 1 << 32}) }, "tensor: BroadcastTo:", "would have more than")
}

// Found by a hostile review: a forward rule that returns nil, Checkpoint
// of a nil function, and a nil *Table.
func TestNilRulesAndTables(t *testing.T) {
	var g ad.Graph
	x := g.ScalarVar("x", 1)
	v := g.Var("v", tensor.Ones(tensor.Float64, 2))
	nilForward := ad.NewOp("bad", func([]*tensor.Tensor) *tensor.Tensor { return nil },
		func(_ ad.Node, _ int, up ad.Node) ad.Node { return up }, nil)
	wantPanic[*ad.GraphError](t, "a forward rule returning nil", func() { ad.Apply(nilForward, v) }, "ad: bad: the forward rule returned nil")
	g.Reset() // with the pool, forward takes the AllocOp path for ops that have one; NewOp's still go through Forward
	v = g.Var("v", tensor.Ones(tensor.Float64, 2))
	wantPanic[*ad.GraphError](t, "a forward rule returning nil after Reset", func() { ad.Apply(nilForward, v) }, "the forward rule returned nil")
	x = g.ScalarVar("x", 1)
	wantPanic[*ad.GraphError](t, "Checkpoint(nil)", func() { ad.Checkpoint(nil, x) }, "ad: Checkpoint: nil function")
	var table *ad.Table
	wantPanic[*ad.GraphError](t, "BackwardInto(nil)", func() { ad.BackwardInto(table, ops.Sin(x), nil) }, "ad: BackwardInto: nil *Table")
	wantPanic[*ad.GraphError](t, "(*Table)(nil).Scalar", func() { table.Scalar(x) }, "ad: Table.Grad: nil *Table")
}
