package explain

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/seed812a03d2/backprop/program"
	"github.com/seed812a03d2/backprop/tensor"
)

// On random programs, inputs at 0, ±Inf and NaN included, every formula
// the table prints evaluates to the number printed beside it, every G is
// the engine's, and every answer is grad's value. A zero upstream
// gradient is said in words.
func TestFormulasEvaluateToTheirValues(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	specials := []float64{0, 1, -1, 2.5, 0.5, -3, math.Inf(1), math.Inf(-1), math.NaN()}
	unary := []string{"sin", "cos", "exp", "log", "sqrt", "tanh", "sigmoid", "relu", "abs", "-"}
	binary := []string{"+", "-", "*", "/", "^", "max", "min"}
	rows, words := 0, 0
	for k := range 400 {
		var src strings.Builder
		names := []string{"a", "b", "c"}
		var set []program.Setting
		for _, n := range names {
			fmt.Fprintf(&src, "%s = 1\n", n)
			set = append(set, program.Setting{Name: n, Value: tensor.Scalar(specials[r.IntN(len(specials))])})
		}
		for i := range 2 + r.IntN(5) {
			pick := func() string { return names[r.IntN(len(names))] }
			var e string
			if r.IntN(2) == 0 {
				f := unary[r.IntN(len(unary))]
				if f == "-" {
					e = "-" + pick()
				} else {
					e = f + "(" + pick() + ")"
				}
			} else {
				switch f := binary[r.IntN(len(binary))]; f {
				case "max", "min":
					e = f + "(" + pick() + ", " + pick() + ")"
				default:
					e = pick() + " " + f + " " + pick()
				}
			}
			n := fmt.Sprintf("v%d", i)
			fmt.Fprintf(&src, "%s = %s\n", n, e)
			names = append(names, n)
		}
		p, err := program.Syntax.Parse("random.bp", []byte(src.String()))
		if err != nil {
			t.Fatal(err)
		}
		pg, err := program.Build(p, program.Options{Set: set})
		if err != nil {
			t.Fatal(err)
		}
		want := pg.Gradients()
		e := Backward(graphOf(pg), Options{})
		gvals := map[string]float64{}
		for _, row := range e.Rows {
			gvals[row.V] = row.GValue
		}
		ctx := fmt.Sprintf("program %d:\n%s(inputs %v)", k, src.String(), set)
		for _, row := range e.Rows {
			rows++
			if strings.HasPrefix(row.Contribution, "0 (") {
				words++
				if row.ContribValue != 0 {
					t.Errorf("%s\nrow %s←%s says 0 in words but the engine's contribution is %v", ctx, row.V, row.C, row.ContribValue)
				}
			} else if got, err := evalFormula(row.Contribution, gvals); err != nil || !sameNumber(got, row.ContribValue) {
				t.Errorf("%s\nrow %s←%s: contribution %q evaluates to %v (%v); printed %v", ctx, row.V, row.C, row.Contribution, got, err, row.ContribValue)
			}
			if got, err := evalFormula(row.G, gvals); err != nil || !sameNumber(got, row.GValue) {
				t.Errorf("%s\nrow %s←%s: G %q evaluates to %v (%v); printed %v", ctx, row.V, row.C, row.G, got, err, row.GValue)
			}
		}
		for i, a := range e.Inputs {
			if !sameNumber(a.Value, want[i].Item()) {
				t.Errorf("%s\n∂/∂%s = %v; grad gives %v", ctx, a.Wrt, a.Value, want[i])
			}
		}
	}
	if words == 0 || rows < 1000 {
		t.Errorf("%d rows, %d with a zero upstream gradient: the programs do not test enough", rows, words)
	}
}

