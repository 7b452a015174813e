package lang_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/seed812a03d2/backprop/lang"
)

func TestParseAndFormat(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"worked example", "u1 = 4\nu2 = 2\nu3 = u1 + u2\nu4 = u3^2\nu5 = sin(u4)\n", "u1 = 4\nu2 = 2\nu3 = u1 + u2\nu4 = u3^2\nu5 = sin(u4)\n"},
		{"comments and blank lines", "# c\n\nx = 1 # one\n  \n# end", "x = 1\n"},
		{"no final newline", "x = 1", "x = 1\n"},
		{"CRLF", "x = 1\r\ny = x\r\n", "x = 1\ny = x\n"},
		{"numbers", "a = 3\nb = 3.5\nc = .5\nd = 1e-3\ne = 2.5E+4\nf = 1e-400", "a = 3\nb = 3.5\nc = .5\nd = 1e-3\ne = 2.5E+4\nf = 1e-400\n"},
		{"byte order mark", "\uFEFFx = 1\n", "x = 1\n"},
		{"power is right-associative", "x = 2^3^2", "x = 2^3^2\n"},
		{"power grouped left", "x = (2^3)^2", "x = (2^3)^2\n"},
		{"unary minus below power", "x = 2\ny = -x^2", "x = 2\ny = -x^2\n"},
		{"negated base", "x = 2\ny = (-x)^2", "x = 2\ny = (-x)^2\n"},
		{"signed exponent", "x = 2^-1", "x = 2^-1\n"},
		{"** is ^", "x = 2 ** 3", "x = 2^3\n"},
		{"left-associative minus", "x = 1 - 2 - 3", "x = 1 - 2 - 3\n"},
		{"right operand grouped", "x = 1 - (2 - 3)", "x = 1 - (2 - 3)\n"},
		{"product over sum", "x = (1 + 2) * 3 / (4 * 5)", "x = (1 + 2) * 3 / (4 * 5)\n"},
		{"redundant parentheses", "x = ((1)) + (2 * 3)", "x = 1 + 2 * 3\n"},
		{"double minus", "x = 1\ny = - -x", "x = 1\ny = - -x\n"},
		{"double minus in parentheses", "x = 1\ny = -(-x) + -(+x)", "x = 1\ny = - -x + - +x\n"},
		{"calls", "x = 1\ny = pow(x, 2) + max(x, -x) * min(1, x)", "x = 1\ny = pow(x, 2) + max(x, -x) * min(1, x)\n"},
		{"reassignment", "x = 1\nx = x + 1\ny = x", "x = 1\nx = x + 1\ny = x\n"},
		{"tensor literals", "x = [0.05, -0.10]\nW = [[0.15, 0.20],\n  [+0.25, 3e-1],\n]", "x = [0.05, -0.10]\nW = [[0.15, 0.20], [+0.25, 3e-1]]\n"},
		{"matrix product", "W = [[1]]\nx = [[2]]\ny = W @ x * 2 + (W @ x) @ x", "W = [[1]]\nx = [[2]]\ny = W @ x * 2 + W @ x @ x\n"},
		{"product of a product", "W = [[1]]\ny = W @ (W @ W)", "W = [[1]]\ny = W @ (W @ W)\n"},
		{"named arguments", "W = [[1]]\ny = sum(W, axis=-1) + max(W, axis = 0) + sum(W)", "W = [[1]]\ny = sum(W, axis=-1) + max(W, axis=0) + sum(W)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := syn.Parse("t.bp", []byte(tt.src))
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.src, err)
			}
			if got := p.String(); got != tt.want {
				t.Errorf("Parse(%q).String() = %q; want %q", tt.src, got, tt.want)
			}
		})
	}
}

