package adtest_test

import (
	"fmt"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ad/adtest"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

func ExampleGrad() {
	f := func(xs ...ad.Node) ad.Node { return ops.Mul(ops.Sin(xs[0]), xs[1]) }
	x := tensor.FromFloat64s([]float64{0.3, -1.2}, 2)
	y := tensor.FromFloat64s([]float64{2, 0.5}, 2)
	fmt.Println(adtest.Grad(f, x, y))
	fmt.Println(adtest.Grad2(f, x, y))
	// Output:
	// <nil>
	// <nil>
}
