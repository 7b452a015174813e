package explain_test

import (
	"fmt"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/explain"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// The worked example, built in Go: the rows are the engine's trace.
func Example() {
	var g ad.Graph
	u1, u2 := g.ScalarVar("u1", 4), g.ScalarVar("u2", 2)
	u3 := ops.Add(u1, u2)
	u4 := ops.Square(u3)
	u5 := ops.Sin(u4)
	u3.SetName("u3")
	u4.SetName("u4")
	u5.SetName("u5")
	e := explain.Backward(explain.Graph{Of: u5, Wrt: []ad.Node{u1}}, explain.Options{})
	for _, r := range e.Rows {
		fmt.Printf("%s ← %s: %s, %s\n", r.V, r.C, r.Local, r.G)
	}
	a := e.Inputs[0]
	fmt.Printf("∂%s/∂%s = %s = %s\n", e.Of, a.Wrt, a.Expr, explain.Number(a.Value))
	// Output:
	// u4 ← u5: cos(u4), cos(36)
	// u3 ← u4: 2·u3, 12·cos(36)
	// u1 ← u3: 1, 12·cos(36)
	// ∂u5/∂u1 = 12·cos(36) = -1.535564275528856
}

func withValue(expr string, v float64, t *explain.Tensor) string {
	if t == nil {
		return expr + " = " + explain.Number(v)
	}
	return expr + " = " + t.String()
}

// One training step of a two-layer network, y = W2·tanh(W1·x + b1) + b2
// with a squared-error loss: the forward pass, the complete calculation
// table, and the gradient of every parameter. The numbers are
// Matt Mazur's step-by-step example (inputs 0.05 and 0.10), with tanh for
// the hidden layer and a linear output.
func Example_network() {
	var g ad.Graph
	m := func(name string, v []float64, shape ...int) ad.Node {
		return g.Var(name, tensor.FromFloat64s(v, shape...))
	}
	x := g.Const(tensor.FromFloat64s([]float64{0.05, 0.10}, 2, 1))
	target := g.Const(tensor.FromFloat64s([]float64{0.01, 0.99}, 2, 1))
	x.SetName("x")
	target.SetName("t")
	W1 := m("W1", []float64{0.15, 0.20, 0.25, 0.30}, 2, 2)
	b1 := m("b1", []float64{0.35, 0.35}, 2, 1)
	W2 := m("W2", []float64{0.40, 0.45, 0.50, 0.55}, 2, 2)
	b2 := m("b2", []float64{0.60, 0.60}, 2, 1)
	a1 := ops.Add(ops.MatMul(W1, x), b1)
	h := ops.Tanh(a1)
	y := ops.Add(ops.MatMul(W2, h), b2)
	loss := ops.Sum(ops.Square(ops.Sub(y, target)))
	for n, name := range map[ad.Node]string{a1: "a1", h: "h", y: "y", loss: "loss"} {
		n.SetName(name)
	}
	e := explain.Backward(explain.Graph{Of: loss, Wrt: []ad.Node{W1, b1, W2, b2}}, explain.Options{})
	fmt.Println("Forward pass")
	for _, r := range e.Forward {
		fmt.Printf("  %s\n", withValue(r.Name+" = "+r.Op, r.Value, r.Tensor))
	}
	fmt.Println("Complete calculation")
	for _, r := range e.Rows {
		local := r.Local
		if local == "" {
			local = "(the bprop rule)"
		}
		fmt.Printf("  %s ← %s: ∂C/∂V %s; %s\n", r.V, r.C, local, withValue(r.Contribution, r.ContribValue, r.ContribTensor))
	}
	for _, a := range e.Inputs {
		fmt.Printf("∂%s/∂%s = %s\n", e.Of, a.Wrt, a.Tensor)
	}
	// Output:
	// Forward pass
	//   W1 = input = [[0.15, 0.2], [0.25, 0.3]]
	//   b1 = input = [[0.35], [0.35]]
	//   W2 = input = [[0.4, 0.45], [0.5, 0.55]]
	//   b2 = input = [[0.6], [0.6]]
	//   W1 @ x = W1 @ x = [[0.027500000000000004], [0.042499999999999996]]
	//   a1 = W1 @ x + b1 = [[0.3775], [0.39249999999999996]]
	//   h = tanh(a1) = [[0.3605343933972969], [0.3735134532878035]]
	//   W2 @ h = W2 @ h = [[0.3122948113384304], [0.38569959600694037]]
	//   y = W2 @ h + b2 = [[0.9122948113384304], [0.9856995960069403]]
	//   y - t = y - t = [[0.9022948113384304], [-0.004300403993059643]]
	//   (y - t)^2 = (y - t)^2 = [[0.8141359265682536], [1.849347450352332e-05]]
	//   loss = sum((y - t)^2) = 0.8141544200427572
	// Complete calculation
	//   (y - t)^2 ← loss: ∂C/∂V (the bprop rule); broadcast(1, [2 1]) = [[1], [1]]
	//   y - t ← (y - t)^2: ∂C/∂V 2·(y - t); 2·(y - t) ⊙ G[(y - t)^2] = [[1.8045896226768607], [-0.008600807986119285]]
	//   y ← y - t: ∂C/∂V 1; G[y - t] = [[1.8045896226768607], [-0.008600807986119285]]
	//   W2 @ h ← y: ∂C/∂V 1; G[y] = [[1.8045896226768607], [-0.008600807986119285]]
	//   h ← W2 @ h: ∂C/∂V (the bprop rule); W2ᵀ·G[W2 @ h] = [[0.7175354450776847], [0.8073348858122218]]
	//   a1 ← h: ∂C/∂V 1 - h^2; (1 - h^2) ⊙ G[h] = [[0.6242665652174904], [0.6947017391942997]]
	//   W1 @ x ← a1: ∂C/∂V 1; G[a1] = [[0.6242665652174904], [0.6947017391942997]]
	//   b2 ← y: ∂C/∂V 1; G[y] = [[1.8045896226768607], [-0.008600807986119285]]
	//   W2 ← W2 @ h: ∂C/∂V (the bprop rule); G[W2 @ h]·hᵀ = [[0.6506166249428589, 0.6740385017333685], [-0.0031008870900021434, -0.003212517491960733]]
	//   b1 ← a1: ∂C/∂V 1; G[a1] = [[0.6242665652174904], [0.6947017391942997]]
	//   W1 ← W1 @ x: ∂C/∂V (the bprop rule); G[W1 @ x]·xᵀ = [[0.03121332826087452, 0.06242665652174904], [0.034735086959714986, 0.06947017391942997]]
	// ∂loss/∂W1 = [[0.03121332826087452, 0.06242665652174904], [0.034735086959714986, 0.06947017391942997]]
	// ∂loss/∂b1 = [[0.6242665652174904], [0.6947017391942997]]
	// ∂loss/∂W2 = [[0.6506166249428589, 0.6740385017333685], [-0.0031008870900021434, -0.003212517491960733]]
	// ∂loss/∂b2 = [[1.8045896226768607], [-0.008600807986119285]]
}
