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

func ExampleBroadcastTo() {
	x := tensor.FromFloat64s([]float64{1, 2, 3}, 3)
	b := tensor.BroadcastTo(x, 2, 3)
	fmt.Println(b)
	fmt.Println(tensor.SumTo(b, 3)) // the adjoint: sums the rows back
	// Output:
	// [[1 2 3] [1 2 3]]
	// [2 4 6]
}

func ExampleSlice() {
	x := tensor.Arange(tensor.Float64, 0, 12, 1)
	m := tensor.Reshape(x, 3, 4)
	fmt.Println(tensor.Slice(m, tensor.Range{Start: 1, Stop: 3}, tensor.Range{Start: 0, Stop: 4, Step: 2}))
	// Output: [[4 6] [8 10]]
}

func ExampleLogSumExp() {
	x := tensor.FromFloat64s([]float64{1000, 1000}, 2)
	fmt.Println(tensor.LogSumExp(x, 0, false)) // 1000 + ln 2, without overflow
	// Output: 1000.6931471805599
}

func ExampleMatMulTransA() {
	x := tensor.FromFloat64s([]float64{1, 2, 3, 4, 5, 6}, 3, 2)
	y := tensor.FromFloat64s([]float64{1, 0, 0, 1, 1, 1}, 3, 2)
	fmt.Println(tensor.MatMulTransA(x, y)) // xᵀ·y, [2 3]·[3 2]
	fmt.Println(tensor.MatMul(tensor.Transpose(x), y))
	// Output:
	// [[6 8] [8 10]]
	// [[6 8] [8 10]]
}

func ExampleMatMulTransB() {
	x := tensor.FromFloat64s([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	fmt.Println(tensor.MatMulTransB(x, x)) // x·xᵀ, [2 3]·[3 2]
	// Output: [[14 32] [32 77]]
}
