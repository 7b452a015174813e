package export_test

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/data"
	"github.com/seed812a03d2/backprop/export"
	"github.com/seed812a03d2/backprop/nn"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/optim"
	"github.com/seed812a03d2/backprop/tensor"
)

// The StableHLO tests compare the modules of two functions with golden
// files in testdata/stablehlo (go test ./export -run StableHLO -update
// rewrites them), check that every primitive translates, run the modules
// in an interpreter of the StableHLO specification's semantics
// (stablehlo_eval_test.go) against the engine, and parse every module
// with MLIR's mlir-opt (Debian's mlir-15-tools; any newer mlir-opt-N on
// PATH too), which has no StableHLO dialect: it checks the syntax of the
// generic operations and the types of @main against its func.return, and
// nothing of StableHLO's own rules. Without mlir-opt the parse is skipped,
// unless BACKPROP_EXPORT_TESTS=require. Running the modules in XLA is the
// work of testdata/pjrt/run.py, on a machine with JAX; TestStableHLOPJRTData
// writes what it runs, with -pjrt DIR.

var (
	update      = flag.Bool("update", false, "rewrite the golden files of testdata/stablehlo")
	pjrtDir     = flag.String("pjrt", "", "write the MNIST MLP's training step and its data for testdata/pjrt/run.py into this folder")
	pjrtSteps   = flag.Int("pjrt.steps", 20, "with -pjrt: the number of training steps")
	pjrtBatch   = flag.Int("pjrt.batch", 128, "with -pjrt: the batch size")
	pjrtDevices = flag.Int("pjrt.devices", 2, "with -pjrt: the number of devices the step's batch is split over")
	pjrtDType   = flag.String("pjrt.dtype", "float32", "with -pjrt: float32 or float64")
)

func stablehloOf(t *testing.T, f *export.Func, opt export.StableHLOOptions) string {
	t.Helper()
	s, err := f.StableHLO(opt)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// golden compares text with the file testdata/stablehlo/name, or with
// -update writes it there.
func golden(t *testing.T, name, text string) {
	t.Helper()
	path := filepath.Join("testdata", "stablehlo", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./export -run StableHLO -update writes it)", err)
	}
	if text == string(want) {
		return
	}
	got, exp := strings.Split(text, "\n"), strings.Split(string(want), "\n")
	for i := 0; i < max(len(got), len(exp)); i++ {
		var g, e string
		if i < len(got) {
			g = got[i]
		}
		if i < len(exp) {
			e = exp[i]
		}
		if g != e {
			t.Fatalf("%s differs from the module written, first at line %d:\nwritten: %s\ngolden:  %s\n(go test ./export -run StableHLO -update rewrites it)", path, i+1, g, e)
		}
	}
}

// mlirOpts are the mlir-opt programs found, with their LLVM versions.
var mlirOpts = func() (tools []mlirTool) {
	seen := map[string]bool{}
	var names []string
	for v := 15; v <= 30; v++ {
		names = append(names, "mlir-opt-"+strconv.Itoa(v))
	}
	names = append(names, "mlir-opt")
	for _, n := range names {
		path, err := exec.LookPath(n)
		if err != nil {
			continue
		}
		if real, err := filepath.EvalSymlinks(path); err == nil {
			if seen[real] {
				continue
			}
			seen[real] = true
		}
		out, err := exec.Command(path, "--version").CombinedOutput()
		if err != nil {
			continue
		}
		m := regexp.MustCompile(`LLVM version (\d+)`).FindSubmatch(out)
		if m == nil {
			continue
		}
		v, _ := strconv.Atoi(string(m[1]))
		tools = append(tools, mlirTool{path, v})
	}
	return tools
}()

type mlirTool struct {
	path    string
	version int
}

// denseArray matches MLIR's dense array attributes, array<i64: 1, 2> and
// array<i64>, the syntax of LLVM 16 and later, which StableHLO's
// attributes take.
var denseArray = regexp.MustCompile(`array<(i64|i32|i1)(?:: ([^>]*))?>`)

