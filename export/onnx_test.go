package export_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/export"
	"github.com/seed812a03d2/backprop/nn"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/program"
	"github.com/seed812a03d2/backprop/tensor"
)

// TestWorkedExampleONNX exports the worked example, u5 = sin((u1 + u2)²),
// with its gradient, and runs it in ONNX Runtime: u3 and u4 are exact, so
// the outputs may differ from the engine's only by the libraries' sin and
// cos, a few ulps.
func TestWorkedExampleONNX(t *testing.T) {
	f, u1, u5 := workedExample(t)
	model := onnxOf(t, f)
	checkONNX(t, model)
	out, _ := runORT(t, model, map[string]any{"u1": tensor.Scalar(4), "u2": tensor.Scalar(2)}, 1)
	want := map[string]float64{"u5": math.Sin(36), "grad_u1": 12 * math.Cos(36), "grad_u2": 12 * math.Cos(36)}
	tab := ad.Backward(u5)
	if got := tab.Scalar(u1); got != want["grad_u1"] {
		t.Fatalf("the engine's du5/du1 = %v; want 12·cos(36) = %v", got, want["grad_u1"])
	}
	for name, w := range want {
		got := out[name].floats(t)
		if len(got) != 1 {
			t.Fatalf("%s: %d numbers", name, len(got))
		}
		if d := ulps(got[0], w, false); d > 4 {
			t.Errorf("%s = %v in ONNX Runtime; the engine gives %v (%v ulps apart)", name, got[0], w, d)
		}
	}
}

// binaryRules and unaryRules call each element-wise operation of the rule
// table; TestElementwiseONNX checks that they cover ops.Rules().
var unaryRules = map[string]func(x ad.Node) ad.Node{
	"neg": ops.Neg, "identity": ops.Identity, "square": ops.Square, "sqrt": ops.Sqrt, "exp": ops.Exp,
	"log": ops.Log, "log1p": ops.Log1p, "expm1": ops.Expm1, "sin": ops.Sin, "cos": ops.Cos, "tan": ops.Tan,
	"tanh": ops.Tanh, "asin": ops.Asin, "acos": ops.Acos, "atan": ops.Atan, "sigmoid": ops.Sigmoid,
	"relu": ops.ReLU, "silu": ops.SiLU, "softplus": ops.Softplus, "log_sigmoid": ops.LogSigmoid, "erf": ops.Erf,
	"gelu": ops.GELU, "abs": ops.Abs, "sign": ops.Sign, "floor": ops.Floor, "ceil": ops.Ceil, "round": ops.Round,
}

var binaryRules = map[string]func(x, y ad.Node) ad.Node{
	"add": ops.Add, "sub": ops.Sub, "mul": ops.Mul, "div": ops.Div, "gatedmul": ops.GatedMul, "pow": ops.Pow,
	"atan2": ops.Atan2, "relugrad": reluGrad, "leaky_relu": ops.LeakyReLU, "elu": ops.ELU,
	"clamp_min": ops.ClampMin, "clamp_max": ops.ClampMax, "maximum": ops.Maximum, "minimum": ops.Minimum,
}

// ruleNames returns the names of the rule table's operations, and fails t
// for one that unaryRules and binaryRules leave out.
func ruleNames(t *testing.T) []string {
	var names []string
	for _, r := range ops.Rules() {
		if unaryRules[r.Name] == nil && binaryRules[r.Name] == nil {
			t.Errorf("rule %q is not among the tests' operations", r.Name)
		}
		names = append(names, r.Name)
	}
	return names
}

// reluGrad is x where y > 0 and 0 elsewhere: the relugrad operation that
// ReLU's bprop records (∂/∂y of relu(y)·x).
func reluGrad(x, y ad.Node) ad.Node {
	return ad.Gradients(ops.Sum(ops.Mul(ops.ReLU(y), x)), y)[0]
}

// specials are inputs at the edges of the operations' domains.
var specials = []float64{0, math.Copysign(0, -1), 1, -1, 0.5, -0.5, 1e-10, -1e-10, 2.5, -2.5, 3, 40, -40, 1e300, math.Inf(1), math.Inf(-1), math.NaN()}

