package ad_test

import (
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// trainStep builds a small network on g, backpropagates into t and
// updates the weights in place; it returns the loss.
func trainStep(g *ad.Graph, t *ad.Table, x *tensor.Tensor, ws []*tensor.Tensor) float64 {
	p := make([]ad.Node, len(ws))
	for i, w := range ws {
		p[i] = g.Var("w", w)
	}
	h := ops.ReLU(ops.Add(ops.MatMul(g.Const(x), p[0]), p[1]))
	h = ops.Tanh(ops.MatMul(h, p[2]))
	loss := ops.Mean(ops.Neg(ops.LogSoftmax(h, 1)))
	ad.BackwardInto(t, loss, nil)
	for i, w := range ws {
		d := t.Grad(p[i]).Float64s()
		for j := range w.Float64s() {
			w.Float64s()[j] -= 0.1 * d[j]
		}
	}
	return loss.Scalar()
}

func weights() (*tensor.Tensor, []*tensor.Tensor) {
	rng := tensor.NewRand(5)
	x := tensor.RandNormal(rng, tensor.Float64, 0, 1, 16, 8)
	return x, []*tensor.Tensor{
		tensor.RandNormal(rng, tensor.Float64, 0, 0.3, 8, 12),
		tensor.RandNormal(rng, tensor.Float64, 0, 0.3, 12),
		tensor.RandNormal(rng, tensor.Float64, 0, 0.3, 12, 4),
	}
}

// A graph that is Reset recycles its values; training with it gives, bit
// for bit, what training on a fresh graph each step gives, and allocates
// (almost) no tensor memory once warm.
func TestResetRecyclesValues(t *testing.T) {
	x, fresh := weights()
	_, reused := weights()
	var g ad.Graph
	var table ad.Table
	for step := range 12 {
		var fg ad.Graph
		want := trainStep(&fg, new(ad.Table), x, fresh)
		g.Reset()
		got := trainStep(&g, &table, x, reused)
		if got != want {
			t.Fatalf("step %d: loss %v with a Reset graph; %v with a fresh one", step, got, want)
		}
	}
	for i := range fresh {
		a, b := fresh[i].Float64s(), reused[i].Float64s()
		for j := range a {
			if a[j] != b[j] {
				t.Fatalf("weight %d[%d]: %v with a Reset graph; %v with a fresh one", i, j, b[j], a[j])
			}
		}
	}
	if raceEnabled {
		return // the race detector allocates
	}
	bytes := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			g.Reset()
			trainStep(&g, &table, x, reused)
		}
	}).AllocedBytesPerOp()
	// The tensors of one step take 16·12 + 16·12 + 16·4 + … ≈ 10 KB of
	// float64s; what stays is small per-node bookkeeping.
	if bytes > 8000 {
		t.Errorf("a warm step allocates %d bytes; want tensors recycled", bytes)
	}
}

// Ints hands out fresh slices before the first Reset, and after a Reset
// the slices handed out before it, by length; two at once are distinct.
func TestIntsRecycled(t *testing.T) {
	var g ad.Graph
	a := g.Ints(5)
	if len(a) != 5 {
		t.Fatalf("Ints(5) has length %d", len(a))
	}
	g.Reset()
	b, c := g.Ints(5), g.Ints(5)
	if &b[0] == &c[0] {
		t.Fatal("two Ints(5) of one build share their storage")
	}
	d := g.Ints(3)
	g.Reset()
	e, f, h := g.Ints(5), g.Ints(5), g.Ints(3)
	if !(&e[0] == &b[0] || &e[0] == &c[0]) || !(&f[0] == &b[0] || &f[0] == &c[0]) || &e[0] == &f[0] {
		t.Error("after a Reset, Ints(5) does not hand out the two slices of length 5 again")
	}
	if &h[0] != &d[0] {
		t.Error("after a Reset, Ints(3) does not hand out the slice of length 3 again")
	}
	if n := testing.AllocsPerRun(10, func() { g.Reset(); g.Ints(5); g.Ints(3) }); n != 0 && !raceEnabled {
		t.Errorf("a warm Reset and Ints allocate %v times; want 0", n)
	}
	defer func() {
		if _, ok := recover().(*ad.GraphError); !ok {
			t.Error("Ints(-1) does not panic with a *GraphError")
		}
	}()
	g.Ints(-1)
}