// checkMLIR parses text with each mlir-opt found, unregistered dialects
// allowed. MLIR 15 spells the same dense array attributes [:i64 1, 2]
// (LLVM 16 renamed them array<i64: 1, 2>, the only spelling of today's
// parsers and so of StableHLO), so for MLIR 15 and older they are
// respelled first; the module is parsed as it is written by any newer
// mlir-opt.
func checkMLIR(t *testing.T, name, text string) {
	t.Helper()
	if len(mlirOpts) == 0 {
		missing(t, "mlir-opt (Debian's mlir-15-tools)")
	}
	for _, tool := range mlirOpts {
		src := text
		if tool.version <= 15 {
			src = denseArray.ReplaceAllStringFunc(text, func(s string) string {
				m := denseArray.FindStringSubmatch(s)
				if m[2] == "" {
					return "[:" + m[1] + "]"
				}
				return "[:" + m[1] + " " + m[2] + "]"
			})
		}
		f := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(f, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(tool.path, "--allow-unregistered-dialect", "-o", os.DevNull, f).CombinedOutput()
		if err != nil {
			t.Fatalf("%s (LLVM %d) does not parse %s: %v\n%s", tool.path, tool.version, name, err, out)
		}
		t.Logf("%s: parsed by %s (LLVM %d)", name, tool.path, tool.version)
	}
}

// workedExample is the worked example, u5 = sin((u1 + u2)²), with its
// gradient, and the nodes u1 and u5 of its graph.
func workedExample(t *testing.T) (f *export.Func, u1, u5 ad.Node) {
	t.Helper()
	var g ad.Graph
	u1, u2 := g.ScalarVar("u1", 4), g.ScalarVar("u2", 2)
	u3 := ops.Add(u1, u2)
	u4 := ops.Pow(u3, g.ScalarConst(2))
	u5 = ops.Sin(u4)
	in := []export.Input{{Name: "u1", Node: u1}, {Name: "u2", Node: u2}}
	f, err := export.Gradients("worked_example", in, export.Output{Name: "u5", Node: u5}, "u1", "u2")
	if err != nil {
		t.Fatal(err)
	}
	return f, u1, u5
}

// TestWorkedExampleStableHLO writes the worked example with its gradients
// as StableHLO and compares it with its golden file.
func TestWorkedExampleStableHLO(t *testing.T) {
	f, _, _ := workedExample(t)
	s := stablehloOf(t, f, export.StableHLOOptions{})
	golden(t, "worked_example.mlir", s)
	checkEval(t, f, s, 0x1p-50)
	checkMLIR(t, "worked_example.mlir", s)
}

// mlpStep is the MNIST MLP's training step with SGD with momentum, on
// batches of size b of element type dt, its images and labels marked as
// the batch; it returns the model, its optimizer and the batches too.
func mlpStep(t *testing.T, n, b int, dt tensor.DType) (*export.Func, *nn.Sequence, *optim.SGD, []data.Batch) {
	t.Helper()
	bs := mnistBatches(t, n, b, dt)
	model := mlp(dt)
	opt := optim.NewSGD(model.Params(), optim.SGDConfig{LR: 0.05, Momentum: 0.9})
	var g ad.Graph
	x := g.Const(bs[0].X)
	loss := nn.CrossEntropy(model.Forward(x), bs[0].Y, nn.Mean)
	f, err := export.TrainStep("mlp_step", loss, model, opt,
		export.Input{Name: "x", Node: x, Batch: true}, export.Input{Name: "labels", Index: bs[0].Y, Batch: true})
	if err != nil {
		t.Fatal(err)
	}
	return f, model, opt, bs
}

// TestMLPTrainingStepStableHLO writes the MNIST MLP's whole training step
// (forward, loss, backward and SGD with momentum) on batches of 4, split
// over 2 devices, and compares it with its golden file; it checks the
// sharding annotations: the images and labels split along their first
// axis, everything else replicated.
func TestMLPTrainingStepStableHLO(t *testing.T) {
	f, _, _, _ := mlpStep(t, 1, 4, tensor.Float32)
	s := stablehloOf(t, f, export.StableHLOOptions{Devices: 2})
	golden(t, "mlp_step.mlir", s)
	checkEval(t, f, s, 1e-6)
	checkMLIR(t, "mlp_step.mlir", s)
	for _, want := range []string{
		"mhlo.num_partitions = 2 : i32, mhlo.num_replicas = 1 : i32",
		`tensor<4x784xf32> {jax.arg_info = "x", mhlo.sharding = "{devices=[2,1]<=[2]}"}`,
		`tensor<4xi64> {jax.arg_info = "labels", mhlo.sharding = "{devices=[2]<=[2]}"}`,
		`tensor<256x784xf32> {jax.result_info = "new_0.weight", mhlo.sharding = "{replicated}"}`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the module has no %s", want)
		}
	}
	if n, m := strings.Count(s, `mhlo.sharding = "{replicated}"`), len(f.Inputs)-2+len(f.Outputs); n != m {
		t.Errorf("%d replicated arguments and results; want %d", n, m)
	}
	one := stablehloOf(t, f, export.StableHLOOptions{Devices: 1})
	if strings.Contains(one, "mhlo.sharding") || !strings.Contains(one, "mhlo.num_partitions = 1 : i32") {
		t.Error("the module for one device has sharding annotations")
	}
}

