package cli_test

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// Edges are lines, not filled shapes: Graphviz writes edge curves with
// the "filled B-spline" operation, and filling those painted long edges as
// black blobs. A drawing is then mostly white.
func TestPNGEdgesAreLines(t *testing.T) {
	src := "a = 0.5\nb = 1.5\nt1 = tanh(a) * b + a\nt2 = tanh(t1) * b + t1\nt3 = tanh(t2) * b + t2\n"
	dest := filepath.Join(t.TempDir(), "fan.png")
	if _, errOut, code := run(t, src, "dot", "-", "-o", dest); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	f, err := os.Open(dest)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	dark, all := 0, 0
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y += 2 {
		for x := bounds.Min.X; x < bounds.Max.X; x += 2 {
			r, g, b, _ := img.At(x, y).RGBA()
			if r+g+b < 3*0x8000 {
				dark++
			}
			all++
		}
	}
	if frac := float64(dark) / float64(all); frac > 0.05 {
		t.Errorf("%.0f%% of the drawing is dark; want lines and text, under 5%%", 100*frac)
	}
}
