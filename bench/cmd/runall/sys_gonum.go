package main

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
)

// Hand-written Go: the limit. The derivatives are written by hand, the
// matrix products call gonum's BLAS (its pure-Go Gemm, which runs on
// GOMAXPROCS goroutines), buffers are allocated once.

func handWorked() float64 {
	u1, u2 := 4.0, 2.0
	u3 := u1 + u2
	u4 := u3 * u3
	return math.Cos(u4) * 2 * u3
}

// handMLP is the MLP step with all buffers allocated once.
type handMLP struct {
	d             *dataset
	p             *mlpParams
	z1, z2, z3    []float32 // pre-activations, then activations in place for z1, z2
	dz3, dh2, dh1 []float32
	dW1, dW2, dW3 []float32
	dB1, dB2, dB3 []float32
}

func newHandMLP(d *dataset) *handMLP {
	B := mlpBatch
	return &handMLP{
		d: d, p: d.P.clone(),
		z1: make([]float32, B*mlpHid), z2: make([]float32, B*mlpHid), z3: make([]float32, B*mlpOut),
		dz3: make([]float32, B*mlpOut), dh2: make([]float32, B*mlpHid), dh1: make([]float32, B*mlpHid),
		dW1: make([]float32, mlpIn*mlpHid), dW2: make([]float32, mlpHid*mlpHid), dW3: make([]float32, mlpHid*mlpOut),
		dB1: make([]float32, mlpHid), dB2: make([]float32, mlpHid), dB3: make([]float32, mlpOut),
	}
}

func gm(rows, cols int, data []float32) blas32.General {
	return blas32.General{Rows: rows, Cols: cols, Stride: cols, Data: data}
}

// linear32 sets z = x·w + b.
func linear32(z []float32, x blas32.General, w []float32, b []float32, out int) {
	for i := range x.Rows {
		copy(z[i*out:(i+1)*out], b)
	}
	blas32.Gemm(blas.NoTrans, blas.NoTrans, 1, x, gm(x.Cols, out, w), 1, gm(x.Rows, out, z))
}

func reluInPlace(z []float32) {
	for i, v := range z {
		if v < 0 {
			z[i] = 0
		}
	}
}

func colSum(db, dz []float32, cols int) {
	clear(db)
	for i := 0; i < len(dz); i += cols {
		for j, v := range dz[i : i+cols] {
			db[j] += v
		}
	}
}

func (m *handMLP) step() float64 {
	B := mlpBatch
	p := m.p
	X := gm(B, mlpIn, m.d.X)
	linear32(m.z1, X, p.W1, p.B1, mlpHid)
	reluInPlace(m.z1)
	H1 := gm(B, mlpHid, m.z1)
	linear32(m.z2, H1, p.W2, p.B2, mlpHid)
	reluInPlace(m.z2)
	H2 := gm(B, mlpHid, m.z2)
	linear32(m.z3, H2, p.W3, p.B3, mlpOut)
	var loss float64
	for i := range B {
		row := m.z3[i*mlpOut : (i+1)*mlpOut]
		mx := row[0]
		for _, v := range row {
			mx = max(mx, v)
		}
		var s float32
		for _, v := range row {
			s += float32(math.Exp(float64(v - mx)))
		}
		lse := mx + float32(math.Log(float64(s)))
		l := m.d.Labels[i]
		loss -= float64(row[l] - lse)
		for j, v := range row {
			m.dz3[i*mlpOut+j] = float32(math.Exp(float64(v-lse))) / float32(B)
		}
		m.dz3[i*mlpOut+l] -= 1 / float32(B)
	}
	loss /= float64(B)
	// Layer 3.
	dZ3 := gm(B, mlpOut, m.dz3)
	blas32.Gemm(blas.Trans, blas.NoTrans, 1, H2, dZ3, 0, gm(mlpHid, mlpOut, m.dW3))
	colSum(m.dB3, m.dz3, mlpOut)
	blas32.Gemm(blas.NoTrans, blas.Trans, 1, dZ3, gm(mlpHid, mlpOut, p.W3), 0, gm(B, mlpHid, m.dh2))
	for i, h := range m.z2 {
		if h <= 0 {
			m.dh2[i] = 0
		}
	}
	// Layer 2.
	dH2 := gm(B, mlpHid, m.dh2)
	blas32.Gemm(blas.Trans, blas.NoTrans, 1, H1, dH2, 0, gm(mlpHid, mlpHid, m.dW2))
	colSum(m.dB2, m.dh2, mlpHid)
	blas32.Gemm(blas.NoTrans, blas.Trans, 1, dH2, gm(mlpHid, mlpHid, p.W2), 0, gm(B, mlpHid, m.dh1))
	for i, h := range m.z1 {
		if h <= 0 {
			m.dh1[i] = 0
		}
	}
	// Layer 1: no gradient for the input.
	blas32.Gemm(blas.Trans, blas.NoTrans, 1, X, gm(B, mlpHid, m.dh1), 0, gm(mlpIn, mlpHid, m.dW1))
	colSum(m.dB1, m.dh1, mlpHid)
	// SGD.
	for i, g := range m.grads() {
		blas32.Implementation().Saxpy(len(g), -mlpLR, g, 1, p.list()[i], 1)
	}
	return loss
}

