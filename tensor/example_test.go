package tensor_test

import (
	"fmt"

	"github.com/seed812a03d2/backprop/tensor"
)

func Example() {
	x := tensor.FromFloat64s([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	b := tensor.FromFloat64s([]float64{10, 20, 30}, 3)
	y := tensor.Add(x, b) // b is broadcast over the rows of x
	fmt.Println(y)
	fmt.Println(tensor.Sum(y, []int{1}, false))
	fmt.Println(tensor.MatMul(x, tensor.Transpose(x)))
	// Output:
	// [[11 22 33] [14 25 36]]
	// [66 75]
	// [[14 32] [32 77]]
}

func ExampleCatch() {
	x := tensor.Zeros(tensor.Float64, 2, 3)
	err := tensor.Catch(func() { tensor.MatMul(x, x) })
	fmt.Println(err)
	// Output: tensor: MatMul: incompatible shapes [2 3] and [2 3]
}
