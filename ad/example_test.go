package ad_test

import (
	"fmt"
	"math"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// The worked example: u3 = u1 + u2, u4 = u3², u5 = sin(u4) at u1 = 4,
// u2 = 2, whose gradient ∂u5/∂u1 is 12·cos(36).
func Example() {
	var g ad.Graph
	u1 := g.ScalarVar("u1", 4)
	u2 := g.ScalarVar("u2", 2)
	u3 := ops.Add(u1, u2)
	u4 := ops.PowConst(u3, 2)
	u5 := ops.Sin(u4)
	table := ad.Backward(u5)
	fmt.Println(u5.Scalar())
	fmt.Println(table.Scalar(u4), table.Scalar(u3), table.Scalar(u1))
	// Output:
	// -0.9917788534431158
	// -0.12796368962740468 -1.535564275528856 -1.535564275528856
}

func ExampleGradients() {
	var g ad.Graph
	x := g.Var("x", tensor.Scalar(3))
	dy := ad.Gradients(ops.Mul(x, x), x)[0]
	d2y := ad.Gradients(dy, x)[0]
	fmt.Println(dy.Scalar(), d2y.Scalar())
	// Output: 6 2
}

func ExampleBackward() {
	var g ad.Graph
	w := g.Var("w", tensor.FromFloat64s([]float64{1, 2, 3, 4}, 2, 2))
	x := g.Const(tensor.FromFloat64s([]float64{1, -1}, 2, 1))
	loss := ops.Sum(ops.Square(ops.MatMul(w, x)))
	fmt.Println(loss.Scalar(), ad.Backward(loss).Grad(w))
	// Output: 2 [[-2 2] [-2 2]]
}

func ExampleBackwardSeed() {
	var g ad.Graph
	x := g.Var("x", tensor.FromFloat64s([]float64{1, 2, 3}, 3))
	y := ops.Square(x)
	// A vector-Jacobian product: seedᵀ·∂y/∂x.
	fmt.Println(ad.BackwardSeed(y, tensor.FromFloat64s([]float64{1, 0, -1}, 3)).Grad(x))
	// Output: [2 0 -6]
}

func ExampleGraph_Reset() {
	var g ad.Graph
	for step := range 3 {
		g.Reset() // reuse the tape's memory: the graph is rebuilt each step
		w := g.ScalarVar("w", float64(step))
		loss := ops.Square(ops.Sub(w, g.ScalarConst(2)))
		fmt.Println(step, ad.Backward(loss).Scalar(w))
	}
	// Output:
	// 0 -4
	// 1 -2
	// 2 0
}

func ExampleGraph_NoRecord() {
	var g ad.Graph
	x := g.ScalarVar("x", 3)
	var c ad.Node
	g.NoRecord(func() {
		c = ops.Mul(x, x) // a constant: no gradient flows through it
	})
	y := ops.Mul(c, x)
	fmt.Println(y.Scalar(), ad.Backward(y).Scalar(x))
	// Output: 27 9
}

// softplus is a custom operation: log(1 + eˣ), computed stably, with its
// own backward rule written in differentiable operations.
type softplus struct{}

func (softplus) String() string { return "softplus" }

func (softplus) Forward(x []*tensor.Tensor) *tensor.Tensor {
	return tensor.Map(x[0], func(v float64) float64 {
		if v > 0 {
			return v + math.Log1p(math.Exp(-v))
		}
		return math.Log1p(math.Exp(v))
	})
}

// Bprop: the derivative of softplus is sigmoid.
func (softplus) Bprop(c ad.Node, _ int, g ad.Node) ad.Node {
	return ops.Mul(g, ops.Sigmoid(c.Input(0)))
}

func ExampleApply() {
	var g ad.Graph
	x := g.Var("x", tensor.FromFloat64s([]float64{-1000, 0, 1000}, 3))
	y := ad.Apply(softplus{}, x)
	fmt.Println(y.Value(), ad.Backward(ops.Sum(y)).Grad(x))
	// Output: [0 0.6931471805599453 1000] [0 0.5 1]
}

func ExampleTable_Grad() {
	var g ad.Graph
	x := g.Var("x", tensor.FromFloat64s([]float64{1, 2}, 2))
	h := ops.Mul(x, x)
	y := ops.Sum(ops.Sin(h))
	t := ad.Backward(y)
	// Every node in the table can be read, intermediate ones included.
	fmt.Printf("%.4f\n%.4f\n", t.Grad(h).Data(), t.Grad(x).Data())
	// Output:
	// [0.5403 -0.6536]
	// [1.0806 -2.6146]
}

// Forward mode: the derivative of the worked example along u1.
func ExampleJVP() {
	var g ad.Graph
	u1 := g.ScalarVar("u1", 4)
	u2 := g.ScalarVar("u2", 2)
	u5 := ops.Sin(ops.PowConst(ops.Add(u1, u2), 2))
	d := ad.JVP(u5, []ad.Node{u1, u2}, []ad.Node{g.ScalarConst(1), g.ScalarConst(0)})
	fmt.Println(d.Scalar())
	// Output: -1.535564275528856
}

// A straight-through estimator: round in the forward pass, and pass the
// gradient through unchanged in the backward pass.
func ExampleNewOp() {
	round := ad.NewOp("round_st",
		func(x []*tensor.Tensor) *tensor.Tensor { return tensor.Map(x[0], math.Round) },
		func(_ ad.Node, _ int, g ad.Node) ad.Node { return g },
		nil) // no JVP rule: forward mode transposes the bprop
	var g ad.Graph
	x := g.Var("x", tensor.FromFloat64s([]float64{0.4, 1.7}, 2))
	y := ops.Sum(ops.Square(ad.Apply(round, x))) // Σ round(x)²
	fmt.Println(y.Scalar(), ad.Backward(y).Grad(x))
	// Output: 4 [0 4]
}

func ExampleNode_Detach() {
	var g ad.Graph
	x := g.ScalarVar("x", 3)
	y := ops.Mul(x, x.Detach()) // the second factor is a constant
	fmt.Println(ad.Backward(y).Scalar(x))
	// Output: 3
}

func ExampleGraph_DetectAnomalies() {
	var g ad.Graph
	g.DetectAnomalies(true)
	x := g.ScalarVar("x", 0)
	y := ops.Sqrt(x) // 0 is fine, but the derivative there is +Inf
	err := func() (err error) {
		defer func() { err, _ = recover().(*ad.AnomalyError) }()
		ad.Backward(y)
		return nil
	}()
	e := err.(*ad.AnomalyError)
	fmt.Println(e.Pass, "|", e.Op, "|", e.Value, "|", e.Inputs)
	// Output: backward | the bprop of sqrt for input 0 | +Inf | [x = 0 upstream gradient 1]
}

// Checkpointing a chain of 1000 steps in segments of 100: the graph keeps
// 11 nodes instead of 4001, and the gradient is the same.
func ExampleCheckpoint() {
	step := func(xs []ad.Node) ad.Node {
		x := xs[0]
		for range 100 {
			x = ops.Add(ops.Mul(ops.Sin(x), ops.Const(x, 0.9)), ops.Mul(x, ops.Const(x, 0.1)))
		}
		return x
	}
	var g ad.Graph
	x0 := g.ScalarVar("x0", 0.5)
	x := x0
	for range 10 {
		x = ad.Checkpoint(step, x)
	}
	fmt.Println(g.Len(), ad.Backward(x).Scalar(x0) > 0)
	// Output: 11 true
}

// Trace hands over each step of the backward pass: here the worked
// example, from the output back to the inputs.
func ExampleTrace() {
	var g ad.Graph
	u1 := g.ScalarVar("u1", 4)
	u2 := g.ScalarVar("u2", 2)
	u3 := ops.Add(u1, u2)
	u3.SetName("u3")
	u4 := ops.Square(u3)
	u4.SetName("u4")
	u5 := ops.Sin(u4)
	u5.SetName("u5")
	ad.Trace(u5, func(s ad.Step) {
		local := "(the bprop rule)"
		if s.Local.Valid() {
			local = fmt.Sprintf("%.4g", s.Local.Scalar())
		}
		fmt.Printf("%s ← %s: upstream %.4g, ∂%s/∂%s %s, contribution %.4g, G(%s) so far %.4g\n",
			s.V, s.C, s.Upstream.Scalar(), s.C, s.V, local, s.Contribution.Scalar(), s.V, s.Total.Scalar())
	}, u1, u2)
	// Output:
	// u4 ← u5: upstream 1, ∂u5/∂u4 -0.128, contribution -0.128, G(u4) so far -0.128
	// u3 ← u4: upstream -0.128, ∂u4/∂u3 12, contribution -1.536, G(u3) so far -1.536
	// u1 ← u3: upstream -1.536, ∂u3/∂u1 1, contribution -1.536, G(u1) so far -1.536
	// u2 ← u3: upstream -1.536, ∂u3/∂u2 1, contribution -1.536, G(u2) so far -1.536
}
