package program_test

import (
	"fmt"
	"github.com/seed812a03d2/backprop/tensor"
	"math"
	"testing"

	"github.com/seed812a03d2/backprop/program"
)

func Example() {
	p := program.Syntax.MustParse("seed.bp", "u1 = 4\nu2 = 2\nu3 = u1 + u2\nu4 = u3^2\nu5 = sin(u4)\n")
	g, err := program.Build(p, program.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(g.OutputName(), g.Output().Scalar(), g.WrtNames)
	for _, d := range g.Gradients() {
		fmt.Println(d.Item())
	}
	// Output:
	// u5 -0.9917788534431158 [u1 u2]
	// -1.535564275528856
	// -1.535564275528856
}

func TestOptions(t *testing.T) {
	src := "a = 2\nb = -3\nc = a * b\nd = c\nc = c + a\n"
	tests := []struct {
		name      string
		opt       program.Options
		of        string
		value     float64
		wrt       []string
		gradients []float64
	}{
		// c = a·b + a: value -4, ∂/∂a = b + 1 = -2, ∂/∂b = a = 2.
		{"defaults", program.Options{}, "c", -4, []string{"a", "b"}, []float64{-2, 2}},
		// d = a·b (the first c): ∂d/∂a = b.
		{"of d", program.Options{Of: "d", Wrt: []string{"a"}}, "d", -6, []string{"a"}, []float64{-3}},
		// --wrt c sees the last c, the output itself.
		{"wrt the output", program.Options{Wrt: []string{"c", "d"}}, "c", -4, []string{"c", "d"}, []float64{1, 0}},
		// With a = 5: c = 5·(-3) + 5 = -10, ∂/∂b = 5.
		{"set", program.Options{Set: []program.Setting{{Name: "a", Value: tensor.Scalar(5)}}}, "c", -10, []string{"a", "b"}, []float64{-2, 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := program.Build(program.Syntax.MustParse("t.bp", src), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			grads := scalars(g.Gradients())
			if g.OutputName() != tt.of || g.Output().Scalar() != tt.value || fmt.Sprint(g.WrtNames) != fmt.Sprint(tt.wrt) || fmt.Sprint(grads) != fmt.Sprint(tt.gradients) {
				t.Errorf("Build(%+v): %s = %v, ∂/∂%v = %v; want %s = %v, ∂/∂%v = %v", tt.opt, g.OutputName(), g.Output().Scalar(), g.WrtNames, grads, tt.of, tt.value, tt.wrt, tt.gradients)
			}
		})
	}
}

func TestEachStatementIsANode(t *testing.T) {
	g, err := program.Build(program.Syntax.MustParse("t.bp", "x = 3\ny = x\nz = (2)\nw = y * z\n"), program.Options{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for i, n := range g.Nodes {
		if seen[n.ID()] {
			t.Errorf("statement %d shares node %d with another", i+1, n.ID())
		}
		seen[n.ID()] = true
	}
	if got := scalars(g.Gradients()); len(got) != 1 || got[0] != 2 {
		t.Errorf("∂w/∂x = %v; want [2]", got)
	}
	if g.Label(g.Nodes[1]) != "y" {
		t.Errorf("Label(y node) = %q", g.Label(g.Nodes[1]))
	}
}

func TestOptionErrors(t *testing.T) {
	src := "x = 1\ny = x * 2\n"
	tests := []struct {
		opt  program.Options
		want string
	}{
		{program.Options{Of: "z"}, "--of: no node named z"},
		{program.Options{Wrt: []string{"x", "q"}}, "--wrt: no node named q"},
		{program.Options{Set: []program.Setting{{Name: "q", Value: tensor.Scalar(1)}}}, "--set q: no input named q"},
		{program.Options{Set: []program.Setting{{Name: "y", Value: tensor.Scalar(1)}}}, "--set y: y is not an input (it is not assigned a number)"},
	}
	for _, tt := range tests {
		_, err := program.Build(program.Syntax.MustParse("t.bp", src), tt.opt)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Build(%+v) error = %v; want %q", tt.opt, err, tt.want)
		}
	}
}

func TestHessian(t *testing.T) {
	// f = a²·b + sin(b): ∂²/∂a² = 2b, ∂²/∂a∂b = 2a, ∂²/∂b² = -sin(b).
	p := program.Syntax.MustParse("h.bp", "a = 3\nb = 0.5\nf = a^2 * b + sin(b)\n")
	g, err := program.Build(p, program.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h, err := g.Hessian()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]float64{{1, 6}, {6, -math.Sin(0.5)}}
	for i := range want {
		for j := range want[i] {
			if math.Abs(h[i][j]-want[i][j]) > 1e-15 {
				t.Errorf("h[%d][%d] = %v; want %v", i, j, h[i][j], want[i][j])
			}
		}
	}
	// The worked example: ∂²u5/∂u1² = 2·cos(36) - 144·sin(36).
	p = program.Syntax.MustParse("seed.bp", "u1 = 4\nu2 = 2\nu3 = u1 + u2\nu4 = u3^2\nu5 = sin(u4)\n")
	if g, err = program.Build(p, program.Options{Wrt: []string{"u1"}}); err != nil {
		t.Fatal(err)
	}
	if h, err = g.Hessian(); err != nil {
		t.Fatal(err)
	}
	if got, want := h[0][0], 2*math.Cos(36)-144*math.Sin(36); math.Abs(got-want) > 1e-13 {
		t.Errorf("∂²u5/∂u1² = %v; want %v", got, want)
	}
}

// Parse builds while parsing and keeps no syntax tree; it gives what
// Build gives.
func TestParseMatchesBuild(t *testing.T) {
	srcs := []string{
		"u1 = 4\nu2 = 2\nu3 = u1 + u2\nu4 = u3^2\nu5 = sin(u4)\n",
		"a = -4\nb = 2\nc = a + b\nd = a * b + b**3\nc = c + c + 1\nc = c + 1 + c + (-a)\nd = d + d * 2 + relu(b + a)\nd = d + 3 * d + relu(b - a)\ne = c - d\nf = e^2\ng = f / 2\ng = g + 10 / f\n",
		"x = 1\ny = x\nx = 2\nz = (3)\nw = x * y * z + max(x, min(y, 0.5))\n",
	}
	opts := []program.Options{
		{},
		{Of: "c", Wrt: []string{"a", "c"}},
		{Set: []program.Setting{{Name: "x", Value: tensor.Scalar(5)}}},
		{Set: []program.Setting{{Name: "w", Value: tensor.Scalar(5)}}},
		{Wrt: []string{"nope"}},
	}
	for _, src := range srcs {
		p := program.Syntax.MustParse("t.bp", src)
		for _, opt := range opts {
			want, werr := program.Build(p, opt)
			got, gerr := program.Parse("t.bp", []byte(src), opt)
			if fmt.Sprint(werr) != fmt.Sprint(gerr) {
				t.Errorf("%q %+v: Parse error %v; Build error %v", src, opt, gerr, werr)
				continue
			}
			if werr != nil {
				continue
			}
			if got.OutputName() != want.OutputName() || fmt.Sprint(got.Labels, got.WrtNames, scalars(got.Gradients())) != fmt.Sprint(want.Labels, want.WrtNames, scalars(want.Gradients())) {
				t.Errorf("%q %+v: Parse gives %v %v %v %v; Build %v %v %v %v", src, opt,
					got.OutputName(), got.Labels, got.WrtNames, scalars(got.Gradients()), want.OutputName(), want.Labels, want.WrtNames, scalars(want.Gradients()))
			}
		}
	}
	if _, err := program.Parse("bad.bp", []byte("x = 1\ny = x +\n"), program.Options{}); err == nil || err.Error() != "bad.bp:2:8: expected a number, a name, [ or (, found end of line" {
		t.Errorf("Parse of a syntax error: %v", err)
	}
}

// scalars returns the values of scalar gradients.
func scalars(ts []*tensor.Tensor) []float64 {
	out := make([]float64, len(ts))
	for i, t := range ts {
		out[i] = t.Item()
	}
	return out
}