// TestCNNTrainingStepStableHLO writes a CNN's training step (padded
// convolutions, max-pools, one padded, and SGD with momentum) on a batch
// of 2 images split over 2 devices, and runs it in the interpreter
// against the engine's step.
func TestCNNTrainingStepStableHLO(t *testing.T) {
	dt := tensor.Float64
	bs := mnistBatches(t, 1, 2, dt)
	model := cnn(dt)
	opt := optim.NewSGD(model.Params(), optim.SGDConfig{LR: 0.05, Momentum: 0.9})
	var g ad.Graph
	x := g.Const(tensor.Reshape(bs[0].X, 2, 1, 28, 28))
	loss := nn.CrossEntropy(model.Forward(x), bs[0].Y, nn.Mean)
	f, err := export.TrainStep("cnn_step", loss, model, opt,
		export.Input{Name: "x", Node: x, Batch: true}, export.Input{Name: "labels", Index: bs[0].Y, Batch: true})
	if err != nil {
		t.Fatal(err)
	}
	s := stablehloOf(t, f, export.StableHLOOptions{Devices: 2})
	if !strings.Contains(s, `tensor<2x1x28x28xf64> {jax.arg_info = "x", mhlo.sharding = "{devices=[2,1,1,1]<=[2]}"}`) {
		t.Error("the images are not split over the devices")
	}
	checkEval(t, f, s, 1e-12)
	checkMLIR(t, "cnn_step.mlir", s)
}

// TestStableHLOErrors checks the errors of StableHLO's options.
func TestStableHLOErrors(t *testing.T) {
	var g ad.Graph
	x := g.ScalarVar("x", 1)
	f := funcOf(t, "scalar", []export.Input{{Name: "x", Node: x, Batch: true}}, []export.Output{{Name: "y", Node: ops.Sin(x)}})
	if _, err := f.StableHLO(export.StableHLOOptions{Devices: 2}); err == nil || !strings.Contains(err.Error(), `input "x" is a batch`) {
		t.Errorf("a scalar batch input over 2 devices: %v", err)
	}
	if _, err := f.StableHLO(export.StableHLOOptions{Devices: -1}); err == nil {
		t.Error("-1 devices: no error")
	}
	if _, err := f.StableHLO(export.StableHLOOptions{}); err != nil {
		t.Errorf("a scalar batch input on one device: %v", err)
	}
}