// noFloat64 are the operations whose ONNX operators ONNX Runtime's CPU
// kernels (1.30) have only in float32: their float64 exports pass the
// checker but do not run there.
var noFloat64 = map[string]bool{"tan": true, "asin": true, "acos": true, "atan": true, "atan2": true, "erf": true, "gelu": true}

// TestElementwiseONNX runs every element-wise operation of the rule table,
// with its first and second derivatives, in ONNX Runtime in float64 and
// float32, on every pair of special inputs and on random ones, against
// the engine. Each operation has inputs of its own, so that one model
// holds them all.
func TestElementwiseONNX(t *testing.T) {
	names := ruleNames(t)
	for _, dt := range []tensor.DType{tensor.Float64, tensor.Float32} {
		t.Run(dt.String(), func(t *testing.T) {
			var run, checkOnly []string
			for _, n := range names {
				if dt == tensor.Float64 && noFloat64[n] {
					checkOnly = append(checkOnly, n)
				} else {
					run = append(run, n)
				}
			}
			checkElementwise(t, dt, run, true)
			checkElementwise(t, dt, checkOnly, false)
		})
	}
}

// checkElementwise exports the operations names, with their gradients and
// second derivatives (elementwiseGraph), checks the model, and with run
// runs it and compares.
func checkElementwise(t *testing.T, dt tensor.DType, names []string, run bool) {
	if len(names) == 0 {
		return
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var xs, ys []float64
	for _, a := range specials {
		for _, b := range specials {
			xs, ys = append(xs, a), append(ys, b)
		}
	}
	for range 64 {
		xs, ys = append(xs, 4*rng.NormFloat64()), append(ys, 4*rng.NormFloat64())
	}
	xt := tensor.FromFloat64s(xs, len(xs)).AsType(dt)
	yt := tensor.FromFloat64s(ys, len(ys)).AsType(dt)
	var g ad.Graph
	in, out, refused := elementwiseGraph(t, &g, xt, yt, names)
	feeds := map[string]any{}
	for _, x := range in {
		feeds[x.Name] = x.Node.Value()
	}
	t.Logf("%v: derivatives refused as piecewise: %v", dt, refused)
	model := onnxOf(t, funcOf(t, "elementwise", in, out))
	checkONNX(t, model)
	if !run {
		return
	}
	res, _ := runORT(t, model, feeds, 1)
	for _, o := range out {
		got, want := res[o.Name].floats(t), o.Node.Value().Data()
		compare(t, o.Name, got, want, dt == tensor.Float32)
		// IEEE-exact operations, and their first derivatives, agree
		// exactly: as numbers, for the sign of a zero may differ (ONNX
		// Runtime's relu keeps -0, and in float32 its optimizer turns a
		// comparison and a Where into a max, which may drop it).
		name := o.Name[strings.Index(o.Name, "_")+1:]
		if exact[name] && (strings.HasPrefix(o.Name, "z_") || strings.HasPrefix(o.Name, "d1")) {
			for i := range got {
				if got[i] != want[i] && !(math.IsNaN(got[i]) && math.IsNaN(want[i])) {
					t.Errorf("%s[%d] = %v in ONNX Runtime; the engine gives %v: not exactly", o.Name, i, got[i], want[i])
					break
				}
			}
		}
	}
}

// elementwiseGraph records in g each operation of names on inputs of its
// own, x_NAME (of value xt) and for a binary one y_NAME (yt), with its
// first and second derivatives, and returns the inputs, the outputs
// (z_NAME, and dOI_NAME: order O, input I) and the derivatives left out.
// A derivative that reads a mask of the values (a piecewise one) is
// refused by export.New with a TracedError and left out; a first
// derivative of a rule without a where must not be.
func elementwiseGraph(t *testing.T, g *ad.Graph, xt, yt *tensor.Tensor, names []string) (in []export.Input, out []export.Output, refused []string) {
	t.Helper()
	piecewise := map[string]bool{}
	for _, r := range ops.Rules() {
		piecewise[r.Name] = strings.Contains(strings.Join(r.D, " "), "where(")
	}
	for _, name := range names {
		x := g.Var("x_"+name, xt)
		in = append(in, export.Input{Name: "x_" + name, Node: x})
		var z ad.Node
		var first, second []ad.Node
		opIn := in[len(in)-1:]
		if f := unaryRules[name]; f != nil {
			z = f(x)
			first = ad.Gradients(ops.Sum(z), x)
			second = ad.Gradients(ops.Sum(first[0]), x)
		} else {
			y := g.Var("y_"+name, yt)
			in = append(in, export.Input{Name: "y_" + name, Node: y})
			opIn = in[len(in)-2:]
			z = binaryRules[name](x, y)
			first = ad.Gradients(ops.Sum(z), x, y)
			second = ad.Gradients(ops.Sum(ops.Add(first[0], first[1])), x, y)
		}
		out = append(out, export.Output{Name: "z_" + name, Node: z})
		for order, gs := range [][]ad.Node{first, second} {
			var o []export.Output
			for i, gn := range gs {
				o = append(o, export.Output{Name: fmt.Sprintf("d%d%d_%s", order+1, i, name), Node: gn})
			}
			_, err := export.New(name, opIn, o)
			var te *export.TracedError
			switch {
			case err == nil:
				out = append(out, o...)
			case errors.As(err, &te):
				if order == 0 && !piecewise[name] {
					t.Errorf("%s: the first derivative, which has no where in its rule, is refused: %v", name, err)
				}
				refused = append(refused, fmt.Sprintf("%s (order %d)", name, order+1))
			default:
				t.Fatal(err)
			}
		}
	}
	return in, out, refused
}

// exact are the operations whose results IEEE 754 defines to the bit
// (correctly rounded), and whose first derivatives are such too.
var exact = map[string]bool{"add": true, "sub": true, "mul": true, "div": true, "neg": true, "identity": true,
	"square": true, "sqrt": true, "abs": true, "sign": true, "floor": true, "ceil": true, "round": true, "relu": true,
	"relugrad": true, "gatedmul": true, "clamp_min": true, "clamp_max": true, "maximum": true, "minimum": true}

// compare reports the elements of got, from ONNX Runtime, that differ from
// the engine's want by more than 8 ulps of max(1, |want|): the libraries'
// transcendental functions differ by a few ulps, and where a result is
// much smaller than 1 (sin near a multiple of π, a sigmoid far out) their
// errors relative to it can be large while tiny next to 1.
func compare(t *testing.T, what string, got, want []float64, single bool) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d numbers from ONNX Runtime, %d from the engine", what, len(got), len(want))
	}
	eps := 0x1p-52
	if single {
		eps = 0x1p-23
	}
	bad := 0
	for i := range got {
		a, b := got[i], want[i]
		same := a == b || (math.IsNaN(a) && math.IsNaN(b)) || math.Abs(a-b) <= 8*eps*max(1, math.Abs(b))
		if !same {
			if bad < 5 {
				t.Errorf("%s[%d] = %v in ONNX Runtime; the engine gives %v", what, i, a, b)
			}
			bad++
		}
	}
	if bad > 5 {
		t.Errorf("%s: %d more", what, bad-5)
	}
}

