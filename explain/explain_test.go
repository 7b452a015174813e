package explain_test

import (
	"os"
	"testing"

	"github.com/seed812a03d2/backprop/explain"
	"github.com/seed812a03d2/backprop/lang"
	"github.com/seed812a03d2/backprop/program"
)

const seedSrc = "u1 = 4\nu2 = 2\nu3 = u1 + u2\nu4 = u3^2\nu5 = sin(u4)\n"

func TestSeedText(t *testing.T) {
	pg, err := program.Build(lang.MustParse("seed.bp", seedSrc), program.Options{Wrt: []string{"u1"}})
	if err != nil {
		t.Fatal(err)
	}
	e, err := explain.Explain(pg, explain.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e.WriteText(os.Stdout)
	e2, _ := explain.Explain(pg, explain.Options{InTermsOfInputs: true})
	e2.WriteText(os.Stdout)
}