func TestTensorLiterals(t *testing.T) {
	p := syn.MustParse("t.bp", "a = [1, -2, 3]\nb = [[1, 2], [3, 4], [5, 6]]\nc = [[[1], [2]]]\nd = -[1]\ne = [1] + [2]")
	want := []struct {
		shape []int
		vals  []float64
	}{{[]int{3}, []float64{1, -2, 3}}, {[]int{3, 2}, []float64{1, 2, 3, 4, 5, 6}}, {[]int{1, 2, 1}, []float64{1, 2}}}
	for i, w := range want {
		x := p.Stmts[i].X.(*lang.Tensor)
		if !slices.Equal(x.Shape, w.shape) || !slices.Equal(x.Values, w.vals) || !p.Stmts[i].Input {
			t.Errorf("statement %d: shape %v, values %v, input %v; want %v, %v, true", i+1, x.Shape, x.Values, p.Stmts[i].Input, w.shape, w.vals)
		}
	}
	if p.Stmts[3].Input || p.Stmts[4].Input {
		t.Errorf("-[1] and [1] + [2] are inputs; want computed")
	}
}

// A big tensor literal prints a row per line, within the parser's line
// limit, and parses back to itself; a parenthesized literal, like (4), is
// not an input.
func TestBigTensorLiterals(t *testing.T) {
	var src strings.Builder
	src.WriteString("W = [\n")
	for i := range 400 {
		src.WriteString("  [" + strings.TrimSuffix(strings.Repeat("123456.789, ", 160), ", ") + "]")
		if i < 399 {
			src.WriteString(",")
		}
		src.WriteString("\n")
	}
	src.WriteString("]\nv = [" + strings.TrimSuffix(strings.Repeat("1,", 300000), ",") + "]\n")
	p, err := syn.Parse("t.bp", []byte(src.String()))
	if err != nil {
		t.Fatal(err)
	}
	text := p.String()
	q, err := syn.Parse("t.bp", []byte(text))
	if err != nil {
		t.Fatalf("the printed program does not parse: %v", err)
	}
	if q.String() != text {
		t.Error("the printed program does not print the same")
	}
	for _, line := range strings.Split(text, "\n") {
		if len(line) > 400 {
			t.Fatalf("a printed line of %d bytes", len(line))
		}
	}
	if w := q.Stmts[0].X.(*lang.Tensor); !slices.Equal(w.Shape, []int{400, 160}) || !q.Stmts[0].Input || !q.Stmts[1].Input {
		t.Errorf("W has shape %v; inputs %v, %v", w.Shape, q.Stmts[0].Input, q.Stmts[1].Input)
	}
	r := syn.MustParse("t.bp", "x = ([1, 2])\ny = [1, 2]")
	if r.Stmts[0].Input || !r.Stmts[1].Input {
		t.Errorf("x = ([1, 2]) input %v, y = [1, 2] input %v; want false, true", r.Stmts[0].Input, r.Stmts[1].Input)
	}
	if got := r.String(); got != "x = ([1, 2])\ny = [1, 2]\n" {
		t.Errorf("printed %q", got)
	}
}

func TestParseLiteral(t *testing.T) {
	shape, vals, err := lang.ParseLiteral("[[1, -2], [3, 4e1]]")
	if err != nil || !slices.Equal(shape, []int{2, 2}) || !slices.Equal(vals, []float64{1, -2, 3, 40}) {
		t.Errorf("ParseLiteral: %v %v %v", shape, vals, err)
	}
	if shape, vals, err := lang.ParseLiteral("-2.5"); err != nil || len(shape) != 0 || !slices.Equal(vals, []float64{-2.5}) {
		t.Errorf("ParseLiteral(-2.5): %v %v %v", shape, vals, err)
	}
	for s, want := range map[string]string{
		"[[1, 2], [3]]": "lang: 1:10: ragged tensor literal: this row has 1 element, the first row at this depth has 2",
		"[1, 2] + 1":    "lang: 1:8: unexpected + after the tensor literal",
		"[1, x]":        "lang: 1:5: expected a number in the tensor literal at 1:1, found name x",
		"nan":           `lang: "nan" is not a number`,
	} {
		if _, _, err := lang.ParseLiteral(s); err == nil || err.Error() != want {
			t.Errorf("ParseLiteral(%q) error = %v; want %q", s, err, want)
		}
	}
}

