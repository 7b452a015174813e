package ops

import (
	"runtime"
	"testing"

	"github.com/seed812a03d2/backprop/tensor"
)

func TestIntern(t *testing.T) {
	a, b := reshapeOpFor([]int{2, 3}), reshapeOpFor([]int{2, 3})
	if a != b {
		t.Error("two reshapes to [2 3] are different operations")
	}
	if reshapeOpFor([]int{2, 3}) == reshapeOpFor([]int{3, 2}) {
		t.Error("reshapes to [2 3] and [3 2] are one operation")
	}
	if spreadOpFor(tensor.Shape{4}, true) == spreadOpFor(tensor.Shape{4}, false) {
		t.Error("sum-to and broadcast to [4] are one operation")
	}
	if reduceOpFor(redSum, []int{0}, false) == reduceOpFor(redMean, []int{0}, false) {
		t.Error("sum and mean over axis 0 are one operation")
	}
	long := []int{1, 1, 1, 1, 1, 1, 1, 1, 2}
	if a := reshapeOpFor(long); !tensor.Shape(a.shape).Equal(long) {
		t.Errorf("a rank-9 reshape has shape %v", a.shape)
	}

	idx := tensor.NewIndex([]int{0, 1}, 2, 1)
	g, again := gatherOpFor(1, idx, false, nil), gatherOpFor(1, idx, false, nil)
	if again != g || gatherOpFor(1, idx, true, tensor.Shape{2, 3}) == g {
		t.Error("gathers with one index are not interned apart from scatter-adds")
	}
	if gatherOpFor(1, tensor.NewIndex([]int{0, 1}, 2, 1), false, nil) == g {
		t.Error("a gather with another index (equal positions) is the same operation")
	}
	runtime.KeepAlive(g)
	runtime.KeepAlive(idx)

	// The table keeps neither the index nor the operation alive.
	func() {
		for range 100 {
			gatherOpFor(0, tensor.NewIndex([]int{0}, 1), false, nil)
		}
	}()
	runtime.GC()
	gathers.Lock()
	live := 0
	for k, v := range gathers.m {
		if k.idx.Value() != nil && v.Value() != nil {
			live++
		}
	}
	gathers.Unlock()
	if live > 10 {
		t.Errorf("%d gathers of dropped indices still live after a collection", live)
	}
}
