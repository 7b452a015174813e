package main

import (
	"fmt"
	"runtime"
	"time"

	G "gorgonia.org/gorgonia"
	T "gorgonia.org/tensor"
)

// Gorgonia v0.9.18: a graph built once (define-then-run), run by its tape
// machine, parameters updated by its VanillaSolver. Its matrix products
// call gonum's BLAS.

func must(n *G.Node, err error) *G.Node {
	if err != nil {
		panic(err)
	}
	return n
}

func gorgoniaWorked() float64 {
	g := G.NewGraph()
	u1 := G.NewScalar(g, T.Float64, G.WithName("u1"), G.WithValue(4.0))
	u2 := G.NewScalar(g, T.Float64, G.WithName("u2"), G.WithValue(2.0))
	u3 := must(G.Add(u1, u2))
	u4 := must(G.Mul(u3, u3))
	u5 := must(G.Sin(u4))
	if _, err := G.Grad(u5, u1); err != nil {
		panic(err)
	}
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		panic(err)
	}
	gr, err := u1.Grad()
	if err != nil {
		panic(err)
	}
	return gr.Data().(float64)
}

// gorgoniaChain builds, evaluates and differentiates a chain of steps
// steps on a fresh graph.
func gorgoniaChain(steps int) float64 {
	g := G.NewGraph()
	x0 := G.NewScalar(g, T.Float64, G.WithName("x0"), G.WithValue(chainX0))
	a, b := G.NewConstant(0.9), G.NewConstant(0.1)
	x := x0
	for range steps {
		x = must(G.Add(must(G.Mul(must(G.Sin(x)), a)), must(G.Mul(x, b))))
	}
	if _, err := G.Grad(x, x0); err != nil {
		panic(err)
	}
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		panic(err)
	}
	gr, err := x0.Grad()
	if err != nil {
		panic(err)
	}
	return gr.Data().(float64)
}

type gorgoniaMLP struct {
	vm     G.VM
	solver G.Solver
	params G.Nodes
	loss   *G.Node
}

func newGorgoniaMLP(d *dataset) *gorgoniaMLP {
	g := G.NewGraph()
	dense := func(data []float32, shape ...int) *T.Dense {
		return T.New(T.WithShape(shape...), T.WithBacking(append([]float32(nil), data...)))
	}
	x := G.NewMatrix(g, T.Float32, G.WithShape(mlpBatch, mlpIn), G.WithName("x"), G.WithValue(dense(d.X, mlpBatch, mlpIn)))
	y := G.NewMatrix(g, T.Float32, G.WithShape(mlpBatch, mlpOut), G.WithName("y"), G.WithValue(dense(d.Y, mlpBatch, mlpOut)))
	m := &gorgoniaMLP{}
	for i, p := range d.P.list() {
		shape := paramShapes[i]
		if len(shape) == 1 {
			shape = []int{1, shape[0]} // a row, broadcast over the batch
		}
		m.params = append(m.params, G.NewMatrix(g, T.Float32, G.WithShape(shape...), G.WithName(paramNames[i]), G.WithValue(dense(p, shape...))))
	}
	p := m.params
	layer := func(h, w, b *G.Node) *G.Node { return must(G.BroadcastAdd(must(G.Mul(h, w)), b, nil, []byte{0})) }
	h1 := must(G.Rectify(layer(x, p[0], p[1])))
	h2 := must(G.Rectify(layer(h1, p[2], p[3])))
	logits := layer(h2, p[4], p[5])
	sum := must(G.Sum(must(G.HadamardProd(y, must(G.LogSoftMax(logits))))))
	m.loss = must(G.Mul(sum, G.NewConstant(float32(-1.0/mlpBatch))))
	if _, err := G.Grad(m.loss, m.params...); err != nil {
		panic(err)
	}
	m.vm = G.NewTapeMachine(g, G.BindDualValues(m.params...))
	m.solver = G.NewVanillaSolver(G.WithLearnRate(mlpLR))
	return m
}

// run runs forward and backward; step adds the SGD update.
func (m *gorgoniaMLP) run() float64 {
	m.vm.Reset()
	if err := m.vm.RunAll(); err != nil {
		panic(err)
	}
	return float64(m.loss.Value().Data().(float32))
}

func (m *gorgoniaMLP) step() {
	m.run()
	if err := m.solver.Step(G.NodesToValueGrads(m.params)); err != nil {
		panic(err)
	}
}

func (m *gorgoniaMLP) grads() [][]float32 {
	var out [][]float32
	for _, p := range m.params {
		gr, err := p.Grad()
		if err != nil {
			panic(err)
		}
		out = append(out, append([]float32(nil), gr.Data().([]float32)...))
	}
	return out
}