func TestStatementFacts(t *testing.T) {
	p := syn.MustParse("t.bp", "a = -4\nb = +2\nc = (3)\nd = a\na = a + b\ne = a\nf = -(1)\ng = 1e3 # big")
	inputs := []bool{true, true, false, false, false, false, false, true}
	for i, s := range p.Stmts {
		if s.Input != inputs[i] {
			t.Errorf("statement %d (%s): Input = %v; want %v", i+1, s.Name, s.Input, inputs[i])
		}
	}
	if p.Stmts[4].Def != 1 || p.Stmts[0].Def != 0 {
		t.Errorf("Def of the assignments to a = %d, %d; want 0, 1", p.Stmts[0].Def, p.Stmts[4].Def)
	}
	// a + b on line 5 sees the a of line 1; e on line 6 sees line 5's.
	sum := p.Stmts[4].X.(*lang.Binary)
	if ref := sum.X.(*lang.Ref); ref.Stmt != 0 {
		t.Errorf("a in a = a + b refers to statement %d; want 0", ref.Stmt)
	}
	if ref := p.Stmts[5].X.(*lang.Ref); ref.Stmt != 4 {
		t.Errorf("a in e = a refers to statement %d; want 4", ref.Stmt)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"empty", "", "t.bp:1:1: empty program: no statements"},
		{"comments only", "# nothing\n\n  # here\n", "t.bp:1:1: empty program: no statements"},
		{"missing =", "x 1", "t.bp:1:3: expected = after x, found number 1"},
		{"missing expression", "x =", "t.bp:1:4: expected an expression after =, found end of file"},
		{"bare expression", "1 + 2", "t.bp:1:1: expected a statement NAME = EXPR, found number 1"},
		{"trailing tokens", "x = 1 2", "t.bp:1:7: unexpected number 2 after the expression"},
		{"unclosed paren", "x = (1 + 2", "t.bp:1:11: expected ) to close the ( at 1:5, found end of file"},
		{"stray paren", "x = 1)", "t.bp:1:6: unexpected ) after the expression"},
		{"unknown function", "x = foo(1)", "t.bp:1:5: unknown function foo"},
		{"variable called", "x = 1\ny = x(2)", "t.bp:2:5: x is not a function"},
		{"wrong arity", "x = sin(1, 2)", "t.bp:1:5: sin takes 1 argument, got 2"},
		{"no arguments", "x = pow()", "t.bp:1:5: pow takes 2 arguments, got 0"},
		{"one or two", "x = max(1, 2, 3)", "t.bp:1:5: max takes 1 or 2 arguments, got 3"},
		{"at least", "x = reshape(1)", "t.bp:1:5: reshape takes at least 2 arguments, got 1"},
		{"ragged rows", "x = [[1, 2], [3]]", "t.bp:1:14: ragged tensor literal: this row has 1 element, the first row at this depth has 2"},
		{"ragged deeper", "x = [[[1], [2]], [[3], [4], [5]]]", "t.bp:1:18: ragged tensor literal: this row has 3 elements, the first row at this depth has 2"},
		{"ragged rows on lines", "x = [[1, 2],\n     [3, 4, 5]]", "t.bp:2:6: ragged tensor literal: this row has 3 elements, the first row at this depth has 2"},
		{"number among rows", "x = [[1, 2], 3]", "t.bp:1:14: expected [ for a row of the tensor literal at 1:5, found number 3"},
		{"row among numbers", "x = [1, [2]]", "t.bp:1:9: expected a number in this row of the tensor literal at 1:5, found ["},
		{"empty literal", "x = []", "t.bp:1:6: empty tensor literal: a list needs at least one element"},
		{"name in literal", "x = 1\ny = [x, 2]", "t.bp:2:6: expected a number in the tensor literal at 2:5, found name x"},
		{"unclosed literal", "x = [1, 2", "t.bp:1:10: expected , or ] in the tensor literal at 1:5, found end of file"},
		{"unknown named argument", "x = [1]\ny = sum(x, axes=0)", "t.bp:2:12: sum has no argument axes (it takes axis=)"},
		{"named argument twice", "x = [1]\ny = sum(x, axis=0, axis=0)", "t.bp:2:20: axis= given twice in the call of sum"},
		{"no named arguments", "x = sin(1, axis=0)", "t.bp:1:12: sin takes no named arguments, got axis="},
		{"positional after named", "x = [1]\ny = sum(x, axis=0, 1)", "t.bp:2:20: positional argument after axis= in the call of sum"},
		{"matrix product needs operands", "x = [1] @", "t.bp:1:10: expected a number, a name, [ or (, found end of file"},
		{"function as value", "x = sin + 1", "t.bp:1:5: sin is a function: call it as sin(...)"},
		{"assign to function", "exp = 1", "t.bp:1:1: cannot assign to exp: it is a built-in function"},
		{"undefined", "x = y + 1", "t.bp:1:5: undefined: y"},
		{"defined later", "x = y + 1\ny = 2", "t.bp:1:5: y is used before it is assigned"},
		{"defined later, used at the end of the line", "b = z\nz = 2", "t.bp:1:5: z is used before it is assigned"},
		{"defined later, after a blank line", "b = z\n\nz = 2", "t.bp:1:5: z is used before it is assigned"},
		{"self reference", "x = x + 1", "t.bp:1:5: undefined: x"},
		{"bad character", "x = 1 $ 2", "t.bp:1:7: unexpected character '$'"},
		{"unicode name", "x = 1\ny = x + é", "t.bp:2:9: unexpected character 'é'"},
		{"column counts characters", "x = 1 # é\ny = \"", "t.bp:2:5: unexpected character '\"'"},
		{"lone dot", "x = .", "t.bp:1:5: malformed number: . without digits"},
		{"bad exponent", "x = 1e+", "t.bp:1:5: malformed number 1e+: exponent without digits"},
		{"number then name", "x = 2x", "t.bp:1:6: unexpected 'x' after number 2"},
		{"two dots", "x = 1.2.3", "t.bp:1:8: unexpected '.' after number 1.2"},
		{"trailing point", "x = 3.", "t.bp:1:5: malformed number 3.: no digits after the point"},
		{"point before exponent", "x = 3.e5", "t.bp:1:5: malformed number 3.: no digits after the point"},
		{"out of range", "x = 1\ny = x + 1e999", "t.bp:2:9: number out of range: 1e999"},
		{"byte order mark", "\uFEFFx = y", "t.bp:1:5: undefined: y"},
		{"byte order mark not at the start", "x = 1\n\uFEFFy = 2", "t.bp:2:1: unexpected character '\\ufeff'"},
		{"missing comma", "x = pow(1 2)", "t.bp:1:11: expected , or ) in the call of pow, found number 2"},
		{"non-UTF-8", "x = 1\ny = \xff", "t.bp:2:5: invalid UTF-8 encoding"},
		{"binary", "x = 1\x00", "t.bp:1:6: binary data (NUL byte) in program"},
		{"error on a later line", "x = 1\ny = 2\nz = (x +", "t.bp:3:9: expected a number, a name, [ or (, found end of file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := syn.Parse("t.bp", []byte(tt.src))
			if err == nil || err.Error() != tt.want {
				t.Errorf("Parse(%q) error = %v; want %q", tt.src, err, tt.want)
			}
			var le *lang.Error
			if !errors.As(err, &le) {
				t.Errorf("Parse(%q) error is %T; want *lang.Error", tt.src, err)
			}
		})
	}
}

