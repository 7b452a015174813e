package network_test

import (
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/seed812a03d2/backprop/program"
)

// The numbers Mazur publishes, to the digits he gives them; the weights
// after one step of gradient descent with learning rate 0.5 carry the
// gradients.
var published = map[string][]float64{
	"h": {0.593269992, 0.596884378},
	"o": {0.75136507, 0.772928465},
	"E": {0.298371109},
}

var updated = map[string][]float64{
	"W1": {0.149780716, 0.19956143, 0.24975114, 0.29950229},   // w1+ … w4+
	"W2": {0.35891648, 0.408666186, 0.511301270, 0.561370121}, // w5+ … w8+
}

const rate = 0.5

func TestPublishedNumbers(t *testing.T) {
	src, err := os.ReadFile("network.bp")
	if err != nil {
		t.Fatal(err)
	}
	g, err := program.Parse("network.bp", src, program.Options{Wrt: []string{"W1", "W2"}})
	if err != nil {
		t.Fatal(err)
	}
	node := func(name string) []float64 {
		for i, l := range g.Labels {
			if l == name {
				return g.Nodes[i].Value().Float64s()
			}
		}
		t.Fatalf("no node %s", name)
		return nil
	}
	for name, want := range published {
		check(t, name, node(name), want)
	}
	for i, d := range g.Gradients() {
		name := g.WrtNames[i]
		w := node(name)
		step := make([]float64, len(w))
		for k := range w {
			step[k] = w[k] - rate*d.Float64s()[k]
		}
		check(t, name+" after one step", step, updated[name])
	}
	// Mazur's two gradients written out: ∂E/∂w5 and ∂E/∂w1.
	d := g.Gradients()
	check(t, "∂E/∂w5", d[1].Float64s()[:1], []float64{0.082167041})
	check(t, "∂E/∂w1", d[0].Float64s()[:1], []float64{0.000438568})
}

// check compares got with numbers published to some digits: each must
// round to the published one.
func check(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d numbers; want %d", what, len(got), len(want))
	}
	for i := range want {
		if tol := halfULP(want[i]); math.Abs(got[i]-want[i]) > tol {
			t.Errorf("%s[%d] = %.12g; published %v (±%g)", what, i, got[i], want[i], tol)
		}
	}
}

// halfULP returns half a unit in the last decimal place of v as written
// in its shortest form: the rounding error of a published number.
func halfULP(v float64) float64 {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	digits := 0
	if i := strings.IndexByte(s, '.'); i >= 0 {
		digits = len(s) - i - 1
	}
	return 0.5 * math.Pow(10, -float64(digits))
}
