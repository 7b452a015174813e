package ad_test

import (
	"math"
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// steps applies k steps of the chain x = sin(x)·0.9 + x·0.1.
func steps(x ad.Node, k int) ad.Node {
	a, b := ops.Const(x, 0.9), ops.Const(x, 0.1)
	for range k {
		x = ops.Add(ops.Mul(ops.Sin(x), a), ops.Mul(x, b))
	}
	return x
}

func TestCheckpointChain(t *testing.T) {
	const n, k = 1000, 50
	var plain ad.Graph
	x0 := plain.ScalarVar("x0", 0.5)
	want := ad.Backward(steps(x0, n)).Scalar(x0)

	var g ad.Graph
	c0 := g.ScalarVar("x0", 0.5)
	x := c0
	for range n / k {
		x = ad.Checkpoint(func(xs []ad.Node) ad.Node { return steps(xs[0], k) }, x)
	}
	if g.Len() > n/k+1 {
		t.Errorf("the checkpointed graph has %d nodes; want %d", g.Len(), n/k+1)
	}
	if got := ad.Backward(x).Scalar(c0); got != want {
		t.Errorf("Backward through checkpoints = %v; want %v", got, want)
	}
	if g.Len() > n/k+1 {
		t.Errorf("after Backward the graph has %d nodes; want %d", g.Len(), n/k+1)
	}
	if got := ad.Gradients(x, c0)[0].Scalar(); math.Abs(got-want) > 1e-12*math.Abs(want) {
		t.Errorf("Gradients through checkpoints = %v; want %v", got, want)
	}
	one := g.ScalarConst(1)
	if got := ad.JVP(x, []ad.Node{c0}, []ad.Node{one}).Scalar(); math.Abs(got-want) > 1e-12*math.Abs(want) {
		t.Errorf("JVP through checkpoints = %v; want %v", got, want)
	}
}

// A layer with its weights as inputs of the checkpoint: every input gets
// its gradient, to second order.
func TestCheckpointLayer(t *testing.T) {
	layer := func(xs []ad.Node) ad.Node {
		return ops.Tanh(ops.Add(ops.MatMul(xs[0], xs[1]), xs[2]))
	}
	build := func(g *ad.Graph, checkpoint bool) (ad.Node, []ad.Node) {
		rng := tensor.NewRand(7)
		h := g.Var("h", tensor.RandNormal(rng, tensor.Float64, 0, 1, 2, 3))
		w := g.Var("w", tensor.RandNormal(rng, tensor.Float64, 0, 1, 3, 3))
		b := g.Var("b", tensor.RandNormal(rng, tensor.Float64, 0, 1, 3))
		y := h
		for range 3 {
			if checkpoint {
				y = ad.Checkpoint(layer, y, w, b)
			} else {
				y = layer([]ad.Node{y, w, b})
			}
		}
		return ops.Sum(ops.Square(y)), []ad.Node{h, w, b}
	}
	var pg, cg ad.Graph
	py, pxs := build(&pg, false)
	cy, cxs := build(&cg, true)
	pt, ct := ad.Backward(py), ad.Backward(cy)
	pgr, cgr := ad.Gradients(py, pxs...), ad.Gradients(cy, cxs...)
	for i := range pxs {
		close3(t, "Backward", ct.Grad(cxs[i]).Data(), pt.Grad(pxs[i]).Data())
		close3(t, "Gradients", cgr[i].Value().Data(), pgr[i].Value().Data())
	}
	// Second order: ∂/∂w Σ ∂y/∂b.
	p2 := ad.Backward(ops.Sum(pgr[2]), pxs[1]).Grad(pxs[1]).Data()
	c2 := ad.Backward(ops.Sum(cgr[2]), cxs[1]).Grad(cxs[1]).Data()
	close3(t, "second order", c2, p2)
}

func close3(t *testing.T, what string, got, want []float64) {
	t.Helper()
	for i := range got {
		if math.Abs(got[i]-want[i]) > 1e-12*math.Max(1, math.Abs(want[i])) {
			t.Errorf("%s[%d] = %v; want %v", what, i, got[i], want[i])
		}
	}
}

func TestCheckpointCapturedNode(t *testing.T) {
	var g ad.Graph
	x := g.ScalarVar("x", 1)
	w := g.ScalarVar("w", 2)
	err := catch(func() {
		ad.Checkpoint(func(xs []ad.Node) ad.Node { return ops.Mul(xs[0], w) }, x) // w is not an argument
	})
	if _, ok := err.(*ad.GraphError); !ok {
		t.Errorf("f capturing a node: %v; want an *ad.GraphError", err)
	}
}

// A segment that panics when it is run again in the backward pass leaves
// the graph recording as before.
func TestCheckpointPanicKeepsRecording(t *testing.T) {
	var g ad.Graph
	x := g.ScalarVar("x", 2)
	calls := 0
	y := ad.Checkpoint(func(xs []ad.Node) ad.Node {
		calls++
		if calls == 2 {
			panic("boom")
		}
		return ops.Sin(xs[0])
	}, x)
	func() {
		defer func() { _ = recover() }()
		ad.Backward(y)
	}()
	if !g.Recording() {
		t.Fatal("Recording() is false after a panic inside a checkpoint's backward pass")
	}
	var z ad.Node
	g.NoRecord(func() { z = ops.Mul(x, x) })
	if z.NumInputs() != 0 {
		t.Errorf("NoRecord result has %d inputs; want a constant", z.NumInputs())
	}
}