// TestTensorRecycled checks that Graph.Tensor hands out zeroed tensors,
// recycled after a Reset, and that they are neither an operation's value
// nor its scratch: no later tensor of the same build shares their storage.
func TestTensorRecycled(t *testing.T) {
	var g ad.Graph
	a := g.Tensor(tensor.Float32, 2, 3)
	if !a.Shape().Equal(tensor.Shape{2, 3}) || a.DType() != tensor.Float32 {
		t.Fatalf("Tensor(Float32, 2, 3) is %v %v", a.DType(), a.Shape())
	}
	build := func() (b, y, c *tensor.Tensor) {
		b = g.Tensor(tensor.Float32, 2, 3)
		x := g.Const(b)
		y = ops.Mul(x, x).Value() // an operation's value from the pool, after the Tensor
		c = g.Tensor(tensor.Float32, 3, 2)
		return b, y, c
	}
	g.Reset()
	b1, y1, c1 := build()
	b1.Float32s()[4], y1.Float32s()[4], c1.Float32s()[4] = 7, 7, 7
	g.Reset()
	// The three storages of the first build are free now: the second
	// takes them again, each once.
	b2, y2, c2 := build()
	first := map[*float32]bool{&b1.Float32s()[0]: true, &y1.Float32s()[0]: true, &c1.Float32s()[0]: true}
	seen := map[*float32]bool{}
	for _, v := range []*tensor.Tensor{b2, y2, c2} {
		p := &v.Float32s()[0]
		if seen[p] || !first[p] {
			t.Fatal("a build's Tensors and values do not take the earlier storage, each once")
		}
		seen[p] = true
	}
	if b2.Float32s()[4] != 0 || c2.Float32s()[4] != 0 {
		t.Error("a recycled Tensor is not zeroed")
	}
	if n := testing.AllocsPerRun(10, func() { g.Reset(); g.Tensor(tensor.Float64, 4, 4) }); n != 0 && !raceEnabled {
		t.Errorf("a warm Reset and Tensor allocate %v times; want 0", n)
	}
}

// Move exchanges storage only with a gradient that is the backward pass's
// scratch in a pooled graph; otherwise it leaves dst alone.
func TestTableMove(t *testing.T) {
	x := tensor.FromFloat64s([]float64{1, 2, 3, 4}, 2, 2)
	run := func(g *ad.Graph) (ad.Node, *ad.Table) {
		w := g.Var("w", x)
		loss := ops.Sum(ops.Tanh(ops.MatMul(w, w)))
		return w, ad.Backward(loss, w)
	}
	// Never Reset: no pool, so nothing is scratch.
	var fresh ad.Graph
	w, table := run(&fresh)
	dst := tensor.New(tensor.Float64, 2, 2)
	if table.Move(w, dst) {
		t.Error("Move in a graph without a pool reports true")
	}
	var g ad.Graph
	g.Reset()
	w, table = run(&g)
	want := table.Grad(w).Clone()
	if table.Move(w, tensor.New(tensor.Float64, 4)) {
		t.Error("Move into a tensor of another shape reports true")
	}
	if !table.Move(w, dst) {
		t.Fatal("Move of a product's gradient in a pooled graph reports false")
	}
	for i, v := range want.Float64s() {
		if dst.Float64s()[i] != v {
			t.Fatalf("after Move, dst[%d] = %v; want %v", i, dst.Float64s()[i], v)
		}
	}
	if table.Grad(w) != dst {
		t.Error("after Move, the table's entry is not dst")
	}
	if table.Move(w, tensor.New(tensor.Float64, 2, 2)) {
		t.Error("a second Move of the same gradient reports true")
	}
	// Another table's scratch, here given as the seed of a second
	// backward pass, is not this table's to move.
	g.Reset()
	z := g.Var("z", x)
	t1 := ad.Backward(ops.Sum(ops.Tanh(z)), z)
	first := t1.Grad(z).Clone()
	u := g.Var("u", tensor.FromFloat64s([]float64{1, 1, 1, 1}, 2, 2))
	t2 := ad.BackwardSeed(u, t1.Grad(z), u)
	if t2.Move(u, tensor.New(tensor.Float64, 2, 2)) {
		t.Error("Move of a gradient that is the seed, another table's entry, reports true")
	}
	for i, v := range first.Float64s() {
		if t1.Grad(z).Float64s()[i] != v {
			t.Fatalf("the first table's gradient changed: [%d] = %v; want %v", i, t1.Grad(z).Float64s()[i], v)
		}
	}
}