func TestLimits(t *testing.T) {
	deep := "x = " + strings.Repeat("(", 100000) + "1" + strings.Repeat(")", 100000)
	_, err := syn.Parse("t.bp", []byte(deep))
	if err == nil || !strings.Contains(err.Error(), "nested more than") {
		t.Errorf("100,000 nested parentheses: error %v; want a nesting error", err)
	}
	minus := "x = " + strings.Repeat("-", 100000) + "1"
	if _, err := syn.Parse("t.bp", []byte(minus)); err == nil || !strings.Contains(err.Error(), "t.bp:1:") {
		t.Errorf("100,000 unary minuses: error %v; want a positioned error", err)
	}
	long := "x = " + strings.Repeat("1 + ", lang.MaxLineBytes/4) + "1"
	if _, err := syn.Parse("t.bp", []byte(long)); err == nil || err.Error() != "t.bp:1:1: line longer than 1048576 bytes" {
		t.Errorf("a line of megabytes: error %v", err)
	}
	plus := "x = " + strings.Repeat("+", 100000) + "1"
	if _, err := syn.Parse("t.bp", []byte(plus)); err == nil || !strings.Contains(err.Error(), "t.bp:1:") {
		t.Errorf("100,000 unary pluses: error %v; want a positioned error", err)
	}
	ok := "x = " + strings.Repeat("(", lang.MaxDepth-1) + "1" + strings.Repeat(")", lang.MaxDepth-1)
	if _, err := syn.Parse("t.bp", []byte(ok)); err != nil {
		t.Errorf("%d nested parentheses: %v", lang.MaxDepth-1, err)
	}
}

