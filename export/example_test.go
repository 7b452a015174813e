package export_test

import (
	"fmt"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/export"
	"github.com/seed812a03d2/backprop/ops"
)

// The worked example, u5 = sin((u1 + u2)²), exported with its gradient as
// an ONNX model.
func Example() {
	var g ad.Graph
	u1, u2 := g.ScalarVar("u1", 4), g.ScalarVar("u2", 2)
	u5 := ops.Sin(ops.Square(ops.Add(u1, u2)))
	in := []export.Input{{Name: "u1", Node: u1}, {Name: "u2", Node: u2}}
	f, err := export.Gradients("worked_example", in, export.Output{Name: "u5", Node: u5}, "u1", "u2")
	if err != nil {
		fmt.Println(err)
		return
	}
	model, err := f.ONNX()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(model) > 0)
	for _, o := range f.Outputs {
		fmt.Println(o.Name)
	}
	// Output:
	// true
	// u5
	// grad_u1
	// grad_u2
}
