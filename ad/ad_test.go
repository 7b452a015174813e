package ad_test

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// seed builds the worked example: u3 = u1 + u2, u4 = u3², u5 = sin(u4) at
// u1 = 4, u2 = 2.
func seed(g *ad.Graph) (u1, u2, u3, u4, u5 ad.Node) {
	u1 = g.ScalarVar("u1", 4)
	u2 = g.ScalarVar("u2", 2)
	u3 = ops.Add(u1, u2)
	u4 = ops.PowConst(u3, 2)
	u5 = ops.Sin(u4)
	return
}

func relClose(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Abs(want)
}

func TestWorkedExample(t *testing.T) {
	var g ad.Graph
	u1, u2, u3, u4, u5 := seed(&g)
	// Forward values from the worked example.
	for _, c := range []struct {
		n    ad.Node
		want float64
	}{{u3, 6}, {u4, 36}, {u5, math.Sin(36)}} {
		if got := c.n.Scalar(); got != c.want {
			t.Errorf("%v = %v; want %v", c.n, got, c.want)
		}
	}
	// grad_table[u4] = cos(36), grad_table[u3] = 2·6·cos(36), and u1, u2
	// receive grad_table[u3]: -1.535564275528856 = 12·cos(36).
	want := map[ad.Node]float64{u5: 1, u4: math.Cos(36), u3: 12 * math.Cos(36), u2: 12 * math.Cos(36), u1: 12 * math.Cos(36)}
	table := ad.Backward(u5)
	recorded := ad.Gradients(u5, u1, u2, u3, u4, u5)
	for i, n := range []ad.Node{u1, u2, u3, u4, u5} {
		if got := table.Scalar(n); !relClose(got, want[n], 1e-15) {
			t.Errorf("Backward(u5).Scalar(%v) = %v; want %v", n, got, want[n])
		}
		if got := recorded[i].Scalar(); !relClose(got, want[n], 1e-15) {
			t.Errorf("Gradients(u5, %v) = %v; want %v", n, got, want[n])
		}
	}
	if got := table.Scalar(u1); !relClose(got, -1.535564275528856, 1e-15) {
		t.Errorf("∂u5/∂u1 = %v; want -1.535564275528856", got)
	}
}

// TestMicrograd is the "more ops" example from Karpathy's micrograd README,
// whose values come from PyTorch there.
func TestMicrograd(t *testing.T) {
	var g ad.Graph
	k := func(v float64) ad.Node { return g.ScalarConst(v) }
	a := g.ScalarVar("a", -4)
	b := g.ScalarVar("b", 2)
	c := ops.Add(a, b)
	d := ops.Add(ops.Mul(a, b), ops.PowConst(b, 3))
	c = ops.Add(ops.Add(c, c), k(1))
	c = ops.Add(ops.Add(ops.Add(c, k(1)), c), ops.Neg(a))
	d = ops.Add(ops.Add(d, ops.Mul(d, k(2))), ops.ReLU(ops.Add(b, a)))
	d = ops.Add(ops.Add(d, ops.Mul(k(3), d)), ops.ReLU(ops.Sub(b, a)))
	e := ops.Sub(c, d)
	f := ops.PowConst(e, 2)
	gg := ops.Div(f, k(2))
	gg = ops.Add(gg, ops.Div(k(10), f))
	const wantG, wantA, wantB = 24.70408163265306, 138.83381924198252, 645.5772594752186
	if got := gg.Scalar(); !relClose(got, wantG, 1e-12) {
		t.Errorf("g = %v; want %v", got, wantG)
	}
	table := ad.Backward(gg)
	rec := ad.Gradients(gg, a, b)
	for _, c := range []struct {
		name      string
		fast, rec float64
		want      float64
	}{{"a", table.Scalar(a), rec[0].Scalar(), wantA}, {"b", table.Scalar(b), rec[1].Scalar(), wantB}} {
		if !relClose(c.fast, c.want, 1e-12) || !relClose(c.rec, c.want, 1e-12) {
			t.Errorf("dg/d%s = %v (Backward), %v (Gradients); want %v", c.name, c.fast, c.rec, c.want)
		}
	}
}

func TestNodeUsedTwice(t *testing.T) {
	var g ad.Graph
	a := g.ScalarVar("a", 1)
	b := ops.Add(a, a)
	c := ops.Add(b, b)
	if got := ad.Backward(c).Scalar(a); got != 4 {
		t.Errorf("Backward: dc/da = %v; want 4", got)
	}
	if got := ad.Gradients(c, a)[0].Scalar(); got != 4 {
		t.Errorf("Gradients: dc/da = %v; want 4", got)
	}
}

