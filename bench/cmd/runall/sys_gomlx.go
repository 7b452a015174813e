package main

import (
	"fmt"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // GoMLX's graph package is written for dot import
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// GoMLX with its pure-Go backend (simplego). A GoMLX program is a graph
// built and compiled once per input shapes (graph.Exec caches it); the
// timed call executes the compiled graph on tensors passed in each call.

func gomlxBackend(threads int) backends.Backend {
	b, err := simplego.New(fmt.Sprintf("parallelism=%d", threads))
	if err != nil {
		panic(err)
	}
	return b
}

func flat32(t *tensors.Tensor) []float32 { return tensors.MustCopyFlatData[float32](t) }
func flat64(t *tensors.Tensor) []float64 { return tensors.MustCopyFlatData[float64](t) }

func finalize(ts []*tensors.Tensor) {
	for _, t := range ts {
		t.FinalizeAll()
	}
}

// gomlxMLPGraph returns the loss and the gradients of the MLP for inputs
// x, y (one-hot), W1, b1, W2, b2, W3, b3.
func gomlxMLPGraph(in []*Node) (loss *Node, grads []*Node) {
	x, y, p := in[0], in[1], in[2:]
	layer := func(h, w, b *Node) *Node { return Add(MatMul(h, w), InsertAxes(b, 0)) }
	h1 := MaxScalar(layer(x, p[0], p[1]), 0)
	h2 := MaxScalar(layer(h1, p[2], p[3]), 0)
	logits := layer(h2, p[4], p[5])
	loss = MulScalar(ReduceAllSum(Mul(y, LogSoftmax(logits, -1))), -1.0/mlpBatch)
	return loss, Gradient(loss, p...)
}

func runGoMLX(s *suite) {
	const sys = "GoMLX (simplego)"
	defer func() {
		if r := recover(); r != nil {
			s.notes = append(s.notes, fmt.Sprintf("GoMLX: stopped by a panic outside a measurement: %v", r))
		}
	}()
	backs := map[int]backends.Backend{}
	for _, th := range threadCounts {
		backs[th] = gomlxBackend(th)
	}
	// 1. The worked example: built and compiled once; the call executes it.
	if s.wants("worked") {
		e := MustNewExec(backs[1], func(u1, u2 *Node) *Node {
			u3 := Add(u1, u2)
			u5 := Sin(Mul(u3, u3))
			return Gradient(u5, u1)[0]
		})
		u1, u2 := tensors.FromScalar(4.0), tensors.FromScalar(2.0)
		call := func() float64 {
			t := e.MustExec1(u1, u2)
			v := t.Value().(float64)
			t.FinalizeAll()
			return v
		}
		s.add("worked", "", sys+" (compiled once; the call executes)", 1, func() check { return check{Value: call()} }, func() { call() })
	}
	// 3. MLP: one compiled graph returns the loss and the updated parameters.
	for _, th := range threadCounts {
		if !s.wants("mlp") {
			break
		}
		b := backs[th]
		stepExec := MustNewExec(b, func(in []*Node) []*Node {
			loss, grads := gomlxMLPGraph(in)
			out := []*Node{loss}
			for i, p := range in[2:] {
				out = append(out, Sub(p, MulScalar(grads[i], mlpLR)))
			}
			return out
		})
		gradExec := MustNewExec(b, func(in []*Node) []*Node {
			loss, grads := gomlxMLPGraph(in)
			return append([]*Node{loss}, grads...)
		})
		x := tensors.FromFlatDataAndDimensions(s.d.X, mlpBatch, mlpIn)
		y := tensors.FromFlatDataAndDimensions(s.d.Y, mlpBatch, mlpOut)
		params := func() []any {
			args := []any{x, y}
			for i, p := range s.d.P.clone().list() {
				args = append(args, tensors.FromFlatDataAndDimensions(p, paramShapes[i]...))
			}
			return args
		}
		state := params()
		s.add("mlp", threadCase(th), sys, th, func() check {
			out := gradExec.MustExec(params()...)
			defer finalize(out)
			var gs [][]float32
			for _, t := range out[1:] {
				gs = append(gs, flat32(t))
			}
			return check{Value: float64(out[0].Value().(float32)), Grads: sampleGrads(s.d, gs)}
		}, func() {
			out := stepExec.MustExec(state...)
			out[0].FinalizeAll()
			for i, t := range out[1:] {
				state[2+i].(*tensors.Tensor).FinalizeAll()
				state[2+i] = t
			}
		})
	}
	// 4. GEMM.
	for _, n := range gemmSizes {
		if !s.wants("gemm") {
			break
		}
		for _, th := range threadCounts {
			e := MustNewExec(backs[th], func(a, b *Node) *Node { return MatMul(a, b) })
			a32 := tensors.FromFlatDataAndDimensions(s.d.A32[n], n, n)
			b32 := tensors.FromFlatDataAndDimensions(s.d.B32[n], n, n)
			a64 := tensors.FromFlatDataAndDimensions(s.d.A64[n], n, n)
			b64 := tensors.FromFlatDataAndDimensions(s.d.B64[n], n, n)
			s.add("gemm", gemmCase(n, "float32", th), sys+" (MatMul)", th, func() check {
				c := e.MustExec1(a32, b32)
				defer c.FinalizeAll()
				return check{C: sampleC32(s.d, n, flat32(c))}
			}, func() { e.MustExec1(a32, b32).FinalizeAll() })
			s.add("gemm", gemmCase(n, "float64", th), sys+" (MatMul)", th, func() check {
				c := e.MustExec1(a64, b64)
				defer c.FinalizeAll()
				return check{C: sampleC64(s.d, n, flat64(c))}
			}, func() { e.MustExec1(a64, b64).FinalizeAll() })
		}
	}
	// 5. HVP: the gradient of ⟨∇f(x), v⟩.
	if s.wants("hvp") {
		e := MustNewExec(backs[1], func(w, x, v *Node) *Node {
			f := ReduceAllSum(Tanh(MatMul(w, x)))
			g := Gradient(f, x)[0]
			return Gradient(ReduceAllSum(Mul(g, v)), x)[0]
		})
		w := tensors.FromFlatDataAndDimensions(s.d.HW, hvpN, hvpN)
		x := tensors.FromFlatDataAndDimensions(s.d.HX, hvpN, 1)
		v := tensors.FromFlatDataAndDimensions(s.d.HV, hvpN, 1)
		s.add("hvp", "", sys+" (gradient of gradient, compiled once)", 1, func() check {
			t := e.MustExec1(w, x, v)
			defer t.FinalizeAll()
			return check{HV: flat64(t)}
		}, func() { e.MustExec1(w, x, v).FinalizeAll() })
	}
	s.notes = append(s.notes, "GoMLX, scalar chain of 1M operations: not run. GoMLX builds a static graph and compiles it per input shapes; a 1,000,000-node graph of scalar operations is not a program it is built for (graph building and compilation, not execution, would be measured).")
}
