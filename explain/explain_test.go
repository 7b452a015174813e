package explain

import (
	"math"
	"strings"
	"testing"

	"github.com/seed812a03d2/backprop/lang"
	"github.com/seed812a03d2/backprop/program"
)

// graphOf is what the command explains for a program.
func graphOf(pg *program.Compiled) Graph {
	return Graph{Of: pg.Output(), Wrt: pg.WrtNodes(), Name: pg.Name, OfName: pg.OutputName(), WrtNames: pg.WrtNames}
}

func explainSrc(t *testing.T, src string, opt program.Options) (*lang.Program, *Explanation) {
	t.Helper()
	p, err := program.Syntax.Parse("test.bp", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	pg, err := program.Build(p, opt)
	if err != nil {
		t.Fatal(err)
	}
	return p, Backward(graphOf(pg), Options{})
}

// The operation column shows each statement's expression as written, not
// simplified: parsing it gives the statement's expression back.
func TestOperationsAsWritten(t *testing.T) {
	src := `x = 3
c = -2
a = x - x
b = x * 1
d = x / 2
e = -(-x)
f = (-x)^2
g = x^-1
h = 2^x^2
i = (2^x)^2
j = c + c
k = x - (a - b)
l = a * (b + d) / (e * f)
m = sin(x + 1) * max(a, min(b, 3))
n = -x^2
o = x + -2
p = a / (b / d)
q = (a - b) - (d - e)
r = -(a * b)
s = j + k + l + m + n + o + p + q + r + f + g + h + i
`
	p, e := explainSrc(t, src, program.Options{})
	ops := map[string]string{}
	for _, r := range e.Forward {
		ops[r.Name] = r.Op
	}
	lines := strings.Split(src, "\n")
	for i, s := range p.Stmts {
		if s.Input {
			continue
		}
		op, ok := ops[s.Name]
		if !ok {
			t.Errorf("no forward row for %s", s.Name)
			continue
		}
		if strings.Contains(op, "#") {
			continue // a long subexpression is called by its node's name
		}
		again, err := program.Syntax.Parse("op", []byte(strings.Join(lines[:i], "\n")+"\nt = "+strings.ReplaceAll(op, "·", "*")))
		if err != nil {
			t.Errorf("%s: operation %q does not parse: %v", s.Name, op, err)
			continue
		}
		if got, want := lang.Format(again.Stmts[len(again.Stmts)-1].X), lang.Format(s.X); got != want {
			t.Errorf("%s: operation %q reads as %s; want %s", s.Name, op, got, want)
		}
	}
	for name, want := range map[string]string{"a": "x - x", "b": "x·1", "d": "x/2", "g": "x^-1", "j": "c + c", "n": "-x^2"} {
		if ops[name] != want {
			t.Errorf("operation of %s = %q; want %q", name, ops[name], want)
		}
	}
}

// checkTable checks the calculation table's invariants: a node's rows are
// together, its G is the sum of its contributions, and a consumer's G is
// complete before it is used.
func checkTable(t *testing.T, e *Explanation) {
	t.Helper()
	done := map[string]bool{}
	for k := 0; k < len(e.Rows); {
		v := e.Rows[k].V
		if done[v] {
			t.Errorf("rows of %s are not together", v)
		}
		sum := 0.0
		end := k
		for ; end < len(e.Rows) && e.Rows[end].V == v; end++ {
			r := e.Rows[end]
			sum += r.ContribValue
			if done[r.C] {
				continue
			}
			for _, later := range e.Rows[end+1:] {
				if later.V == r.C {
					t.Errorf("row %s←%s uses G[%s] before its rows", v, r.C, r.C)
					break
				}
			}
		}
		g := e.Rows[k].GValue
		if !(sum == g || math.Abs(sum-g) <= 1e-12*math.Abs(g) || math.IsNaN(sum) && math.IsNaN(g)) {
			t.Errorf("G[%s] = %v, but its contributions sum to %v", v, g, sum)
		}
		done[v] = true
		k = end
	}
}

func TestCalculationTable(t *testing.T) {
	for _, src := range []string{
		"u1 = 4\nu2 = 2\nu3 = u1 + u2\nu4 = u3^2\nu5 = sin(u4)\n",
		"a = -4\nb = 2\nc = a + b\nd = a * b + b**3\nc = c + c + 1\nc = c + 1 + c + (-a)\nd = d + d * 2 + relu(b + a)\nd = d + 3 * d + relu(b - a)\ne = c - d\nf = e^2\ng = f / 2\ng = g + 10 / f\n",
		"x = 0\ny = log(x) * 0 + x\n",
		"x = 2\ny = x * x * x\nz = y / x - sqrt(y) + tanh(y) * sigmoid(x)\n",
	} {
		_, e := explainSrc(t, src, program.Options{})
		checkTable(t, e)
	}
}

// A zero upstream gradient contributes zero, whatever the local
// derivative: the table agrees with the engine.
func TestZeroUpstream(t *testing.T) {
	_, e := explainSrc(t, "x = 0\ny = log(x) * 0 + x\n", program.Options{})
	if got := e.Inputs[0].Value; got != 1 {
		t.Errorf("∂y/∂x = %v; want 1", got)
	}
	for _, r := range e.Rows {
		if math.IsNaN(r.ContribValue) || math.IsNaN(r.GValue) {
			t.Errorf("row %s←%s: contribution %v, G %v; want no NaN", r.V, r.C, r.ContribValue, r.GValue)
		}
	}
}

// The final rows name the node in the tables' terms and say whether it is
// an input.
func TestAnswerRows(t *testing.T) {
	_, e := explainSrc(t, "x = 1\nx = x * 3\ny = x^2\n", program.Options{Wrt: []string{"x"}})
	a := e.Inputs[0]
	if a.Wrt != "x" || a.Node != "x#2" || a.Input || a.kind() != "(wrt)" || a.Value != 6 {
		t.Errorf("answer = %+v; want x, node x#2, not an input, 6", a)
	}
	_, e = explainSrc(t, "x = 1\nx = x * 3\ny = x^2\n", program.Options{})
	a = e.Inputs[0]
	if a.Node != "x" || !a.Input || a.kind() != "(input)" || a.Value != 18 {
		t.Errorf("answer = %+v; want node x, an input, 18", a)
	}
}

// The second pass: its table keeps the invariants, and its answers are
// the Hessian.
func TestSecondOrder(t *testing.T) {
	for _, src := range []string{
		"u1 = 4\nu2 = 2\nu3 = u1 + u2\nu4 = u3^2\nu5 = sin(u4)\n",
		"a = 0.7\nb = -1.3\nc = a * b + tanh(a) / (b * b)\nd = exp(c) - sqrt(a * a + 1)\n",
	} {
		p, err := program.Syntax.Parse("test.bp", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		pg, err := program.Build(p, program.Options{})
		if err != nil {
			t.Fatal(err)
		}
		h, err := pg.Hessian()
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range SecondOrder(graphOf(pg), Options{}) {
			checkTable(t, e)
			if e.First != pg.WrtNames[i] {
				t.Errorf("First = %q; want %q", e.First, pg.WrtNames[i])
			}
			for j, a := range e.Inputs {
				if math.Abs(a.Value-h[i][j]) > 1e-12*math.Max(1, math.Abs(h[i][j])) {
					t.Errorf("%s: second pass gives %v; Hessian %v", e.derivative(a.Wrt), a.Value, h[i][j])
				}
			}
		}
	}
}

// A variable called add assigned eleven times is labelled add#2 … add#11,
// which are also the engine's names of the subexpressions add#10 and
// add#11 (the hardening of issue 9): every node must still have a name of
// its own.
func TestNamesAreUnique(t *testing.T) {
	src := "a = 1\n" + strings.Repeat("add = a + a*a + a*a\n", 11)
	_, e := explainSrc(t, src, program.Options{})
	seen := map[string]bool{}
	for _, r := range e.Forward {
		if seen[r.Name] {
			t.Errorf("two forward rows are named %s", r.Name)
		}
		seen[r.Name] = true
	}
	if !seen["add#11"] || !seen["add#10′"] {
		t.Errorf("want the statement add#11 and the subexpression add#10′ among %v", seen)
	}
}