// sameNumber compares two results of float64 arithmetic done in different
// orders: equal to 1e-9 relative, or both NaN, or the same infinity.
func sameNumber(a, b float64) bool {
	switch {
	case math.IsNaN(a) || math.IsNaN(b):
		return math.IsNaN(a) && math.IsNaN(b)
	case math.IsInf(a, 0) || math.IsInf(b, 0):
		return a == b
	}
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// evalFormula evaluates a formula as the tables print it: numbers (∞ and
// NaN too), + - · / ^, calls, and G[name] for the G of a row above.
func evalFormula(s string, g map[string]float64) (float64, error) {
	p := &formula{s: s, g: g}
	v := p.sum()
	if p.err == nil && p.i < len(p.s) {
		p.fail("unexpected %q", p.s[p.i:])
	}
	return v, p.err
}

type formula struct {
	s   string
	i   int
	g   map[string]float64
	err error
}

func (p *formula) fail(f string, args ...any) {
	if p.err == nil {
		p.err = fmt.Errorf("at %d of %q: %s", p.i, p.s, fmt.Sprintf(f, args...))
	}
}

func (p *formula) space() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

func (p *formula) eat(tok string) bool {
	p.space()
	if strings.HasPrefix(p.s[p.i:], tok) {
		p.i += len(tok)
		return true
	}
	return false
}

func (p *formula) sum() float64 {
	v := p.product()
	for p.err == nil {
		switch {
		case p.eat("+"):
			v += p.product()
		case p.eat("-"):
			v -= p.product()
		default:
			return v
		}
	}
	return v
}

func (p *formula) product() float64 {
	v := p.unary()
	for p.err == nil {
		switch {
		case p.eat("·"):
			v *= p.unary()
		case p.eat("/"):
			v /= p.unary()
		default:
			return v
		}
	}
	return v
}

func (p *formula) unary() float64 {
	if p.eat("-") {
		return -p.unary()
	}
	return p.power()
}

func (p *formula) power() float64 {
	b := p.atom()
	if p.eat("^") {
		return math.Pow(b, p.unary())
	}
	return b
}

func (p *formula) atom() float64 {
	p.space()
	switch {
	case p.eat("("):
		v := p.sum()
		if !p.eat(")") {
			p.fail("want )")
		}
		return v
	case p.eat("∞"):
		return math.Inf(1)
	case p.eat("NaN"):
		return math.NaN()
	case p.eat("G["):
		end := strings.Index(p.s[p.i:], "]")
		if end < 0 {
			p.fail("unclosed G[")
			return 0
		}
		name := p.s[p.i : p.i+end]
		p.i += end + 1
		v, ok := p.g[name]
		if !ok {
			p.fail("no row for G[%s]", name)
		}
		return v
	}
	start := p.i
	if c, _ := utf8.DecodeRuneInString(p.s[p.i:]); unicode.IsLetter(c) {
		for p.i < len(p.s) && (unicode.IsLetter(rune(p.s[p.i])) || p.s[p.i] == '_') {
			p.i++
		}
		f := p.s[start:p.i]
		if !p.eat("(") {
			p.fail("name %s in a formula with values", f)
			return 0
		}
		var args []float64
		for p.err == nil {
			args = append(args, p.sum())
			if p.eat(")") {
				break
			}
			if !p.eat(",") {
				p.fail("want , or )")
			}
		}
		return call1(p, f, args)
	}
	for p.i < len(p.s) && (strings.IndexByte("0123456789.e", p.s[p.i]) >= 0 || p.i > start && (p.s[p.i] == '-' || p.s[p.i] == '+') && p.s[p.i-1] == 'e') {
		p.i++
	}
	v, err := strconv.ParseFloat(p.s[start:p.i], 64)
	if err != nil {
		p.fail("not a number: %q", p.s[start:p.i])
	}
	return v
}

func call1(p *formula, f string, a []float64) float64 {
	fs := map[string]func(float64) float64{
		"sin": math.Sin, "cos": math.Cos, "tan": math.Tan, "exp": math.Exp, "log": math.Log,
		"sqrt": math.Sqrt, "tanh": math.Tanh, "abs": math.Abs, "erf": math.Erf,
		"sigmoid": func(x float64) float64 { return 1 / (1 + math.Exp(-x)) },
		"relu": func(x float64) float64 {
			if x > 0 || math.IsNaN(x) {
				return x
			}
			return 0
		},
	}
	if fn, ok := fs[f]; ok && len(a) == 1 {
		return fn(a[0])
	}
	if (f == "max" || f == "min") && len(a) == 2 {
		if math.IsNaN(a[0]) || math.IsNaN(a[1]) {
			return math.NaN()
		}
		if f == "max" {
			return math.Max(a[0], a[1])
		}
		return math.Min(a[0], a[1])
	}
	p.fail("unknown function %s/%d", f, len(a))
	return 0
}
