package safetensors_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"testing"

	ref "github.com/nlpodyssey/safetensors"

	"github.com/seed812a03d2/backprop/safetensors"
	"github.com/seed812a03d2/backprop/tensor"
)

func sample() []safetensors.Named {
	return []safetensors.Named{
		{Name: "fc1.weight", Tensor: tensor.FromFloat32s([]float32{1, -2.5, float32(math.Inf(1)), 3e-38, 0, 7}, 2, 3)},
		{Name: "fc1.bias", Tensor: tensor.FromFloat64s([]float64{math.Pi, math.Copysign(0, -1)}, 2)},
		{Name: "step", Tensor: tensor.Scalar(12)},
		{Name: "empty", Tensor: tensor.New(tensor.Float32, 0, 4)},
	}
}

func write(t *testing.T, ts []safetensors.Named, meta map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := safetensors.Write(&b, ts, meta); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestRoundTrip(t *testing.T) {
	b := write(t, sample(), map[string]string{"format": "pt", "note": "a \"quoted\" value"})
	if n := binary.LittleEndian.Uint64(b); n%8 != 0 || b[8] != '{' {
		t.Errorf("header of %d bytes starting %q; want a multiple of 8 starting with {", n, b[8])
	}
	f, err := safetensors.Read(b, "m.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	if f.Metadata["note"] != `a "quoted" value` || len(f.Names) != 4 {
		t.Errorf("metadata %v, names %v", f.Metadata, f.Names)
	}
	for _, want := range sample() {
		got := f.Tensors[want.Name]
		if got == nil || !got.Shape().Equal(want.Tensor.Shape()) || got.DType() != want.Tensor.DType() {
			t.Fatalf("%s: read %v; wrote %v", want.Name, got, want.Tensor)
		}
		for i, v := range want.Tensor.Data() {
			if g := got.Data()[i]; math.Float64bits(g) != math.Float64bits(v) {
				t.Errorf("%s[%d] = %v; wrote %v", want.Name, i, g, v)
			}
		}
	}
}

// TestIndependentReader checks byte compatibility with another
// implementation of the specification, github.com/nlpodyssey/safetensors,
// in both directions.
func TestIndependentReader(t *testing.T) {
	b := write(t, sample(), map[string]string{"format": "pt"})
	st, err := ref.Deserialize(b)
	if err != nil {
		t.Fatalf("nlpodyssey/safetensors rejects our file: %v", err)
	}
	w, ok := st.Tensor("fc1.weight")
	if !ok || w.DType() != ref.F32 || len(w.Shape()) != 2 || w.Shape()[1] != 3 {
		t.Fatalf("fc1.weight read as %v %v", w.DType(), w.Shape())
	}
	if v := math.Float32frombits(binary.LittleEndian.Uint32(w.Data()[4:])); v != -2.5 {
		t.Errorf("fc1.weight[1] read as %v; want -2.5", v)
	}
	bias, _ := st.Tensor("fc1.bias")
	if v := math.Float64frombits(binary.LittleEndian.Uint64(bias.Data())); v != math.Pi || bias.DType() != ref.F64 {
		t.Errorf("fc1.bias[0] read as %v %v; want F64 π", bias.DType(), v)
	}
	// And a file the other implementation writes is one we read.
	view, err := ref.NewTensorView(ref.F64, []uint64{2}, binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(nil, math.Float64bits(1.5)), math.Float64bits(-3)))
	if err != nil {
		t.Fatal(err)
	}
	other, err := ref.Serialize(map[string]ref.TensorView{"x": view}, map[string]string{"k": "v"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := safetensors.Read(other, "other.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	if x := f.Tensors["x"]; x == nil || x.At(1) != -3 || f.Metadata["k"] != "v" {
		t.Errorf("read %v %v", f.Tensors, f.Metadata)
	}
}

// header builds a file from a header text and a data length.
func header(h string, data int) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(h)))
	return append(append(b, h...), make([]byte, data)...)
}

func TestBadFiles(t *testing.T) {
	good := write(t, sample(), nil)
	tests := []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "too short"},
		{"truncated header", good[:20], "only 12 bytes follow"},
		{"truncated data", good[:len(good)-4], "the tensors cover"},
		{"huge header", binary.LittleEndian.AppendUint64(nil, 1<<40), "exceeds"},
		{"not an object", header("[1,2]   ", 0), "does not begin with '{'"},
		{"bad JSON", header(`{"a":`, 0), "header:"},
		{"repeated name", header(`{"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[],"data_offsets":[4,8]}}`, 8), `"a" appears twice`},
		{"lying shape", header(`{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}`, 8), `tensor "w": shape [3] of F32 needs 12 bytes, but its offsets hold 8`},
		{"unknown dtype", header(`{"w":{"dtype":"Q7","shape":[1],"data_offsets":[0,1]}}`, 1), `tensor "w": dtype "Q7" is not supported`},
		{"hole", header(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, 8), `tensor "w": data begins at byte 4`},
		{"overlap", header(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, 8), "an overlap"},
		{"bad offsets", header(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}`, 8), "not [begin, end]"},
		{"unknown field", header(`{"w":{"dtype":"F32","shape":[1],"offsets":[0,4]}}`, 4), `tensor "w"`},
		{"negative size", header(`{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}`, 0), "negative size"},
		{"bad metadata", header(`{"__metadata__":{"a":1}}`, 0), "not an object of strings"},
		{"trailing data", header(`{} x`, 0), "data after the JSON object"},
	}
	for _, tt := range tests {
		_, err := safetensors.Read(tt.b, "m.safetensors")
		var fe *safetensors.FormatError
		if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), "m.safetensors: ") || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v; want a *FormatError with %q", tt.name, err, tt.want)
		}
	}
	if err := safetensors.Write(new(bytes.Buffer), []safetensors.Named{sample()[0], sample()[0]}, nil); err == nil {
		t.Error("Write accepted a repeated name")
	}
}

func FuzzRead(f *testing.F) {
	var b bytes.Buffer
	safetensors.Write(&b, sample(), map[string]string{"a": "b"})
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := safetensors.Read(b, "fuzz")
		if err != nil {
			return
		}
		// What reads writes back to a file that reads the same.
		var ts []safetensors.Named
		for _, n := range file.Names {
			ts = append(ts, safetensors.Named{Name: n, Tensor: file.Tensors[n]})
		}
		var out bytes.Buffer
		if err := safetensors.Write(&out, ts, file.Metadata); err != nil {
			t.Fatal(err)
		}
		if _, err := safetensors.Read(out.Bytes(), "again"); err != nil {
			t.Fatal(err)
		}
	})
}

func TestHugeShape(t *testing.T) {
	// 2^61 float64s: 2^64 bytes, which wraps to 0 in uint64.
	b := header(`{"a":{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,0]}}`, 0)
	if _, err := safetensors.Read(b, "huge"); err == nil || !strings.Contains(err.Error(), "more than a tensor holds") {
		t.Errorf("error %v; want one saying the shape is too big", err)
	}
}
