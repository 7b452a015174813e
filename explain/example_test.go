package explain_test

import (
	"fmt"

	"github.com/seed812a03d2/backprop/explain"
	"github.com/seed812a03d2/backprop/lang"
	"github.com/seed812a03d2/backprop/program"
)

func Example() {
	p := lang.MustParse("seed.bp", "u1 = 4\nu2 = 2\nu3 = u1 + u2\nu4 = u3^2\nu5 = sin(u4)\n")
	g, _ := program.Build(p, program.Options{Wrt: []string{"u1"}})
	e := explain.Backward(g, explain.Options{})
	for _, r := range e.Rows {
		fmt.Printf("%s ← %s: %s, %s\n", r.V, r.C, r.Local, r.G)
	}
	a := e.Inputs[0]
	fmt.Printf("∂%s/∂%s = %s = %s\n", e.Of, a.Wrt, a.Expr, explain.Number(a.Value))
	// Output:
	// u4 ← u5: cos(u4), cos(36)
	// u3 ← u4: 2·u3, 12·cos(36)
	// u1 ← u3: 1, 12·cos(36)
	// ∂u5/∂u1 = 12·cos(36) = -1.535564275528856
}
