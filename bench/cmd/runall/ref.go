package main

import (
	"fmt"
	"math"
)

// The float64 references every result is checked against, written plainly
// in Go, and the checks.

// check is what one system reports from one untimed run of a workload.
type check struct {
	Value float64     `json:"value"`           // du5/du1, dx/dx0 or the MLP's loss
	Grads [][]float64 `json:"grads,omitempty"` // MLP: each gradient at GradIdx
	C     []float64   `json:"c,omitempty"`     // GEMM: C at GemmIdx
	HV    []float64   `json:"hv,omitempty"`    // HVP: all of H·v
}

func refWorked() float64 {
	u3 := 4.0 + 2.0
	return math.Cos(u3*u3) * 2 * u3
}

// refChain is the hand-written adjoint of the chain in float64.
func refChain(xs []float64) float64 {
	x := chainX0
	for i := range chainSteps {
		xs[i] = x
		x = math.Sin(x)*0.9 + x*0.1
	}
	d := 1.0
	for i := chainSteps - 1; i >= 0; i-- {
		d *= math.Cos(xs[i])*0.9 + 0.1
	}
	return d
}

// refMLP computes the loss and all gradients of one step in float64 from
// the float32 data.
func refMLP(d *dataset) (loss float64, grads [][]float64) {
	X := to64(d.X)
	P := d.P
	W1, B1, W2, B2, W3, B3 := to64(P.W1), to64(P.B1), to64(P.W2), to64(P.B2), to64(P.W3), to64(P.B3)
	B := mlpBatch
	lin := func(x []float64, in int, w, b []float64, out int) []float64 {
		y := make([]float64, B*out)
		for i := range B {
			for k := range in {
				xv := x[i*in+k]
				if xv == 0 {
					continue
				}
				for j := range out {
					y[i*out+j] += xv * w[k*out+j]
				}
			}
			for j := range out {
				y[i*out+j] += b[j]
			}
		}
		return y
	}
	relu := func(x []float64) []float64 {
		y := make([]float64, len(x))
		for i, v := range x {
			y[i] = max(v, 0)
		}
		return y
	}
	z1 := lin(X, mlpIn, W1, B1, mlpHid)
	h1 := relu(z1)
	z2 := lin(h1, mlpHid, W2, B2, mlpHid)
	h2 := relu(z2)
	z3 := lin(h2, mlpHid, W3, B3, mlpOut)
	dz3 := make([]float64, len(z3))
	for i := range B {
		row := z3[i*mlpOut : (i+1)*mlpOut]
		m := math.Inf(-1)
		for _, v := range row {
			m = max(m, v)
		}
		var s float64
		for _, v := range row {
			s += math.Exp(v - m)
		}
		lse := m + math.Log(s)
		loss -= (row[d.Labels[i]] - lse) / float64(B)
		for j, v := range row {
			dz3[i*mlpOut+j] = math.Exp(v-lse) / float64(B)
		}
		dz3[i*mlpOut+d.Labels[i]] -= 1 / float64(B)
	}
	back := func(x []float64, in int, w []float64, out int, dz []float64) (dw, db, dx []float64) {
		dw, db, dx = make([]float64, in*out), make([]float64, out), make([]float64, B*in)
		for i := range B {
			for j := range out {
				g := dz[i*out+j]
				db[j] += g
				if g == 0 {
					continue
				}
				for k := range in {
					dw[k*out+j] += x[i*in+k] * g
					dx[i*in+k] += w[k*out+j] * g
				}
			}
		}
		return
	}
	dW3, dB3, dh2 := back(h2, mlpHid, W3, mlpOut, dz3)
	for i := range dh2 {
		if z2[i] <= 0 {
			dh2[i] = 0
		}
	}
	dW2, dB2, dh1 := back(h1, mlpHid, W2, mlpHid, dh2)
	for i := range dh1 {
		if z1[i] <= 0 {
			dh1[i] = 0
		}
	}
	dW1, dB1, _ := back(X, mlpIn, W1, mlpHid, dh1)
	return loss, [][]float64{dW1, dB1, dW2, dB2, dW3, dB3}
}

func refGemm(a, b []float64, n, idx int) (c, absSum float64) {
	i, j := idx/n, idx%n
	for k := range n {
		p := a[i*n+k] * b[k*n+j]
		c += p
		absSum += math.Abs(p)
	}
	return c, absSum
}

func refHVP(w, x, v []float64, n int) []float64 {
	s := make([]float64, n)
	for i := range n {
		var wx, wv float64
		row := w[i*n : (i+1)*n]
		for j, wij := range row {
			wx += wij * x[j]
			wv += wij * v[j]
		}
		t := math.Tanh(wx)
		s[i] = -2 * t * (1 - t*t) * wv
	}
	out := make([]float64, n)
	for i := range n {
		for j, wij := range w[i*n : (i+1)*n] {
			out[j] += wij * s[i]
		}
	}
	return out
}