// TestElementwiseStableHLO writes every element-wise operation of the
// rule table, with its first and second derivatives (those a Func takes),
// in float64 and float32, runs the modules in the interpreter on special
// inputs against the engine and parses them.
func TestElementwiseStableHLO(t *testing.T) {
	names := ruleNames(t)
	for _, dt := range []tensor.DType{tensor.Float64, tensor.Float32} {
		t.Run(dt.String(), func(t *testing.T) {
			xs := tensor.FromFloat64s([]float64{0, math.Copysign(0, -1), 1, -2.5, math.Inf(1), math.NaN()}, 6).AsType(dt)
			ys := tensor.FromFloat64s([]float64{0.5, 0, -1, 3, 2, math.Inf(-1)}, 6).AsType(dt)
			var g ad.Graph
			in, out, _ := elementwiseGraph(t, &g, xs, ys, names)
			f := funcOf(t, "elementwise", in, out)
			s := stablehloOf(t, f, export.StableHLOOptions{})
			tol := 0x1p-49
			if dt == tensor.Float32 {
				tol = 0x1p-20
			}
			checkEval(t, f, s, tol)
			for _, op := range []string{"stablehlo.atan2", "chlo.erf", "chlo.tan", "chlo.asin", "chlo.acos", "stablehlo.logistic",
				"stablehlo.round_nearest_even", "stablehlo.power", "stablehlo.select", "stablehlo.compare", "stablehlo.maximum"} {
				if !strings.Contains(s, `"`+op+`"`) {
					t.Errorf("no %s in the module", op)
				}
			}
			checkMLIR(t, "elementwise.mlir", s)
		})
	}
}

