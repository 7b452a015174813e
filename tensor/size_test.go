package tensor_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/seed812a03d2/backprop/tensor"
)

// The shapes of the hardening issue: their element counts overflow an int
// (2³²·2³² = 2⁶⁴, 2⁶²·4 = 2⁶⁴) or are negative, and every entry point must
// refuse them with a *ShapeError instead of making a tensor whose Size()
// is 0 while its shape claims billions.
func TestInvalidShapesAreShapeErrors(t *testing.T) {
	const big = 1 << 32
	empty := tensor.New(tensor.Float64, 0)
	one := tensor.Ones(tensor.Float64, 1)
	tests := []struct {
		name string
		f    func()
		want string // part of the message
	}{
		{"Ones 2^32×2^32", func() { tensor.Ones(tensor.Float64, big, big) }, "tensor: New: shape [4294967296 4294967296]: more than"},
		{"Ones 2^62×4", func() { tensor.Ones(tensor.Float64, 1<<62, 4) }, "tensor: New: shape [4611686018427387904 4]"},
		{"Zeros float32 2^62×4", func() { tensor.Zeros(tensor.Float32, 1<<62, 4) }, "tensor: New:"},
		{"New 2^61 (bytes overflow)", func() { tensor.New(tensor.Float64, 1<<61) }, "more than"},
		{"New negative", func() { tensor.New(tensor.Float64, 2, -3) }, "tensor: New: shape [2 -3]: negative size"},
		{"Full", func() { tensor.Full(tensor.Float64, 2, big, big) }, "tensor: New:"},
		{"Reshape of an empty tensor", func() { tensor.Reshape(empty, big, big) }, "tensor: Reshape: shape [0]: the result [4294967296 4294967296] would have more than"},
		{"Reshape with -1", func() { tensor.Reshape(empty, big, big, -1) }, "tensor: Reshape:"},
		{"BroadcastTo", func() { tensor.BroadcastTo(one, big, big) }, "tensor: BroadcastTo: shape [1]: the result [4294967296 4294967296] would have more than"},
		{"BroadcastTo negative", func() { tensor.BroadcastTo(one, -1) }, "tensor: BroadcastTo: incompatible shapes [1] and [-1]: negative size"},
		{"BroadcastShapes", func() { tensor.BroadcastShapes("Add", tensor.Shape{big, 1}, tensor.Shape{1, big}) }, "tensor: Add: incompatible shapes [4294967296 1] and [1 4294967296]: the result"},
		{"MatMul", func() { tensor.MatMul(tensor.New(tensor.Float64, big, 0), tensor.New(tensor.Float64, 0, big)) }, "tensor: MatMul: incompatible shapes [4294967296 0] and [0 4294967296]: the result [4294967296 4294967296]"},
		{"FromFloat64s", func() { tensor.FromFloat64s(nil, big, big) }, "tensor: FromFloat64s: shape [4294967296 4294967296]: more than"},
		{"FromFloat32s negative", func() { tensor.FromFloat32s(nil, -1, 0) }, "negative size"},
		{"Embed", func() { tensor.Embed(one, tensor.Shape{big, big}, tensor.Range{Start: 0, Stop: 1}) }, "tensor:"},
		{"Shape.Size", func() { _ = tensor.Shape{big, big}.Size() }, "tensor: Size: shape [4294967296 4294967296]: more than"},
		{"RandNormal", func() { tensor.RandNormal(nil, tensor.Float64, 0, 1, big, big) }, "tensor: New:"},
		{"Linspace negative", func() { tensor.Linspace(tensor.Float64, 0, 1, -1) }, "negative size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tensor.Catch(tt.f)
			if _, ok := err.(*tensor.ShapeError); !ok || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v; want a *ShapeError saying %q", err, tt.want)
			}
		})
	}
	if tensor.Reuse(tensor.New(tensor.Float64, 0), tensor.Float64, big, big, 0) != true {
		t.Error("Reuse of an empty tensor for [2^32 2^32 0] (0 elements) = false; want true")
	}
	if tensor.Reuse(tensor.New(tensor.Float64, 0), tensor.Float64, 1<<62, 4) {
		t.Error("Reuse for a shape of 2^64 elements = true; want false")
	}
	// Large axes of size-0 tensors are fine as long as the count is.
	if got := tensor.New(tensor.Float64, big, big, 0).Size(); got != 0 {
		t.Errorf("New(2^32, 2^32, 0).Size() = %d; want 0", got)
	}
}