func TestTestdataRoundTrips(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.bp")
	if len(files) == 0 {
		t.Fatal("no testdata/*.bp files")
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		p, err := syn.Parse(f, src)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		q, err := syn.Parse(f, []byte(p.String()))
		if err != nil || q.String() != p.String() {
			t.Errorf("%s does not round-trip: %v\n%s\n%v", f, err, p, q)
		}
	}
}

func TestParseNumber(t *testing.T) {
	tests := []struct {
		s    string
		want float64
		ok   bool
	}{
		{"3", 3, true},
		{"3.5", 3.5, true},
		{".5", 0.5, true},
		{"1e-3", 1e-3, true},
		{"2.5E+4", 2.5e4, true},
		{"-4", -4, true},
		{"+.5", 0.5, true},
		{"1e-400", 0, true}, // underflows to 0, as in a program
		{"3.", 0, false},
		{"", 0, false},
		{"-", 0, false},
		{"--1", 0, false},
		{"nan", 0, false},
		{"inf", 0, false},
		{"-Inf", 0, false},
		{"1_0", 0, false},
		{"0x10", 0, false},
		{"1e999", 0, false},
		{"1e", 0, false},
		{" 1", 0, false},
	}
	for _, tt := range tests {
		got, err := lang.ParseNumber(tt.s)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseNumber(%q) = %v, %v; want %v, ok %v", tt.s, got, err, tt.want, tt.ok)
		}
	}
}

// ParseEach hands over the statements Parse returns, in order, even though
// it reuses the memory of each statement's tree for the next.
func TestParseEach(t *testing.T) {
	var b strings.Builder
	for i := range 3000 {
		fmt.Fprintf(&b, "x%d = sin(x%d) * (%d + max(1, -x%d^2))\n", i+1, i, i, i)
	}
	src := "x0 = 0.5\n" + b.String()
	prog, err := syn.Parse("t.bp", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	i := 0
	err = syn.ParseEach("t.bp", []byte(src), nil, func(s *lang.Stmt) error {
		if got, want := s.Name+" = "+lang.Format(s.X), prog.Stmts[i].Name+" = "+lang.Format(prog.Stmts[i].X); got != want {
			t.Fatalf("statement %d: %s; Parse gives %s", i, got, want)
		}
		i++
		return nil
	})
	if err != nil || i != len(prog.Stmts) {
		t.Fatalf("ParseEach: %v after %d statements; want %d", err, i, len(prog.Stmts))
	}
	stop := errors.New("stop")
	if err := syn.ParseEach("t.bp", []byte(src), nil, func(*lang.Stmt) error { return stop }); err != stop {
		t.Errorf("ParseEach returned %v; want f's error", err)
	}
}