// TestPrimitivesStableHLO writes a function that uses every other
// primitive, convolution and pooling among them, with the gradients of a
// loss, runs it in the interpreter against the engine and parses it.
func TestPrimitivesStableHLO(t *testing.T) {
	for _, dt := range []tensor.DType{tensor.Float64, tensor.Float32} {
		t.Run(dt.String(), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(3, 4))
			randn := func(shape ...int) *tensor.Tensor {
				n := 1
				for _, d := range shape {
					n *= d
				}
				v := make([]float64, n)
				for i := range v {
					v[i] = rng.NormFloat64()
				}
				return tensor.FromFloat64s(v, shape...).AsType(dt)
			}
			var g ad.Graph
			img := g.Var("img", randn(2, 3, 6, 6))
			filt := g.Var("filt", randn(4, 3, 3, 3))
			a := g.Var("a", randn(3, 4))
			b := g.Var("b", randn(2, 4, 5))
			c := g.Var("c", randn(6, 5))
			cond := g.Var("cond", tensor.FromFloat64s([]float64{1, 0, 0, 1}, 1, 4).AsType(dt))
			sel := tensor.NewIndex([]int{2, 0, 2, 1})
			pos := tensor.NewIndex([]int{0, 3, 1, 1, 2, 0, 3, 3, 0}, 3, 3)
			gfilt := g.Var("gfilt", randn(6, 1, 2, 2))
			gbias := g.Var("gbias", randn(6))
			in := []export.Input{{Name: "img", Node: img}, {Name: "filt", Node: filt}, {Name: "a", Node: a},
				{Name: "b", Node: b}, {Name: "c", Node: c}, {Name: "gfilt", Node: gfilt}, {Name: "gbias", Node: gbias},
				{Name: "cond", Node: cond}, {Name: "sel", Index: sel}}

			conv := ops.Conv2d(img, filt, ops.Conv2dOptions{Stride: [2]int{2, 1}, Padding: [2]int{1, 1}, Dilation: [2]int{1, 2}})
			avg := ops.AvgPool2d(img, ops.Pool2dOptions{Kernel: [2]int{2, 2}, Padding: [2]int{1, 1}})
			maxp := ops.MaxPool2d(img, ops.Pool2dOptions{Kernel: [2]int{3, 3}, Stride: [2]int{1, 2}})
			mm := ops.MatMul(a, b)                          // [3 4]·[2 4 5]: a broadcast over the batch
			mt := ops.MatMulTransB(b, c)                    // [2 4 5]·[6 5]ᵀ
			cs := ops.CumSum(ops.Transpose(mm, 0, 2, 1), 1) // [2 5 3]
			// Grouped (depthwise, two filters a channel), strided, with a bias.
			grouped := ops.Conv2dBias(img, gfilt, gbias, ops.Conv2dOptions{Stride: [2]int{2, 2}, Padding: [2]int{1, 1}, Groups: 3})
			parts := []ad.Node{
				ops.Sum(conv),
				grouped,
				ops.Mean(avg),
				maxp,
				ops.MaxPool2d(img, ops.Pool2dOptions{Kernel: [2]int{2, 2}, Padding: [2]int{1, 1}}),
				ops.Softmax(mt, 2),
				ops.LogSoftmax(mt, 1),
				ops.LogSumExp(a, 1),
				ops.IndexSelect(a, 0, sel),
				ops.IndexSelect(b, 2, sel),
				ops.Gather(a, 1, pos),
				ops.Concat(1, cs, ops.Slice(mt, tensor.Range{Start: 0, Stop: 2}, tensor.Range{Start: 0, Stop: 4}, tensor.Range{Start: 2, Stop: 5})),
				ops.Pad(a, [2]int{1, 2}, [2]int{0, 1}),
				ops.Where(cond, a, ops.BroadcastTo(ops.Sum(a, 0), tensor.Shape{3, 4})),
				ops.SumTo(b, tensor.Shape{4, 1}),
				ops.ScatterAdd(ops.Slice(a, tensor.Range{Start: 0, Stop: 3}, tensor.Range{Start: 1, Stop: 4}), 1, pos, tensor.Shape{3, 6}),
			}
			// The gradients of max, min and prod read masks of the values,
			// which a Func refuses, and a strided slice's is an embedding
			// with a step, which lower does not translate: they are
			// outputs, not in the loss.
			forward := []ad.Node{
				ops.Max(ops.Reshape(maxp, 2, -1), 1),
				ops.MinKeepDims(cs, 0, 2),
				ops.Prod(ops.Slice(a, tensor.Range{Start: 0, Stop: 3, Step: 2}, tensor.Range{Start: 1, Stop: 4})),
			}
			loss := ops.Sum(ops.Square(ops.Reshape(parts[0], 1)))
			var out []export.Output
			for i, p := range parts {
				out = append(out, export.Output{Name: fmt.Sprintf("part%d", i), Node: p})
				loss = ops.Add(loss, ops.Sum(ops.Mul(p, p)))
			}
			for i, p := range forward {
				out = append(out, export.Output{Name: fmt.Sprintf("forward%d", i), Node: p})
			}
			out = append(out, export.Output{Name: "loss", Node: loss})
			vars := []ad.Node{img, filt, a, b, c, gfilt, gbias}
			for i, gr := range ad.Gradients(loss, vars...) {
				out = append(out, export.Output{Name: "grad_" + in[i].Name, Node: gr})
			}
			f := funcOf(t, "primitives", in, out)
			s := stablehloOf(t, f, export.StableHLOOptions{})
			tol := 1e-12
			if dt == tensor.Float32 {
				tol = 1e-4 // a loss of many squares, summed in other orders
			}
			checkEval(t, f, s, tol)
			for _, op := range []string{"stablehlo.dot_general", "stablehlo.gather", "stablehlo.scatter", "stablehlo.reduce_window",
				"stablehlo.reduce", "stablehlo.concatenate", "stablehlo.slice", "stablehlo.pad", "stablehlo.transpose",
				"stablehlo.reshape", "stablehlo.broadcast_in_dim", "stablehlo.iota", "stablehlo.exponential", "stablehlo.log",
				"stablehlo.select", "stablehlo.multiply", "stablehlo.divide"} {
				if !strings.Contains(s, `"`+op+`"`) {
					t.Errorf("no %s in the module", op)
				}
			}
			// A max-pool's argmax is a reduction of pairs.
			if !strings.Contains(s, `:2 = "stablehlo.reduce"`) {
				t.Error("no reduction of pairs (argmax) in the module")
			}
			checkMLIR(t, "primitives.mlir", s)
		})
	}
}

