package main

import (
	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/functional"
	"github.com/seed812a03d2/backprop/nn"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/optim"
	"github.com/seed812a03d2/backprop/tensor"
)

// backprop: this repository, used as a user would, through ad, ops,
// functional, nn, optim and tensor.

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

// bpMLP is a training loop as a user writes it with the library's layers,
// loss and optimizer: the model built once, and each step a graph of the
// batch, nn.Backward and an SGD step. nn.Linear keeps PyTorch's [out in]
// weights, so the suite's [in out] weights are copied in transposed and
// the gradients transposed back for the checks.
type bpMLP struct {
	x      *tensor.Tensor
	labels *tensor.Index
	layers []*nn.Linear
	model  *nn.Sequence
	params []*nn.Param
	opt    optim.Optimizer
	g      ad.Graph
}

func newBPMLP(d *dataset) *bpMLP {
	m := &bpMLP{x: tensor.FromFloat32s(d.X, mlpBatch, mlpIn), labels: tensor.NewIndex(d.Labels, mlpBatch)}
	p := d.P.clone().list()
	sizes := [][2]int{{mlpIn, mlpHid}, {mlpHid, mlpHid}, {mlpHid, mlpOut}}
	rng := tensor.NewRand(0)
	var mods []nn.Module
	for i, sz := range sizes {
		l := nn.NewLinear(rng, tensor.Float32, sz[0], sz[1])
		copy(l.Weight.Value.Float32s(), transpose(p[2*i], sz[0], sz[1]))
		copy(l.Bias.Value.Float32s(), p[2*i+1])
		m.layers = append(m.layers, l)
		if i > 0 {
			mods = append(mods, nn.Func(ops.ReLU))
		}
		mods = append(mods, l)
	}
	m.model = nn.Sequential(mods...)
	m.params = nn.Trainable(m.model)
	m.opt = optim.NewSGD(m.params, optim.SGDConfig{LR: mlpLR})
	return m
}

// transpose returns the [c r] transpose of the row-major [r c] matrix a.
func transpose(a []float32, r, c int) []float32 {
	t := make([]float32, len(a))
	for i := range r {
		for j := range c {
			t[j*r+i] = a[i*c+j]
		}
	}
	return t
}

// step runs forward, backward and the SGD update, and returns the loss.
func (m *bpMLP) step() float64 {
	m.g.Reset()
	loss := nn.CrossEntropy(m.model.Forward(m.g.Const(m.x)), m.labels, nn.Mean)
	nn.Backward(loss, m.params)
	m.opt.Step()
	return loss.Value().Item()
}

// grads returns the gradients of the last step in the suite's layouts.
func (m *bpMLP) grads() [][]float32 {
	var out [][]float32
	for _, l := range m.layers {
		s := l.Weight.Value.Shape()
		out = append(out, transpose(l.Weight.Grad.Float32s(), s[0], s[1]), l.Bias.Grad.Float32s())
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