// TestTanhHigherOrder differentiates tanh three times at 2.0. The values
// are 1-tanh², -2·tanh·(1-tanh²) and (1-tanh²)(6·tanh²-2) at 2.
func TestTanhHigherOrder(t *testing.T) {
	for _, tc := range []struct {
		name string
		x    *tensor.Tensor
	}{{"scalar", tensor.Scalar(2)}, {"tensor", tensor.FromFloat64s([]float64{2}, 1)}} {
		t.Run(tc.name, func(t *testing.T) {
			var g ad.Graph
			x := g.Var("x", tc.x)
			d := ops.Sum(ops.Tanh(x))
			want := []float64{0.07065082485316443, -0.13621868742711296, 0.2526540650980626}
			for order, w := range want {
				d = ops.Sum(ad.Gradients(d, x)[0])
				if got := d.Scalar(); !relClose(got, w, 1e-14) {
					t.Errorf("d^%d tanh/dx^%d at 2 = %v; want %v", order+1, order+1, got, w)
				}
			}
		})
	}
}

func TestSinSecondDerivative(t *testing.T) {
	for _, v := range []float64{-2.5, 0, 0.3, 1.7} {
		var g ad.Graph
		x := g.ScalarVar("x", v)
		d1 := ad.Gradients(ops.Sin(x), x)[0]
		d2 := ad.Gradients(d1, x)[0]
		if got, want := d2.Scalar(), -math.Sin(v); math.Abs(got-want) > 1e-15 {
			t.Errorf("sin''(%v) = %v; want %v", v, got, want)
		}
	}
}

func TestUnreachedNodeHasZeroGradient(t *testing.T) {
	var g ad.Graph
	x := g.ScalarVar("x", 3)
	y := g.Var("y", tensor.FromFloat64s([]float64{1, 2}, 2))
	z := ops.Sin(x)
	later := ops.Exp(x) // created after z: z does not depend on it
	table := ad.Backward(z)
	if got := table.Scalar(later); got != 0 {
		t.Errorf("Backward(z).Scalar(later) = %v; want 0", got)
	}
	if got := table.Grad(y); !got.Shape().Equal(tensor.Shape{2}) || got.Data()[0] != 0 || got.Data()[1] != 0 {
		t.Errorf("Backward(z).Grad(y) = %v; want [0 0]", got)
	}
	got := ad.Gradients(z, y, later)
	if got[0].Value().String() != "[0 0]" || got[1].Scalar() != 0 {
		t.Errorf("Gradients(z, y, later) = %v, %v; want [0 0], 0", got[0].Value(), got[1].Value())
	}
}

func TestConstantNeedsToBeNamed(t *testing.T) {
	var g ad.Graph
	x := g.ScalarVar("x", 3)
	c := g.ScalarConst(2)
	y := ops.Mul(x, c)
	var ge *ad.GraphError
	if err := catch(func() { ad.Backward(y).Scalar(c) }); !errors.As(err, &ge) {
		t.Errorf("Backward(y).Scalar(c) on a constant: got %v; want a *GraphError", err)
	}
	if got := ad.Backward(y, c).Scalar(c); got != 3 {
		t.Errorf("Backward(y, c).Scalar(c) = %v; want 3", got)
	}
	if got := ad.Gradients(y, c)[0].Scalar(); got != 3 {
		t.Errorf("Gradients(y, c) = %v; want 3", got)
	}
}

func TestIntermediateGradient(t *testing.T) {
	var g ad.Graph
	x := g.ScalarVar("x", 0.5)
	h := ops.Mul(x, x)
	y := ops.Sin(h)
	if got, want := ad.Backward(y, h).Scalar(h), math.Cos(0.25); got != want {
		t.Errorf("Backward(y, h): dy/dh = %v; want %v", got, want)
	}
	if got, want := ad.Backward(y).Scalar(h), math.Cos(0.25); got != want {
		t.Errorf("Backward(y): dy/dh = %v; want %v", got, want)
	}
}

func TestCallingTwiceGivesTheSameAnswer(t *testing.T) {
	var g ad.Graph
	_, _, _, _, u5 := seed(&g)
	u1 := g.Node(0)
	first := ad.Backward(u5).Scalar(u1)
	second := ad.Backward(u5).Scalar(u1)
	r1 := ad.Gradients(u5, u1)[0].Scalar()
	r2 := ad.Gradients(u5, u1)[0].Scalar()
	if first != second || r1 != r2 || first != r1 {
		t.Errorf("repeated calls gave %v, %v (Backward) and %v, %v (Gradients)", first, second, r1, r2)
	}
}

