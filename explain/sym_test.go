package explain

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSymFolding(t *testing.T) {
	x, y := name("x", 2), name("y", 3)
	tests := []struct {
		got  *sym
		want string
	}{
		{mul(num(2), num(6)), "12"},
		{mul(num(1), x), "x"},
		{add(x, num(0)), "x"},
		{mul(num(2), num(6), call("cos", math.Cos(36), num(36))), "12·cos(36)"},
		{mul(num(2), add(x, y), call("cos", 0, pow(add(x, y), num(2)))), "2·(x + y)·cos((x + y)^2)"},
		{sub(num(1), pow(call("tanh", 0, x), num(2))), "1 - tanh(x)^2"},
		{neg(x), "-x"},
		{sub(x, y), "x - y"},
		{sub(x, mul(num(2), y)), "x - 2·y"},
		{add(mul(num(-1), x), num(1)), "1 - x"},
		{div(num(1), x), "1/x"},
		{div(x, mul(num(2), y)), "x/(2·y)"},
		{neg(div(x, pow(y, num(2)))), "-x/y^2"},
		{pow(x, num(1)), "x"},
		{pow(num(2), num(10)), "1024"},
		{pow(neg(x), num(2)), "(-x)^2"},
		{pow(x, neg(y)), "x^-y"},
		{pow(x, num(-1)), "x^-1"},
		{pow(x, mul(num(-2), y)), "x^(-2·y)"},
		{pow(x, neg(pow(y, num(2)))), "x^-y^2"},
		{div(num(4), mul(num(-3), x)), "4/(-3·x)"},
		{div(x, neg(y)), "x/-y"},
		{div(x, neg(mul(y, x))), "x/(-y·x)"},
		{mul(num(2), subexpr("a + b", pSum)), "2·(a + b)"},
		{neg(subexpr("a + b", pSum)), "-(a + b)"},
		{neg(subexpr("-a", pNeg)), "-(-a)"},
		{pow(subexpr("-a", pNeg), num(2)), "(-a)^2"},
		{mul(x, add(x, num(1))), "x·(x + 1)"},
		{mul(num(0), x), "0"},
		{mul(num(0), num(math.Inf(1))), "NaN"},
		{add(x, x), "2·x"},
		{add(mul(num(3), y), neg(y), x), "2·y + x"},
		{add(x, neg(x), num(1)), "1"},
	}
	for _, tt := range tests {
		if got := tt.got.String(); got != tt.want {
			t.Errorf("got %q; want %q", got, tt.want)
		}
	}
}

// subexpr returns a name for a subexpression written out, with the
// precedence of its text.
func subexpr(text string, prec int) *sym {
	s := name(text, 0)
	s.prec0 = int8(prec)
	return s
}

func TestRuneCount(t *testing.T) {
	for _, s := range []string{"", "a", "·", "0.9·cos(0.4649329589680943)·G[x#3]", "∂²u5/∂u1∂u2 = 12·cos(36)", "ᵀ⊙∞ abc", strings.Repeat("é", 17) + "x", "日本語のテキスト 1234567"} {
		for i := range len(s) + 1 {
			if !utf8.ValidString(s[i:]) {
				continue
			}
			if got, want := runeCount(s[i:]), utf8.RuneCountInString(s[i:]); got != want {
				t.Errorf("runeCount(%q) = %d; want %d", s[i:], got, want)
			}
		}
	}
}
