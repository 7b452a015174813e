package main

import (
	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/functional"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// backprop: this repository, used as a user would, through ad, ops,
// functional and tensor.

func bpWorked(g *ad.Graph, t *ad.Table) float64 {
	u1 := g.ScalarVar("u1", 4)
	u2 := g.ScalarVar("u2", 2)
	u3 := ops.Add(u1, u2)
	u4 := ops.Mul(u3, u3)
	u5 := ops.Sin(u4)
	if t != nil {
		ad.BackwardInto(t, u5, nil)
		return t.Scalar(u1)
	}
	return ad.Backward(u5).Scalar(u1)
}

func bpChain(g *ad.Graph, t *ad.Table) float64 {
	x0 := g.ScalarVar("x0", chainX0)
	a, b := g.ScalarConst(0.9), g.ScalarConst(0.1)
	x := x0
	for range chainSteps {
		x = ops.Add(ops.Mul(ops.Sin(x), a), ops.Mul(x, b))
	}
	if t != nil {
		ad.BackwardInto(t, x, nil)
		return t.Scalar(x0)
	}
	return ad.Backward(x).Scalar(x0)
}

// bpMLP is a training loop's state: parameters as tensors, updated in
// place, and a graph and gradient table reused from step to step.
type bpMLP struct {
	x, y   *tensor.Tensor
	params []*tensor.Tensor
	g      ad.Graph
	t      ad.Table
	nodes  []ad.Node
}

func newBPMLP(d *dataset) *bpMLP {
	m := &bpMLP{x: tensor.FromFloat32s(d.X, mlpBatch, mlpIn), y: tensor.FromFloat32s(d.Y, mlpBatch, mlpOut)}
	for i, p := range d.P.clone().list() {
		m.params = append(m.params, tensor.FromFloat32s(p, paramShapes[i]...))
	}
	m.nodes = make([]ad.Node, len(m.params))
	return m
}

// step runs forward, backward and the SGD update, and returns the loss.
func (m *bpMLP) step() float64 {
	g := &m.g
	g.Reset()
	for i, p := range m.params {
		m.nodes[i] = g.Var(paramNames[i], p)
	}
	W1, B1, W2, B2, W3, B3 := m.nodes[0], m.nodes[1], m.nodes[2], m.nodes[3], m.nodes[4], m.nodes[5]
	x, y := g.Const(m.x), g.Const(m.y)
	h1 := ops.ReLU(ops.Add(ops.MatMul(x, W1), B1))
	h2 := ops.ReLU(ops.Add(ops.MatMul(h1, W2), B2))
	logits := ops.Add(ops.MatMul(h2, W3), B3)
	loss := ops.Mul(ops.Sum(ops.Mul(y, ops.LogSoftmax(logits, 1))), ops.Const(logits, -1.0/mlpBatch))
	ad.BackwardInto(&m.t, loss, nil, m.nodes...)
	for i, p := range m.params {
		w, gr := p.Float32s(), m.t.Grad(m.nodes[i]).Float32s()
		for j := range w {
			w[j] -= mlpLR * gr[j]
		}
	}
	return loss.Value().Item()
}

func (m *bpMLP) grads() [][]float32 {
	var out [][]float32
	for _, n := range m.nodes {
		out = append(out, m.t.Grad(n).Float32s())
	}
	return out
}

func bpHVP(g *ad.Graph, w, x, v *tensor.Tensor) []float64 {
	g.Reset()
	wn := g.Const(w)
	f := func(x ad.Node) ad.Node { return ops.Sum(ops.Tanh(ops.MatMul(wn, x))) }
	return functional.HVP(f, g.Var("x", x), g.Const(v)).Value().Float64s()
}

func runBackprop(s *suite) {
	const sys = "backprop"
	// 1. Worked example.
	s.add("worked", "", sys+" (Backward, fresh graph)", 1, func() check {
		var g ad.Graph
		return check{Value: bpWorked(&g, nil)}
	}, func() { var g ad.Graph; bpWorked(&g, nil) })
	{
		var g ad.Graph
		var t ad.Table
		f := func() float64 { g.Reset(); return bpWorked(&g, &t) }
		s.add("worked", "", sys+" (BackwardInto, graph and table reused)", 1, func() check { return check{Value: f()} }, func() { f() })
	}
	// 2. Chain.
	s.add("chain", "", sys+" (Backward, fresh graph)", 1, func() check {
		var g ad.Graph
		return check{Value: bpChain(&g, nil)}
	}, func() { var g ad.Graph; bpChain(&g, nil) })
	{
		var g ad.Graph
		var t ad.Table
		f := func() float64 { g.Reset(); return bpChain(&g, &t) }
		s.add("chain", "", sys+" (BackwardInto, graph and table reused)", 1, func() check { return check{Value: f()} }, func() { f() })
	}
	// 3. MLP.
	for _, th := range threadCounts {
		s.add("mlp", threadCase(th), sys, th, func() check {
			m := newBPMLP(s.d)
			loss := m.step()
			return check{Value: loss, Grads: sampleGrads(s.d, m.grads())}
		}, func() func() {
			m := newBPMLP(s.d)
			return func() { m.step() }
		}())
	}
	// 4. GEMM.
	for _, n := range gemmSizes {
		a32, b32 := tensor.FromFloat32s(s.d.A32[n], n, n), tensor.FromFloat32s(s.d.B32[n], n, n)
		a64, b64 := tensor.FromFloat64s(s.d.A64[n], n, n), tensor.FromFloat64s(s.d.B64[n], n, n)
		for _, th := range threadCounts {
			s.add("gemm", gemmCase(n, "float32", th), sys+" (tensor.MatMul)", th, func() check {
				return check{C: sampleC32(s.d, n, tensor.MatMul(a32, b32).Float32s())}
			}, func() { tensor.MatMul(a32, b32) })
			s.add("gemm", gemmCase(n, "float64", th), sys+" (tensor.MatMul)", th, func() check {
				return check{C: sampleC64(s.d, n, tensor.MatMul(a64, b64).Float64s())}
			}, func() { tensor.MatMul(a64, b64) })
		}
	}
	// 5. HVP.
	{
		w := tensor.FromFloat64s(s.d.HW, hvpN, hvpN)
		x := tensor.FromFloat64s(s.d.HX, hvpN, 1)
		v := tensor.FromFloat64s(s.d.HV, hvpN, 1)
		var g ad.Graph
		s.add("hvp", "", sys+" (functional.HVP, graph reused)", 1, func() check {
			return check{HV: append([]float64(nil), bpHVP(&g, w, x, v)...)}
		}, func() { bpHVP(&g, w, x, v) })
	}
}
