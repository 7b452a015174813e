package lang_test

import (
	"strings"
	"testing"

	"github.com/seed812a03d2/backprop/lang"
)

// check runs a Checker over src written in pieces of the given size.
func check(src string, piece int) (int, error) {
	c := lang.Checker{File: "t.bp"}
	for len(src) > 0 {
		n := min(piece, len(src))
		if _, err := c.Write([]byte(src[:n])); err != nil {
			return 0, err
		}
		src = src[n:]
	}
	return c.Close()
}

func TestCheckerFindsTheFirstBadByte(t *testing.T) {
	tests := []struct {
		name, src string
		lines     int
		err       string
	}{
		{"good", "x = 1\ny = sin(x)  # é, ∂\n", 3, ""},
		{"byte order mark", "\uFEFFx = 1", 1, ""},
		{"NUL", "x = 1\ny = \x00", 0, "t.bp:2:5: binary data (NUL byte) in program"},
		{"invalid UTF-8", "x = 1 # caf\xe9\n", 0, "t.bp:1:12: invalid UTF-8 encoding"},
		{"cut-off UTF-8 at the end", "x = 1 # \xe2\x88", 0, "t.bp:1:9: invalid UTF-8 encoding"},
		{"empty", " \n\t\n", 0, "t.bp:1:1: empty program: no statements"},
		{"long line", "x = 1\n" + strings.Repeat("y", lang.MaxLineBytes+1), 0, "t.bp:2:1: line longer than 1048576 bytes"},
	}
	for _, tt := range tests {
		for _, piece := range []int{1, 2, 3, 7, 1 << 30} {
			lines, err := check(tt.src, piece)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.err || lines != tt.lines {
				t.Errorf("%s in pieces of %d: %d lines, error %q; want %d, %q", tt.name, piece, lines, got, tt.lines, tt.err)
			}
		}
	}
	// After an error every call returns it.
	var c lang.Checker
	c.Write([]byte("\x00"))
	if _, err := c.Write([]byte("x = 1")); err == nil {
		t.Error("Write after an error returned nil")
	}
}

func TestQuoteCutsAndEscapes(t *testing.T) {
	long := strings.Repeat("a", 1_000_000)
	tests := []struct{ in, want string }{
		{"x", "x"},
		{"∂u5", "∂u5"},
		{"\x1b[31mred", `\x1b[31mred`},
		{"a\nb", `a\nb`},
		{"bad\xffbyte", `bad\xffbyte`},
		{long, strings.Repeat("a", lang.MaxQuote) + "…(1000000 bytes)"},
	}
	for _, tt := range tests {
		if got := lang.Quote(tt.in); got != tt.want {
			t.Errorf("Quote(%.50q) = %q; want %q", tt.in, got, tt.want)
		}
	}
	if got := lang.Escape(long); got != long {
		t.Error("Escape cut a long string")
	}
}

// A name or number of a megabyte makes an error line of a few dozen
// characters (the hardening issue: they were printed whole).
func TestErrorsQuoteShortly(t *testing.T) {
	long := strings.Repeat("n", 1_000_000)
	for _, src := range []string{
		"y = " + long + "\n", // undefined name
		"x = 1" + strings.Repeat("1", 1_000_000) + "e999\n", // number out of range
		long + " 1\n", // expected =
	} {
		_, err := syn.Parse("t.bp", []byte(src))
		if err == nil || len(err.Error()) > 200 {
			t.Errorf("error for a megabyte-long token is %d bytes: %.120s", len(err.Error()), err)
		}
	}
	if _, err := lang.ParseNumber(long); err == nil || len(err.Error()) > 200 {
		t.Errorf("ParseNumber of a megabyte: error of %d bytes", len(err.Error()))
	}
	_, err := syn.Parse("evil\x1b]0;title\x07.bp", []byte("x = y"))
	if err == nil || strings.ContainsAny(err.Error(), "\x1b\x07") {
		t.Errorf("a file name with escape sequences is printed raw: %q", err)
	}
}
