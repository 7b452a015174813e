package data_test

import (
	"fmt"

	"github.com/seed812a03d2/backprop/data"
	"github.com/seed812a03d2/backprop/tensor"
)

// A loader of 10 examples in batches of 4, shuffled with a seed: the last
// batch holds what is left.
func ExampleLoader() {
	x := tensor.Arange(tensor.Float32, 0, 10, 1)
	labels := make([]int, 10)
	for i := range labels {
		labels[i] = i % 3
	}
	d := data.NewDataset(tensor.Reshape(x, 10, 1), tensor.NewIndex(labels, 10))
	l := data.NewLoader(d, 4, true, 7)
	for b := range l.Batches() {
		fmt.Println(b.X.Shape(), b.Y.Data())
	}
	fmt.Println("epochs done:", l.Epoch())
	// Output:
	// [4 1] [0 2 0 1]
	// [4 1] [0 2 1 1]
	// [2 1] [0 2]
	// epochs done: 1
}