// TestStableHLOPJRTData writes, with -pjrt DIR, what testdata/pjrt/run.py
// runs: the MNIST MLP's training step as StableHLO for -pjrt.devices
// devices (step.mlir), and in data.npz the inputs of its first step
// ("inputs/NAME"), the batches of -pjrt.steps steps stacked
// ("batches/NAME"), and the engine's outputs of the last of those steps
// ("expected/NAME"); meta.json names the inputs, outputs and batches in
// order. Without -pjrt it is skipped.
func TestStableHLOPJRTData(t *testing.T) {
	if *pjrtDir == "" {
		t.Skip("no -pjrt folder")
	}
	dt := tensor.Float32
	switch *pjrtDType {
	case "float32":
	case "float64":
		dt = tensor.Float64
	default:
		t.Fatalf("-pjrt.dtype %q: want float32 or float64", *pjrtDType)
	}
	loss := writePJRTData(t, *pjrtDir, *pjrtSteps, *pjrtBatch, *pjrtDevices, dt)
	t.Logf("wrote %s: %d steps of batches of %d over %d devices; the last loss is %v", *pjrtDir, *pjrtSteps, *pjrtBatch, *pjrtDevices, loss)
}

// pjrtMeta is meta.json.
type pjrtMeta struct {
	Module    string   `json:"module"`
	Data      string   `json:"data"`
	Steps     int      `json:"steps"`
	Devices   int      `json:"devices"`
	DType     string   `json:"dtype"`
	Tolerance float64  `json:"tolerance"`
	Inputs    []string `json:"inputs"`
	Outputs   []string `json:"outputs"`
	Batches   []string `json:"batches"`
}

// writePJRTData writes run.py's folder for steps steps of the MNIST MLP
// on batches of size batch split over devices devices, and returns the
// engine's last loss.
func writePJRTData(t *testing.T, dir string, steps, batch, devices int, dt tensor.DType) float64 {
	t.Helper()
	tol := 1e-4
	if dt == tensor.Float64 {
		tol = 1e-10
	}
	f, model, opt, bs := mlpStep(t, steps, batch, dt)
	s := stablehloOf(t, f, export.StableHLOOptions{Devices: devices})
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "step.mlir"), []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	arrays := map[string]npyArray{}
	ps := model.Params()
	for _, p := range ps {
		arrays["inputs/"+p.Name] = npyOf(p.Value)
	}
	for _, st := range opt.State() {
		arrays["inputs/"+st.Name] = npyOf(st.Value)
	}
	arrays["inputs/lr"] = npyOf(tensor.Full(dt, opt.LR()))
	arrays["inputs/step"] = npyOf(tensor.Full(dt, 1))
	var xs, ys []npyArray
	for _, b := range bs {
		xs, ys = append(xs, npyOf(b.X)), append(ys, npyOfIndex(b.Y))
	}
	arrays["batches/x"], arrays["batches/labels"] = stack(xs), stack(ys)

	var g ad.Graph
	var lastLoss float64
	for _, b := range bs {
		g.Reset()
		l := nn.CrossEntropy(model.Forward(g.Const(b.X)), b.Y, nn.Mean)
		nn.Backward(l, ps)
		opt.Step()
		lastLoss = l.Value().Item()
	}
	arrays["expected/loss"] = npyOf(tensor.Full(dt, lastLoss))
	for _, p := range ps {
		arrays["expected/new_"+p.Name] = npyOf(p.Value)
	}
	for _, st := range opt.State() {
		arrays["expected/new_"+st.Name] = npyOf(st.Value)
	}
	arrays["expected/new_step"] = npyOf(tensor.Full(dt, float64(steps+1)))
	if err := writeNPZ(filepath.Join(dir, "data.npz"), arrays); err != nil {
		t.Fatal(err)
	}
	meta := pjrtMeta{Module: "step.mlir", Data: "data.npz", Steps: steps, Devices: devices, DType: dt.String(),
		Tolerance: tol, Batches: []string{"x", "labels"}}
	for _, in := range f.Inputs {
		meta.Inputs = append(meta.Inputs, in.Name)
	}
	for _, o := range f.Outputs {
		meta.Outputs = append(meta.Outputs, o.Name)
	}
	b, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "meta.json"), append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	return lastLoss
}

