// Command seed runs backprop's worked example: u3 = u1 + u2, u4 = u3²,
// u5 = sin(u4) at u1 = 4, u2 = 2. It prints the forward values, the
// gradient table and the answer ∂u5/∂u1 = 12·cos(36).
package main

import (
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
)

func main() {
	run(os.Stdout)
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func run(w io.Writer) {
	var g ad.Graph
	u1 := g.ScalarVar("u1", 4)
	u2 := g.ScalarVar("u2", 2)
	u3 := ops.Add(u1, u2)
	u4 := ops.PowConst(u3, 2)
	u5 := ops.Sin(u4)
	u3.SetName("u3")
	u4.SetName("u4")
	u5.SetName("u5")

	fmt.Fprintln(w, "Forward pass")
	fmt.Fprintf(w, "  u1 = %s\n", num(u1.Scalar()))
	fmt.Fprintf(w, "  u2 = %s\n", num(u2.Scalar()))
	fmt.Fprintf(w, "  u3 = u1 + u2  = %s\n", num(u3.Scalar()))
	fmt.Fprintf(w, "  u4 = u3^2     = %s\n", num(u4.Scalar()))
	fmt.Fprintf(w, "  u5 = sin(u4)  = %s\n", num(u5.Scalar()))

	t := ad.Backward(u5)
	fmt.Fprintln(w, "\nGradient table (backward pass)")
	fmt.Fprintf(w, "  grad_table[u5] = 1                        = %s\n", num(t.Scalar(u5)))
	fmt.Fprintf(w, "  grad_table[u4] = cos(u4)·grad_table[u5]   = %s\n", num(t.Scalar(u4)))
	fmt.Fprintf(w, "  grad_table[u3] = (2·u3)·grad_table[u4]    = %s\n", num(t.Scalar(u3)))
	fmt.Fprintf(w, "  grad_table[u2] = 1·grad_table[u3]         = %s\n", num(t.Scalar(u2)))
	fmt.Fprintf(w, "  grad_table[u1] = 1·grad_table[u3]         = %s\n", num(t.Scalar(u1)))

	// The symbolic answer: the local derivatives 2·u3 and cos(u4) at the
	// forward values.
	fmt.Fprintf(w, "\n∂u5/∂u1 = %s·cos(%s) = %s\n", num(2*u3.Scalar()), num(u4.Scalar()), num(t.Scalar(u1)))
}
