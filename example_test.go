package backprop_test

import (
	"fmt"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
)

// The worked example: u3 = u1 + u2, u4 = u3², u5 = sin(u4) at u1 = 4 and
// u2 = 2. Its gradient ∂u5/∂u1 is 12·cos(36).
func Example() {
	var g ad.Graph
	u1 := g.ScalarVar("u1", 4)
	u2 := g.ScalarVar("u2", 2)
	u5 := ops.Sin(ops.PowConst(ops.Add(u1, u2), 2))
	fmt.Println(ad.Backward(u5).Scalar(u1))
	// Output: -1.535564275528856
}