// TestStableHLOPJRTDataRoundTrip writes run.py's folder for 3 steps on
// batches of 4 and does what run.py does, in the interpreter: it reads
// meta.json, the module and data.npz, runs the steps, each on the last
// one's new_ outputs and its batch, and compares the last outputs with
// the expected ones, within meta.json's tolerance.
func TestStableHLOPJRTDataRoundTrip(t *testing.T) {
	dir := t.TempDir()
	writePJRTData(t, dir, 3, 4, 2, tensor.Float32)
	b, err := os.ReadFile(filepath.Join(dir, "meta.json"))
	if err != nil {
		t.Fatal(err)
	}
	var meta pjrtMeta
	if err := json.Unmarshal(b, &meta); err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(filepath.Join(dir, meta.Module))
	if err != nil {
		t.Fatal(err)
	}
	m, err := parseModule(string(text))
	if err != nil {
		t.Fatal(err)
	}
	data, err := readNPZ(filepath.Join(dir, meta.Data))
	if err != nil {
		t.Fatal(err)
	}
	args := map[string]*evTensor{}
	for _, n := range meta.Inputs {
		if !slices.Contains(meta.Batches, n) {
			args[n] = data["inputs/"+n]
		}
	}
	outs := map[string]*evTensor{}
	for k := range meta.Steps {
		for _, n := range meta.Batches {
			all := data["batches/"+n]
			size := len(all.v) / all.shape[0]
			args[n] = &evTensor{shape: all.shape[1:], elem: all.elem, v: all.v[k*size : (k+1)*size]}
		}
		in := make([]*evTensor, len(meta.Inputs))
		for i, n := range meta.Inputs {
			in[i] = args[n]
		}
		res, err := evalModule(m, in)
		if err != nil {
			t.Fatal(err)
		}
		for i, n := range meta.Outputs {
			outs[n] = res[i]
			if name, ok := strings.CutPrefix(n, "new_"); ok {
				args[name] = res[i]
			}
		}
	}
	for _, n := range meta.Outputs {
		closeTo(t, n, outs[n].v, data["expected/"+n].v, meta.Tolerance)
	}
}

// npyArray is an array for a .npy file: NumPy's dtype descriptor, its
// shape and its raw little-endian bytes.
type npyArray struct {
	descr string
	shape []int
	data  []byte
}

func npyOf(x *tensor.Tensor) npyArray {
	a := npyArray{descr: "<f8", shape: x.Shape()}
	if x.DType() == tensor.Float32 {
		a.descr = "<f4"
		for _, v := range x.Float32s() {
			a.data = binary.LittleEndian.AppendUint32(a.data, math.Float32bits(v))
		}
		return a
	}
	for _, v := range x.Float64s() {
		a.data = binary.LittleEndian.AppendUint64(a.data, math.Float64bits(v))
	}
	return a
}

func npyOfIndex(x *tensor.Index) npyArray {
	a := npyArray{descr: "<i8", shape: x.Shape()}
	for _, v := range x.Data() {
		a.data = binary.LittleEndian.AppendUint64(a.data, uint64(int64(v)))
	}
	return a
}