func TestArangeBounds(t *testing.T) {
	for _, tt := range []struct {
		name              string
		start, stop, step float64
		want              string
	}{
		{"infinite stop", 0, math.Inf(1), 1, "tensor: Arange: stop is +Inf"},
		{"infinite start", math.Inf(-1), 0, 1, "tensor: Arange: start is -Inf"},
		{"NaN stop", 0, math.NaN(), 1, "tensor: Arange: stop is NaN"},
		{"NaN step", 0, 1, math.NaN(), "tensor: Arange: step is NaN"},
		{"infinite step", 0, 1, math.Inf(1), "tensor: Arange: step is +Inf"},
		{"zero step", 0, 1, 0, "tensor: Arange: step is zero"},
		{"too many", 0, 1e300, 1e-300, "tensor: Arange: (1e+300 - 0)/1e-300 is more than"},
		{"overflowing span", -math.MaxFloat64, math.MaxFloat64, 1, "is more than"},
	} {
		err := tensor.Catch(func() { tensor.Arange(tensor.Float64, tt.start, tt.stop, tt.step) })
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Arange(%v, %v, %v): got %v; want %q", tt.name, tt.start, tt.stop, tt.step, err, tt.want)
		}
	}
	if got := tensor.Arange(tensor.Float64, 3, 0, 1).Size(); got != 0 {
		t.Errorf("Arange(3, 0, 1) has %d elements; want 0", got)
	}
	if got := tensor.Arange(tensor.Float64, 0, 1, 0.25).String(); got != "[0 0.25 0.5 0.75]" {
		t.Errorf("Arange(0, 1, 0.25) = %s; want [0 0.25 0.5 0.75]", got)
	}
}

// Found by a hostile review: empty tensors with huge axes, huge slice
// steps, overflowing concatenations and allocators that break their
// contract.
func TestHugeAxes(t *testing.T) {
	empty := tensor.New(tensor.Float64, tensor.MaxSize, 0)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if got := tensor.SumTo(empty, 0).Shape(); !got.Equal(tensor.Shape{0}) {
			t.Errorf("SumTo([MaxSize 0], 0) has shape %v", got)
		}
		if got := tensor.Sum(empty, []int{0}, false).Shape(); !got.Equal(tensor.Shape{0}) {
			t.Errorf("Sum over the long axis of [MaxSize 0] has shape %v", got)
		}
		if got := empty.String(); len(got) > 100 {
			t.Errorf("String of [MaxSize 0] is %d bytes", len(got))
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("reducing an empty tensor with a huge axis did not finish in 10 s")
	}
	if got := tensor.Zeros(tensor.Float64, 2, 0).String(); got != "[[] []]" {
		t.Errorf("small empty tensors print as before: %q", got)
	}
	if got := tensor.Max(tensor.New(tensor.Float64, 2, 0), []int{1}, false).String(); got != "[-Inf -Inf]" {
		t.Errorf("Max over an empty axis = %s; want [-Inf -Inf]", got)
	}
	x := tensor.FromFloat64s([]float64{1, 2, 3, 4, 5})
	for _, step := range []int{5, math.MaxInt - 1, math.MaxInt} {
		if got := tensor.Slice(x, tensor.Range{Start: 0, Stop: 5, Step: step}).String(); got != "[1]" {
			t.Errorf("Slice(x, 0:5:%d) = %s; want [1]", step, got)
		}
	}
	if got := tensor.Slice(x, tensor.Range{Start: 1, Stop: 5, Step: 2}).String(); got != "[2 4]" {
		t.Errorf("Slice(x, 1:5:2) = %s; want [2 4]", got)
	}
	huge := tensor.New(tensor.Float64, math.MaxInt, 0)
	if err := tensor.Catch(func() { tensor.Concat(0, huge, huge) }); err == nil || !strings.Contains(err.Error(), "tensor: Concat:") {
		t.Errorf("Concat of two [MaxInt 0]: %v; want a ShapeError naming Concat", err)
	}
	if err := tensor.Catch(func() { tensor.ReducedShape(tensor.Shape{2, 3}, []int{5}, false) }); err == nil {
		t.Error("ReducedShape with axis 5 of a rank-2 shape: no error")
	}
}

func TestNilTensorsAreShapeErrors(t *testing.T) {
	x := tensor.FromFloat64s([]float64{1, 2})
	for name, f := range map[string]func(){
		"Add":         func() { tensor.Add(nil, x) },
		"Sin":         func() { tensor.Sin(nil) },
		"Sum":         func() { tensor.Sum(nil, nil, false) },
		"MatMul":      func() { tensor.MatMul(x, nil) },
		"Concat":      func() { tensor.Concat(0, x, nil) },
		"Stack":       func() { tensor.Stack(0, nil) },
		"Reshape":     func() { tensor.Reshape(nil, 2) },
		"Transpose":   func() { tensor.Transpose(nil) },
		"BroadcastTo": func() { tensor.BroadcastTo(nil, 2) },
		"SumTo":       func() { tensor.SumTo(nil) },
		"Slice":       func() { tensor.Slice(nil) },
		"Embed":       func() { tensor.Embed(nil, tensor.Shape{2}) },
		"Where":       func() { tensor.Where(nil, x, x) },
		"Softmax":     func() { tensor.Softmax(nil, 0) },
		"LogSumExp":   func() { tensor.LogSumExp(nil, 0, false) },
		"Clone":       func() { (*tensor.Tensor)(nil).Clone() },
		"Map":         func() { tensor.Map(x, nil) },
	} {
		if err := tensor.Catch(f); err == nil || !strings.Contains(err.Error(), "tensor: ") {
			t.Errorf("%s with a nil argument: %v; want a ShapeError", name, err)
		}
	}
}
