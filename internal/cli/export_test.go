package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExport writes the worked example and the network example as ONNX,
// with their gradients, and checks the command's mistakes; the models
// themselves are checked and run in package export's tests.
func TestExport(t *testing.T) {
	dir := t.TempDir()
	worked := "u1 = 4\nu2 = 2\nu3 = u1 + u2\nu4 = u3^2\nu5 = sin(u4)\n"
	dest := filepath.Join(dir, "w.onnx")
	out, errOut, code := run(t, worked, "export", "-", "--grad", "-o", dest)
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, errOut)
	}
	if want := "2 inputs, 3 outputs (u5, grad_u1, grad_u2)"; !strings.Contains(out, want) {
		t.Errorf("export said %q; want it to contain %q", out, want)
	}
	if b, err := os.ReadFile(dest); err != nil || len(b) == 0 {
		t.Fatalf("no model written: %v", err)
	}
	if _, errOut, code := run(t, "", "export", network, "-o", filepath.Join(dir, "n.onnx"), "--grad"); code != 0 {
		t.Fatalf("export of the network: exit %d: %s", code, errOut)
	}
	mlir := filepath.Join(dir, "w.mlir")
	if _, errOut, code := run(t, worked, "export", "-", "--format", "stablehlo", "--grad", "-o", mlir); code != 0 {
		t.Fatalf("export --format stablehlo: exit %d: %s", code, errOut)
	}
	if b, err := os.ReadFile(mlir); err != nil || !strings.Contains(string(b), `"stablehlo.sine"`) {
		t.Errorf("the StableHLO text has no sine: %v\n%s", err, b)
	}
	for _, c := range []struct {
		args []string
		want string
		code int
	}{
		{[]string{"export", "-"}, "-o FILE is required", 2},
		{[]string{"export", "-", "--format", "svg", "-o", dest}, `unknown --format "svg"`, 2},
		{[]string{"export", "-", "-o", filepath.Join(dir, "no", "such", "dir.onnx")}, "no such file or directory", 1},
	} {
		_, errOut, code := run(t, worked, c.args...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, %q; want exit %d and %q", c.args, code, errOut, c.code, c.want)
		}
	}
}
