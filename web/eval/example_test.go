package eval_test

import (
	"encoding/json"
	"fmt"

	"github.com/seed812a03d2/backprop/web/eval"
)

// The worked example, its rows in the order the engine made them, and the
// check of u1's gradient by a nudge.
func Example() {
	src := "u1 = 4\nu2 = 2\nu3 = u1 + u2\nu4 = u3^2\nu5 = sin(u4)\n"
	resp := eval.Evaluate(eval.Request{Program: src, Wrt: []string{"u1"}, Check: "u1", Eps: 1e-7}, eval.Limits{})
	var e struct {
		Rows []struct {
			V, C, Local string
			LocalAt     string `json:"local_at"`
			Step        int
		}
	}
	json.Unmarshal(resp.Explanation, &e)
	for _, r := range e.Rows {
		fmt.Printf("step %d: %s → %s, ∂C/∂V = %s = %s\n", r.Step, r.C, r.V, r.Local, r.LocalAt)
	}
	c := resp.Check
	fmt.Printf("G·ε = %.6g, the change = %.6g\n", float64(c.Predicted), float64(c.Actual))
	// Output:
	// step 0: u5 → u4, ∂C/∂V = cos(u4) = cos(36)
	// step 1: u4 → u3, ∂C/∂V = 2·u3 = 12
	// step 2: u3 → u1, ∂C/∂V = 1 = 1
	// G·ε = -1.53556e-07, the change = -1.53556e-07
}