func TestSeed(t *testing.T) {
	var g ad.Graph
	x := g.Var("x", tensor.FromFloat64s([]float64{1, 2, 3}, 3))
	y := ops.Square(x)
	seed := tensor.FromFloat64s([]float64{1, 0, -1}, 3)
	if got := ad.BackwardSeed(y, seed).Grad(x).String(); got != "[2 0 -6]" {
		t.Errorf("BackwardSeed(x², [1 0 -1]) = %v; want [2 0 -6]", got)
	}
	if got := ad.GradientsSeed(y, g.Const(seed), x)[0].Value().String(); got != "[2 0 -6]" {
		t.Errorf("GradientsSeed(x², [1 0 -1]) = %v; want [2 0 -6]", got)
	}
	if got := ad.Backward(y).Grad(x).String(); got != "[2 4 6]" {
		t.Errorf("Backward(x²) = %v; want [2 4 6] (seeded with ones)", got)
	}
	var ge *ad.GraphError
	if err := catch(func() { ad.BackwardSeed(y, tensor.Scalar(1)) }); !errors.As(err, &ge) {
		t.Errorf("BackwardSeed with a wrong-shaped seed: got %v; want a *GraphError", err)
	}
}

// TestLongChain differentiates a chain far deeper than any recursion
// could go: x_{i+1} = sin(x_i)·0.9 + x_i·0.1.
func TestLongChain(t *testing.T) {
	steps := 2_500_000 // 10 million nodes
	if testing.Short() || raceEnabled {
		steps = 250_000
	}
	var g ad.Graph
	x0 := g.ScalarVar("x0", 0.5)
	a, b := g.ScalarConst(0.9), g.ScalarConst(0.1)
	x := x0
	for range steps {
		x = ops.Add(ops.Mul(ops.Sin(x), a), ops.Mul(x, b))
	}
	// The same derivative by hand: the product of the local derivatives.
	v, d := 0.5, 1.0
	for range steps {
		d *= math.Cos(v)*0.9 + 0.1
		v = math.Sin(v)*0.9 + v*0.1
	}
	if got := ad.Backward(x, x0).Scalar(x0); !relClose(got, d, 1e-9) {
		t.Errorf("d x/d x0 over %d steps = %v; want %v", steps, got, d)
	}
	if g.Len() < 4*steps {
		t.Errorf("graph has %d nodes; want at least %d", g.Len(), 4*steps)
	}
}

func TestIndependentGraphsConcurrently(t *testing.T) {
	var wg sync.WaitGroup
	results := make([]float64, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var g ad.Graph
			x := g.ScalarVar("x", float64(i))
			y := ops.Mul(ops.Sin(x), x)
			results[i] = ad.Gradients(y, x)[0].Scalar()
		}()
	}
	wg.Wait()
	for i, got := range results {
		v := float64(i)
		if want := math.Cos(v)*v + math.Sin(v); got != want {
			t.Errorf("goroutine %d: d(x·sin x)/dx = %v; want %v", i, got, want)
		}
	}
}

func TestMisuse(t *testing.T) {
	var g1, g2 ad.Graph
	x := g1.ScalarVar("x", 1)
	y := g2.ScalarVar("y", 2)
	v := g1.Var("v", tensor.Zeros(tensor.Float64, 2, 3))
	tests := []struct {
		name string
		f    func()
		want string
	}{
		{"two graphs", func() { ops.Add(x, y) }, "ad: add: nodes of two graphs: x of graph " + fmt.Sprintf("%p", &g1) + " and y of graph " + fmt.Sprintf("%p", &g2)},
		{"zero Node", func() { ops.Sin(ad.Node{}) }, "ad: sin: zero Node as input 0"},
		{"gradient across graphs", func() { ad.Backward(ops.Sin(x), y) }, "ad: Backward: nodes of two graphs: sin#2 of graph " + fmt.Sprintf("%p", &g1) + " and y of graph " + fmt.Sprintf("%p", &g2)},
		{"shape mismatch", func() { ops.MatMul(v, v) }, "tensor: MatMul: incompatible shapes [2 3] and [2 3]"},
		{"broadcast mismatch", func() { ops.Add(v, g1.Var("w", tensor.Zeros(tensor.Float64, 4))) }, "tensor: Add: incompatible shapes [2 3] and [4]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := catch(tt.f)
			if err == nil || err.Error() != tt.want {
				t.Errorf("got %v; want %q", err, tt.want)
			}
		})
	}
}

// catch returns the error f panics with, or nil.
func catch(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = r.(error)
		}
	}()
	f()
	return nil
}
