package lang_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/seed812a03d2/backprop/lang"
)

// FuzzParse checks three properties on any input: Parse never panics,
// every error is a *lang.Error with a position, and a valid program
// round-trips through String with its meaning (inputs included) intact.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.bp")
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	for _, s := range []string{"x = (((1", "x = -(1)", "x = 1\nx = x^-x**2", "x = 1e999", "y = max(1,", "\xff", "x = [[1, 2], [3", "W = [[1]]\ny = sum(W @ W, axis=-1)"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		p, err := syn.Parse("f.bp", src)
		if err != nil {
			var le *lang.Error
			if !errors.As(err, &le) || le.Pos.Line < 1 || le.Pos.Col < 1 {
				t.Fatalf("Parse(%q) error %v has no position", src, err)
			}
			return
		}
		text := p.String()
		q, err := syn.Parse("f.bp", []byte(text))
		if err != nil {
			t.Fatalf("Parse(%q) is valid but its String %q is not: %v", src, text, err)
		}
		if q.String() != text {
			t.Fatalf("String does not round-trip: %q then %q", text, q.String())
		}
		for i := range p.Stmts {
			if p.Stmts[i].Input != q.Stmts[i].Input {
				t.Fatalf("statement %d changes Input on round trip: %q", i+1, text)
			}
		}
	})
}