func runGorgonia(s *suite) {
	const sys = "Gorgonia"
	s.add("worked", "", sys+" (build, compile, run)", 1, func() check { return check{Value: gorgoniaWorked()} }, func() { gorgoniaWorked() })
	if s.wants("chain") {
		// Probe on 2,000 operations first: the whole chain runs only if it
		// would take under 15 s a call.
		const probeSteps = 500
		prev := setProcs(1)
		t0 := time.Now()
		err := catch(func() { gorgoniaChain(probeSteps) })
		perOp := time.Since(t0).Seconds() / (4 * probeSteps)
		setProcs(prev)
		switch {
		case err != nil:
			s.notes = append(s.notes, fmt.Sprintf("Gorgonia, scalar chain: fails on a %d-operation chain: %v", 4*probeSteps, err))
		case perOp*4*chainSteps > 15:
			s.notes = append(s.notes, fmt.Sprintf("Gorgonia, scalar chain of 1M operations: not run. A %s-operation chain took %.1f µs per operation to build, differentiate symbolically, compile and run, so one call at 1M operations would take at least %.0f s (the cost per operation grows with the graph: while this suite was written, a 10,000-operation chain took about 1 ms per operation), too long for this suite's 10 minutes.", "2,000", perOp*1e6, perOp*4*chainSteps))
		default:
			s.add("chain", "", sys+" (build, compile, run)", 1, func() check { return check{Value: gorgoniaChain(chainSteps)} }, func() { gorgoniaChain(chainSteps) })
		}
	}
	for _, th := range threadCounts {
		s.add("mlp", threadCase(th), sys+" (TapeMachine, VanillaSolver)", th, func() check {
			m := newGorgoniaMLP(s.d)
			loss := m.run()
			return check{Value: loss, Grads: sampleGrads(s.d, m.grads())}
		}, func() func() {
			var m *gorgoniaMLP
			return func() {
				if m == nil {
					m = newGorgoniaMLP(s.d)
				}
				m.step()
			}
		}())
	}
	for _, n := range gemmSizes {
		a32 := T.New(T.WithShape(n, n), T.WithBacking(s.d.A32[n]))
		b32 := T.New(T.WithShape(n, n), T.WithBacking(s.d.B32[n]))
		a64 := T.New(T.WithShape(n, n), T.WithBacking(s.d.A64[n]))
		b64 := T.New(T.WithShape(n, n), T.WithBacking(s.d.B64[n]))
		mm := func(a, b *T.Dense) *T.Dense {
			c, err := T.MatMul(a, b)
			if err != nil {
				panic(err)
			}
			return c.(*T.Dense)
		}
		for _, th := range threadCounts {
			s.add("gemm", gemmCase(n, "float32", th), sys+" (tensor.MatMul)", th, func() check {
				return check{C: sampleC32(s.d, n, mm(a32, b32).Data().([]float32))}
			}, func() { mm(a32, b32) })
			s.add("gemm", gemmCase(n, "float64", th), sys+" (tensor.MatMul)", th, func() check {
				return check{C: sampleC64(s.d, n, mm(a64, b64).Data().([]float64))}
			}, func() { mm(a64, b64) })
		}
	}
	if s.wants("hvp") {
		if f, err := gorgoniaHVP(s.d); err != nil {
			s.notes = append(s.notes, fmt.Sprintf("Gorgonia, Hessian-vector product: cannot differentiate its own gradient graph: %v", err))
		} else if err := s.ref.verify(s.d, "hvp", "float64", 0, check{HV: f()}); err != nil {
			// Grad called on a function of x's gradient returns the node it
			// already holds for x's derivative: the first gradient, ∇f.
			s.notes = append(s.notes, fmt.Sprintf("Gorgonia, Hessian-vector product: not supported. Calling Grad on ⟨∇f, v⟩ with respect to x builds and runs without error but returns ∇f itself (x keeps the one derivative node of the first Grad), so the check fails: %v", err))
		} else {
			s.add("hvp", "", sys+" (gradient of gradient, graph built once)", 1, func() check {
				return check{HV: append([]float64(nil), f()...)}
			}, func() { f() })
		}
	}
}

func setProcs(n int) int { return runtime.GOMAXPROCS(n) }

// gorgoniaHVP builds f(x) = Σ tanh(W·x), its symbolic gradient, and the
// gradient of ⟨∇f, v⟩, and returns a function that runs it.
func gorgoniaHVP(d *dataset) (func() []float64, error) {
	g := G.NewGraph()
	w := G.NewMatrix(g, T.Float64, G.WithShape(hvpN, hvpN), G.WithName("W"), G.WithValue(T.New(T.WithShape(hvpN, hvpN), T.WithBacking(d.HW))))
	x := G.NewMatrix(g, T.Float64, G.WithShape(hvpN, 1), G.WithName("x"), G.WithValue(T.New(T.WithShape(hvpN, 1), T.WithBacking(append([]float64(nil), d.HX...)))))
	v := G.NewMatrix(g, T.Float64, G.WithShape(hvpN, 1), G.WithName("v"), G.WithValue(T.New(T.WithShape(hvpN, 1), T.WithBacking(d.HV))))
	var hv *G.Node
	err := catch(func() {
		f := must(G.Sum(must(G.Tanh(must(G.Mul(w, x))))))
		gx, err := G.Grad(f, x)
		if err != nil {
			panic(err)
		}
		h := must(G.Sum(must(G.HadamardProd(gx[0], v))))
		hx, err := G.Grad(h, x)
		if err != nil {
			panic(err)
		}
		hv = hx[0]
	})
	if err != nil {
		return nil, err
	}
	vm := G.NewTapeMachine(g)
	return func() []float64 {
		vm.Reset()
		if err := vm.RunAll(); err != nil {
			panic(err)
		}
		return hv.Value().Data().([]float64)
	}, nil
}