// stack stacks arrays of one dtype and shape along a new first axis.
func stack(as []npyArray) npyArray {
	out := npyArray{descr: as[0].descr, shape: append([]int{len(as)}, as[0].shape...)}
	for _, a := range as {
		out.data = append(out.data, a.data...)
	}
	return out
}

// writeNPZ writes arrays to path as NumPy's .npz: a zip of .npy files
// (format 1.0), one for each name.
func writeNPZ(path string, arrays map[string]npyArray) error {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	names := make([]string, 0, len(arrays))
	for n := range arrays {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		a := arrays[n]
		dims := make([]string, len(a.shape))
		for i, d := range a.shape {
			dims[i] = strconv.Itoa(d)
		}
		shape := "(" + strings.Join(dims, ", ")
		if len(dims) == 1 {
			shape += ","
		}
		shape += ")"
		header := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", a.descr, shape)
		// The magic, version and length take 10 bytes; the header ends in
		// a newline and pads the data's start to a multiple of 64.
		pad := 64 - (10+len(header)+1)%64
		if pad == 64 {
			pad = 0
		}
		header += strings.Repeat(" ", pad) + "\n"
		w, err := z.CreateHeader(&zip.FileHeader{Name: n + ".npy", Method: zip.Store})
		if err != nil {
			return err
		}
		hdr := append([]byte("\x93NUMPY\x01\x00"), byte(len(header)), byte(len(header)>>8))
		for _, part := range [][]byte{hdr, []byte(header), a.data} {
			if _, err := w.Write(part); err != nil {
				return err
			}
		}
	}
	if err := z.Close(); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// readNPZ reads the arrays of an .npz file that writeNPZ wrote.
func readNPZ(path string) (map[string]*evTensor, error) {
	z, err := zip.OpenReader(path)
	if err != nil {
		return nil, err
	}
	defer z.Close()
	header := regexp.MustCompile(`^\{'descr': '([<|][a-z]\d)', 'fortran_order': False, 'shape': \(([\d, ]*)\), \}`)
	out := map[string]*evTensor{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		_, err = buf.ReadFrom(r)
		r.Close()
		if err != nil {
			return nil, err
		}
		b := buf.Bytes()
		if len(b) < 10 || string(b[:8]) != "\x93NUMPY\x01\x00" {
			return nil, fmt.Errorf("%s: not a .npy file", f.Name)
		}
		n := int(binary.LittleEndian.Uint16(b[8:]))
		h := header.FindStringSubmatch(string(b[10 : 10+n]))
		if h == nil {
			return nil, fmt.Errorf("%s: header %q", f.Name, b[10:10+n])
		}
		t := &evTensor{shape: []int{}}
		for _, d := range strings.Split(h[2], ",") {
			if d = strings.TrimSpace(d); d != "" {
				v, _ := strconv.Atoi(d)
				t.shape = append(t.shape, v)
			}
		}
		data := b[10+n:]
		switch h[1] {
		case "<f4":
			t.elem = "f32"
			for i := 0; i+4 <= len(data); i += 4 {
				t.v = append(t.v, float64(math.Float32frombits(binary.LittleEndian.Uint32(data[i:]))))
			}
		case "<f8":
			t.elem = "f64"
			for i := 0; i+8 <= len(data); i += 8 {
				t.v = append(t.v, math.Float64frombits(binary.LittleEndian.Uint64(data[i:])))
			}
		case "<i8":
			t.elem = "i64"
			for i := 0; i+8 <= len(data); i += 8 {
				t.v = append(t.v, float64(int64(binary.LittleEndian.Uint64(data[i:]))))
			}
		default:
			return nil, fmt.Errorf("%s: dtype %s", f.Name, h[1])
		}
		if len(t.v) != evSize(t.shape) {
			return nil, fmt.Errorf("%s: %d numbers for shape %v", f.Name, len(t.v), t.shape)
		}
		out[strings.TrimSuffix(f.Name, ".npy")] = t
	}
	return out, nil
}
