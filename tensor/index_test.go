package tensor_test

import (
	"fmt"
	"testing"

	"github.com/seed812a03d2/backprop/tensor"
)

func TestIndex(t *testing.T) {
	idx := tensor.NewIndex([]int{0, 2, 1, 1, 0, 2}, 2, 3)
	if idx.String() != "index[2 3] [0 2 1 1 0 2]" {
		t.Errorf("String = %q", idx.String())
	}
	data := []int{1, 2}
	v := tensor.NewIndex(data)
	data[0] = 9
	if fmt.Sprint(v.Shape(), v.Data()) != "[2] [1 2]" {
		t.Errorf("NewIndex of a vector = %v %v; the data must be copied", v.Shape(), v.Data())
	}
	if tensor.Catch(func() { tensor.NewIndex([]int{1, 2, 3}, 2, 2) }) == nil {
		t.Error("NewIndex of 3 indices as [2 2]: no error")
	}
	x := tensor.FromFloat64s([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	g := tensor.Gather(x, 1, idx)
	if fmt.Sprint(g.Data()) != "[1 3 2 5 4 6]" {
		t.Errorf("Gather = %v", g.Data())
	}
	s := tensor.ScatterAdd(g, 1, idx, x.Shape())
	if fmt.Sprint(s.Data()) != "[1 2 3 4 5 6]" {
		t.Errorf("ScatterAdd of Gather = %v; a permutation gives x back", s.Data())
	}
	if got := tensor.IndexSelect(x.AsType(tensor.Float32), 1, tensor.NewIndex([]int{2, 2})); fmt.Sprint(got.Shape(), got.Data()) != "[2 2] [3 3 6 6]" {
		t.Errorf("IndexSelect float32 = %v %v", got.Shape(), got.Data())
	}
	if got := tensor.IndexAdd(tensor.Ones(tensor.Float64, 2, 2), 1, tensor.NewIndex([]int{2, 2}), tensor.Shape{2, 3}); fmt.Sprint(got.Data()) != "[0 0 2 0 0 2]" {
		t.Errorf("IndexAdd = %v", got.Data())
	}
	if tensor.Catch(func() { tensor.ArgMax(tensor.New(tensor.Float64, 2, 0), 1) }) == nil {
		t.Error("ArgMax over an empty axis: no error")
	}
}

func TestIndexColumn(t *testing.T) {
	x := tensor.NewIndex([]int{3, 1, 2}, 3)
	c := x.Column()
	if !c.Shape().Equal(tensor.Shape{3, 1}) || c.Data()[2] != 2 || x.Column() != c {
		t.Errorf("Column = %v (same as the second call: %v)", c, x.Column() == c)
	}
	// The column shares the positions: a loader that rewrites them in
	// place is seen through it.
	x.Data()[0] = 0
	if c.Data()[0] != 0 {
		t.Error("Column copied the positions")
	}
	if err := tensor.Catch(func() { tensor.NewIndex([]int{1, 2}, 1, 2).Column() }); err == nil {
		t.Error("Column of a matrix: no error")
	}
}