// references holds the float64 references, computed once.
type references struct {
	worked, chain float64
	loss          float64
	grads         [][]float64 // full gradients
	gradScale     []float64   // max |gradient| of each parameter
	hv            []float64
}

func makeReferences(d *dataset) *references {
	r := &references{worked: refWorked(), chain: refChain(make([]float64, chainSteps))}
	r.loss, r.grads = refMLP(d)
	for _, g := range r.grads {
		var m float64
		for _, v := range g {
			m = max(m, math.Abs(v))
		}
		r.gradScale = append(r.gradScale, m)
	}
	r.hv = refHVP(d.HW, d.HX, d.HV, hvpN)
	return r
}

// Tolerances, relative: float64 scalars 1e-9 (the chain multiplies
// 250,000 factors, each with its own rounding and libm's sin and cos);
// the MLP in float32 1e-4 on the loss and 1e-3 of the largest entry of
// each gradient; GEMM 1e-5 (float32) or 1e-12 (float64) of Σ|a_ik·b_kj|;
// HVP 1e-10 of the largest entry.
func (r *references) verify(d *dataset, workload, dtype string, n int, c check) error {
	rel := func(got, want, tol float64) error {
		if !(math.Abs(got-want) <= tol*math.Max(math.Abs(want), 1e-300)) {
			return fmt.Errorf("got %.17g, float64 reference %.17g (relative tolerance %g)", got, want, tol)
		}
		return nil
	}
	switch workload {
	case "worked":
		return rel(c.Value, r.worked, 1e-9)
	case "chain":
		return rel(c.Value, r.chain, 1e-9)
	case "mlp":
		if err := rel(c.Value, r.loss, 1e-4); err != nil {
			return fmt.Errorf("loss: %v", err)
		}
		if len(c.Grads) != len(r.grads) {
			return fmt.Errorf("%d gradients reported, want %d", len(c.Grads), len(r.grads))
		}
		for p, idx := range d.GradIdx {
			if len(c.Grads[p]) != len(idx) {
				return fmt.Errorf("gradient of %s: %d entries reported, want %d", paramNames[p], len(c.Grads[p]), len(idx))
			}
			for k, i := range idx {
				got, want := c.Grads[p][k], r.grads[p][i]
				if !(math.Abs(got-want) <= 1e-3*r.gradScale[p]) {
					return fmt.Errorf("gradient of %s[%d] = %.9g, float64 reference %.9g (tolerance 1e-3 × %.3g)", paramNames[p], i, got, want, r.gradScale[p])
				}
			}
		}
		return nil
	case "gemm":
		a, b := d.A64[n], d.B64[n]
		tol := 1e-12
		if dtype == "float32" {
			a, b = to64(d.A32[n]), to64(d.B32[n])
			tol = 1e-5
		}
		if len(c.C) != len(d.GemmIdx[n]) {
			return fmt.Errorf("%d entries of C reported, want %d", len(c.C), len(d.GemmIdx[n]))
		}
		for k, idx := range d.GemmIdx[n] {
			want, scale := refGemm(a, b, n, idx)
			if !(math.Abs(c.C[k]-want) <= tol*scale) {
				return fmt.Errorf("C[%d,%d] = %.17g, float64 reference %.17g (tolerance %g × %.3g)", idx/n, idx%n, c.C[k], want, tol, scale)
			}
		}
		return nil
	case "hvp":
		if len(c.HV) != hvpN {
			return fmt.Errorf("%d entries of H·v reported, want %d", len(c.HV), hvpN)
		}
		var m float64
		for _, v := range r.hv {
			m = max(m, math.Abs(v))
		}
		for i, got := range c.HV {
			if !(math.Abs(got-r.hv[i]) <= 1e-10*m) {
				return fmt.Errorf("(H·v)[%d] = %.17g, float64 reference %.17g (tolerance 1e-10 × %.3g)", i, got, r.hv[i], m)
			}
		}
		return nil
	}
	return fmt.Errorf("unknown workload %q", workload)
}

// sampleGrads picks the checked entries out of full gradients.
func sampleGrads(d *dataset, full [][]float32) [][]float64 {
	out := make([][]float64, len(full))
	for p, idx := range d.GradIdx {
		for _, i := range idx {
			out[p] = append(out[p], float64(full[p][i]))
		}
	}
	return out
}

func sampleC32(d *dataset, n int, c []float32) []float64 {
	var out []float64
	for _, i := range d.GemmIdx[n] {
		out = append(out, float64(c[i]))
	}
	return out
}

func sampleC64(d *dataset, n int, c []float64) []float64 {
	var out []float64
	for _, i := range d.GemmIdx[n] {
		out = append(out, c[i])
	}
	return out
}