// TestProgramONNX exports the network example, a small neural network in
// matrix form, with the gradients of its loss, and runs it in ONNX
// Runtime against the engine.
func TestProgramONNX(t *testing.T) {
	src, err := os.ReadFile("../examples/network/network.bp")
	if err != nil {
		t.Fatal(err)
	}
	pg, err := program.Parse("network.bp", src, program.Options{})
	if err != nil {
		t.Fatal(err)
	}
	labels, nodes := pg.Inputs()
	var in []export.Input
	feeds := map[string]any{}
	for i := range labels {
		in = append(in, export.Input{Name: labels[i], Node: nodes[i]})
		feeds[labels[i]] = nodes[i].Value()
	}
	out := []export.Output{{Name: pg.OutputName(), Node: pg.Output()}}
	grads := ad.Gradients(pg.Output(), pg.WrtNodes()...)
	for i, w := range pg.WrtNames {
		out = append(out, export.Output{Name: "grad_" + w, Node: grads[i]})
	}
	m := onnxOf(t, funcOf(t, "network", in, out))
	checkONNX(t, m)
	res, _ := runORT(t, m, feeds, 1)
	for _, o := range out {
		compare(t, o.Name, res[o.Name].floats(t), o.Node.Value().Data(), o.Node.DType() == tensor.Float32)
	}
}

