package export_test

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/seed812a03d2/backprop/export"
	"github.com/seed812a03d2/backprop/tensor"
)

// The tests that run exports in ONNX Runtime and the ONNX checker skip
// without them, unless BACKPROP_EXPORT_TESTS=require (as in CI), where
// they fail. ONNX Runtime is the npm package onnxruntime-node, installed
// by `npm ci --ignore-scripts` in testdata/ort; the checker is Debian's
// python3-onnx.

func missing(t *testing.T, what string) {
	t.Helper()
	if os.Getenv("BACKPROP_EXPORT_TESTS") == "require" {
		t.Fatalf("%s is missing, and BACKPROP_EXPORT_TESTS=require", what)
	}
	t.Skipf("%s is missing (see export/ort_test.go)", what)
}

// checkONNX runs the ONNX checker, with shape inference, on model.
func checkONNX(t *testing.T, model []byte) {
	t.Helper()
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import onnx").Run(); err != nil {
		missing(t, "python3-onnx (the ONNX checker)")
	}
	f := filepath.Join(t.TempDir(), "model.onnx")
	if err := os.WriteFile(f, model, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, "-c", `import onnx, sys
m = onnx.load(sys.argv[1])
onnx.checker.check_model(m, full_check=True)
`, f).CombinedOutput()
	if err != nil {
		t.Fatalf("the ONNX checker refuses the model: %v\n%s", err, out)
	}
}

// ortValue is a tensor in the JSON of testdata/ort/run.js.
type ortValue struct {
	DType string `json:"dtype"`
	Shape []int  `json:"shape"`
	Data  []any  `json:"data,omitempty"`
	File  string `json:"file,omitempty"`
	Count int    `json:"count,omitempty"`
}

// cycle is an input that takes, at run i of runORT, the tensor i mod
// len(cycle): each a *tensor.Tensor or each a *tensor.Index, of one shape.
type cycle []any

// writeCycle writes c's tensors, raw little-endian, to a file in dir.
func writeCycle(t *testing.T, dir, name string, c cycle) ortValue {
	var b []byte
	var v ortValue
	for _, x := range c {
		switch x := x.(type) {
		case *tensor.Tensor:
			v.DType, v.Shape = "float64", x.Shape()
			if x.DType() == tensor.Float32 {
				v.DType = "float32"
				for _, e := range x.Float32s() {
					b = binary.LittleEndian.AppendUint32(b, math.Float32bits(e))
				}
				continue
			}
			for _, e := range x.Float64s() {
				b = binary.LittleEndian.AppendUint64(b, math.Float64bits(e))
			}
		case *tensor.Index:
			v.DType, v.Shape = "int64", x.Shape()
			for _, e := range x.Data() {
				b = binary.LittleEndian.AppendUint64(b, uint64(int64(e)))
			}
		}
	}
	v.File, v.Count = filepath.Join(dir, name+".bin"), len(c)
	if err := os.WriteFile(v.File, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return v
}

func jsonNumber(v float64) any {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case v == 0 && math.Signbit(v):
		return "-0"
	}
	return v
}

func toORT(x any) ortValue {
	switch x := x.(type) {
	case *tensor.Tensor:
		v := ortValue{DType: "float64", Shape: x.Shape()}
		if x.DType() == tensor.Float32 {
			v.DType = "float32"
		}
		if v.Shape == nil {
			v.Shape = []int{}
		}
		for _, e := range x.Data() {
			v.Data = append(v.Data, jsonNumber(e))
		}
		return v
	case *tensor.Index:
		v := ortValue{DType: "int64", Shape: x.Shape()}
		for _, e := range x.Data() {
			v.Data = append(v.Data, strconv.Itoa(e))
		}
		return v
	}
	panic(fmt.Sprintf("toORT(%T)", x))
}

func (v ortValue) floats(t *testing.T) []float64 {
	out := make([]float64, len(v.Data))
	for i, d := range v.Data {
		switch d := d.(type) {
		case float64:
			out[i] = d
		case string:
			switch d {
			case "NaN":
				out[i] = math.NaN()
			case "Inf":
				out[i] = math.Inf(1)
			case "-Inf":
				out[i] = math.Inf(-1)
			case "-0":
				out[i] = math.Copysign(0, -1)
			default:
				t.Fatalf("ONNX Runtime gave %q", d)
			}
		}
	}
	return out
}

// runORT runs model in ONNX Runtime on inputs (tensors and indices by
// name), repeat times (see run.js), and returns its outputs by name and
// the seconds the runs took.
func runORT(t *testing.T, model []byte, inputs map[string]any, repeat int) (map[string]ortValue, float64) {
	t.Helper()
	dir, err := filepath.Abs("testdata/ort")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "onnxruntime-node")); err != nil {
		missing(t, "onnxruntime-node (npm ci --ignore-scripts in export/testdata/ort)")
	}
	if _, err := exec.LookPath("node"); err != nil {
		missing(t, "node")
	}
	tmp := t.TempDir()
	mf, inf, outf := filepath.Join(tmp, "model.onnx"), filepath.Join(tmp, "in.json"), filepath.Join(tmp, "out.json")
	if err := os.WriteFile(mf, model, 0o644); err != nil {
		t.Fatal(err)
	}
	in := map[string]ortValue{}
	for k, v := range inputs {
		if c, ok := v.(cycle); ok {
			in[k] = writeCycle(t, tmp, k, c)
			continue
		}
		in[k] = toORT(v)
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(inf, b, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", filepath.Join(dir, "run.js"), mf, inf, outf, strconv.Itoa(repeat))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ONNX Runtime: %v\n%s", err, out)
	}
	b, err = os.ReadFile(outf)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	outs := map[string]ortValue{}
	var secs float64
	for k, m := range raw {
		if k == "_seconds" {
			if err := json.Unmarshal(m, &secs); err != nil {
				t.Fatal(err)
			}
			continue
		}
		var v ortValue
		if err := json.Unmarshal(m, &v); err != nil {
			t.Fatal(err)
		}
		outs[k] = v
	}
	return outs, secs
}

// ulps is the distance between a and b in units in the last place of
// float64 (or of float32 if single), 0 for two NaNs, and infinite for a
// NaN and a number.
func ulps(a, b float64, single bool) float64 {
	switch {
	case math.IsNaN(a) && math.IsNaN(b), a == b:
		return 0
	case math.IsNaN(a) || math.IsNaN(b) || math.IsInf(a, 0) || math.IsInf(b, 0):
		return math.Inf(1)
	}
	ord := func(x float64) float64 {
		if single {
			u := int64(math.Float32bits(float32(x)))
			if u&(1<<31) != 0 {
				u = -(u &^ (1 << 31))
			}
			return float64(u)
		}
		u := math.Float64bits(x)
		if u&(1<<63) != 0 {
			return -float64(u &^ (1 << 63))
		}
		return float64(u)
	}
	return math.Abs(ord(a) - ord(b))
}

// funcOf is export.New that fails t on an error.
func funcOf(t *testing.T, name string, in []export.Input, out []export.Output) *export.Func {
	t.Helper()
	f, err := export.New(name, in, out)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func onnxOf(t *testing.T, f *export.Func) []byte {
	t.Helper()
	b, err := f.ONNX()
	if err != nil {
		t.Fatal(err)
	}
	return b
}