func (m *handMLP) grads() [][]float32 {
	return [][]float32{m.dW1, m.dB1, m.dW2, m.dB2, m.dW3, m.dB3}
}

// handHVP is H·v = Wᵀ·(-2·t·(1 - t²) ⊙ W·v), t = tanh(W·x), with gonum's
// Gemv.
type handHVP struct {
	w             blas64.General
	x, v          blas64.Vector
	wx, wv, s, hv blas64.Vector
}

func newHandHVP(d *dataset) *handHVP {
	vec := func(data []float64) blas64.Vector { return blas64.Vector{N: len(data), Inc: 1, Data: data} }
	return &handHVP{
		w: blas64.General{Rows: hvpN, Cols: hvpN, Stride: hvpN, Data: d.HW},
		x: vec(d.HX), v: vec(d.HV),
		wx: vec(make([]float64, hvpN)), wv: vec(make([]float64, hvpN)),
		s: vec(make([]float64, hvpN)), hv: vec(make([]float64, hvpN)),
	}
}

func (h *handHVP) run() []float64 {
	blas64.Gemv(blas.NoTrans, 1, h.w, h.x, 0, h.wx)
	blas64.Gemv(blas.NoTrans, 1, h.w, h.v, 0, h.wv)
	for i, a := range h.wx.Data {
		t := math.Tanh(a)
		h.s.Data[i] = -2 * t * (1 - t*t) * h.wv.Data[i]
	}
	blas64.Gemv(blas.Trans, 1, h.w, h.s, 0, h.hv)
	return h.hv.Data
}

func runHand(s *suite) {
	const sys = "hand-written Go (gonum BLAS)"
	s.add("worked", "", "hand-written Go", 1, func() check { return check{Value: handWorked()} }, func() { sinkF = handWorked() })
	xs := make([]float64, chainSteps)
	s.add("chain", "", "hand-written Go (adjoint)", 1, func() check { return check{Value: refChain(xs)} }, func() { sinkF = refChain(xs) })
	for _, th := range threadCounts {
		s.add("mlp", threadCase(th), sys, th, func() check {
			m := newHandMLP(s.d)
			loss := m.step()
			return check{Value: loss, Grads: sampleGrads(s.d, m.grads())}
		}, func() func() {
			m := newHandMLP(s.d)
			return func() { m.step() }
		}())
	}
	for _, n := range gemmSizes {
		c32 := make([]float32, n*n)
		c64 := make([]float64, n*n)
		g32 := func() {
			blas32.Gemm(blas.NoTrans, blas.NoTrans, 1, gm(n, n, s.d.A32[n]), gm(n, n, s.d.B32[n]), 0, gm(n, n, c32))
		}
		g64 := func() {
			m := func(d []float64) blas64.General { return blas64.General{Rows: n, Cols: n, Stride: n, Data: d} }
			blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, m(s.d.A64[n]), m(s.d.B64[n]), 0, m(c64))
		}
		for _, th := range threadCounts {
			s.add("gemm", gemmCase(n, "float32", th), "gonum (blas32.Gemm)", th, func() check { g32(); return check{C: sampleC32(s.d, n, c32)} }, g32)
			s.add("gemm", gemmCase(n, "float64", th), "gonum (blas64.Gemm)", th, func() check { g64(); return check{C: sampleC64(s.d, n, c64)} }, g64)
		}
	}
	h := newHandHVP(s.d)
	s.add("hvp", "", "hand-written Go (gonum Gemv)", 1, func() check {
		return check{HV: append([]float64(nil), h.run()...)}
	}, func() { h.run() })
}

var sinkF float64