// TestSymbolicBatchONNX exports the MNIST MLP's inference with a symbolic
// batch, traced on a batch of 128, and runs it in ONNX Runtime on a batch
// of 7 against the engine. A gradient graph of a mean over the batch
// holds the batch's size as a constant, and refuses a symbolic batch.
func TestSymbolicBatchONNX(t *testing.T) {
	bs := mnistBatches(t, 1, 128, tensor.Float32)
	model := mlp(tensor.Float32)
	var g ad.Graph
	x := g.Const(bs[0].X)
	logp := ops.LogSoftmax(model.Forward(x), 1)
	in := []export.Input{{Name: "x", Node: x, Batch: true}}
	m := onnxOf(t, funcOf(t, "mlp", in, []export.Output{{Name: "logp", Node: logp}}))
	checkONNX(t, m)
	small := tensor.Slice(bs[0].X, tensor.Range{Start: 3, Stop: 10})
	res, _ := runORT(t, m, map[string]any{"x": small}, 1)
	var h ad.Graph
	want := ops.LogSoftmax(model.Forward(h.Const(small)), 1)
	if got := res["logp"].Shape; len(got) != 2 || got[0] != 7 {
		t.Fatalf("logp has shape %v; want [7 10]", got)
	}
	compare(t, "logp", res["logp"].floats(t), want.Value().Data(), true)

	// Images [N 1 28 28], flattened: a reshape that keeps the batch first.
	flat := nn.Sequential(nn.Flatten(), model)
	img := g.Const(tensor.Reshape(bs[0].X, 128, 1, 28, 28))
	m = onnxOf(t, funcOf(t, "mlp_images", []export.Input{{Name: "images", Node: img, Batch: true}}, []export.Output{{Name: "logits", Node: flat.Forward(img)}}))
	smallImg := tensor.Reshape(small, 7, 1, 28, 28)
	res, _ = runORT(t, m, map[string]any{"images": smallImg}, 1)
	compare(t, "logits", res["logits"].floats(t), flat.Forward(h.Const(smallImg)).Value().Data(), true)

	loss := nn.CrossEntropy(model.Forward(x), bs[0].Y, nn.Mean)
	f, err := export.Gradients("mlp_grad", in, export.Output{Name: "loss", Node: loss}, "x")
	if err == nil {
		_, err = f.ONNX()
	}
	if err == nil || !strings.Contains(err.Error(), "batch dimension cannot be symbolic") {
		t.Errorf("the gradient of a mean over a symbolic batch: error %v; want one that says the batch cannot be symbolic", err)
	}
}

// TestStaleFunc checks that a Func whose graph was Reset gives an error
// in either format, not a panic.
func TestStaleFunc(t *testing.T) {
	var g ad.Graph
	x := g.ScalarVar("x", 2)
	f := funcOf(t, "stale", []export.Input{{Name: "x", Node: x}}, []export.Output{{Name: "y", Node: ops.Sin(x)}})
	g.Reset()
	if _, err := f.ONNX(); err == nil || !strings.Contains(err.Error(), "Reset") {
		t.Errorf("ONNX of a stale Func: %v; want an error about the Reset", err)
	}
	if _, err := f.StableHLO(export.StableHLOOptions{}); err == nil || !strings.Contains(err.Error(), "Reset") {
		t.Errorf("StableHLO of a stale Func: %v; want an error about the Reset", err)
	}
}
