package export

import (
	"strings"
	"testing"

	"github.com/seed812a03d2/backprop/tensor"
)

// TestStableHLOUnknownPrimitive checks that a primitive without a
// translation fails with an error that names it.
func TestStableHLOUnknownPrimitive(t *testing.T) {
	p := &program{name: "f", f: &Func{Name: "f"}}
	x := p.newValue(tensor.Shape{2}, f32)
	p.inputs = []int{x}
	p.f.Inputs = []Input{{Name: "x"}}
	y := p.emit("frobnicate", tensor.Shape{2}, f32, prim{}, x)
	p.outputs = []int{y}
	p.f.Outputs = []Output{{Name: "y"}}
	_, err := newHLOWriter(p, []bool{false}).module(1)
	if err == nil || !strings.Contains(err.Error(), `the primitive "frobnicate" has no StableHLO translation`) {
		t.Errorf("an unknown primitive: %v", err)
	}
}
