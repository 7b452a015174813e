package cli_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// Second derivatives (--order 2): golden files for the worked example.
func TestOrder2Golden(t *testing.T) {
	tests := []struct {
		golden string
		args   []string
	}{
		{"grad-order2-text.golden", []string{"grad", "testdata/seed.bp", "--order", "2"}},
		{"grad-order2-json.golden", []string{"grad", "testdata/seed.bp", "--order", "2", "--format", "json"}},
		{"grad-order2-markdown.golden", []string{"grad", "testdata/seed.bp", "--order", "2", "--format", "markdown"}},
		{"explain-order2-text-wrt-u1.golden", []string{"explain", "testdata/seed.bp", "--order", "2", "--wrt", "u1"}},
		{"explain-order2-markdown-wrt-u1.golden", []string{"explain", "testdata/seed.bp", "--order", "2", "--wrt", "u1", "--format", "markdown"}},
		{"explain-order2-json-wrt-u1.golden", []string{"explain", "testdata/seed.bp", "--order", "2", "--wrt", "u1", "--format", "json"}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) { golden(t, tt.golden, tt.args...) })
	}
}

// The Hessian in JSON: keyed by name, symmetric, and the known values of
// f = a²·b + sin(b).
func TestOrder2Hessian(t *testing.T) {
	out, errOut, code := run(t, "a = 3\nb = 0.5\nf = a^2 * b + sin(b)\n", "grad", "-", "--order", "2", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		Hessian map[string]map[string]float64 `json:"hessian"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	want := map[string]map[string]float64{"a": {"a": 1, "b": 6}, "b": {"a": 6, "b": -math.Sin(0.5)}}
	for i, row := range want {
		for j, w := range row {
			if v := got.Hessian[i][j]; math.Abs(v-w) > 1e-15 {
				t.Errorf("hessian[%s][%s] = %v; want %v", i, j, v, w)
			}
		}
	}
}

func TestOrderUsage(t *testing.T) {
	for _, args := range [][]string{
		{"grad", "testdata/seed.bp", "--order", "3"},
		{"grad", "testdata/seed.bp", "--order", "x"},
		{"explain", "testdata/seed.bp", "--order", "2", "--format", "latex"},
		{"explain", "testdata/seed.bp", "--order", "2", "--format", "html"},
	} {
		out, errOut, code := run(t, "", args...)
		if code != 2 || out != "" || errOut == "" {
			t.Errorf("backprop %v: exit %d, stdout %q, stderr %q; want a usage error", args, code, out, errOut)
		}
	}
}

// help on an unknown command is a usage error, and help on a command
// prints that command's usage.
func TestHelpCommands(t *testing.T) {
	if out, errOut, code := run(t, "", "help", "nope"); code != 2 || out != "" || errOut == "" {
		t.Errorf("backprop help nope: exit %d, stdout %q, stderr %q; want a usage error", code, out, errOut)
	}
	if out, _, code := run(t, "", "help", "grad"); code != 0 || !strings.HasPrefix(out, "Usage: backprop grad") {
		t.Errorf("backprop help grad: exit %d, stdout %q", code, out)
	}
	if _, errOut, _ := run(t, "", "grad", "testdata/seed.bp", "--order="); !strings.Contains(errOut, `--order "": want 1 or 2`) {
		t.Errorf("--order= gives %q", errOut)
	}
}

// Every Markdown table that grad writes has as many cells in each row as
// in its header, with or without --wrt names (issue 9: the Hessian table
// was malformed for a program without inputs).
func TestMarkdownTablesAreWellFormed(t *testing.T) {
	for _, src := range []string{"y = sin(2)\n", "a = 3\nb = 0.5\nf = a^2 * b + sin(b)\n", "x = 1\ny = x*x\n"} {
		out, errOut, code := run(t, src, "grad", "-", "--order", "2", "--format", "markdown")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		for _, block := range strings.Split(out, "\n\n") {
			lines := strings.Split(strings.TrimSpace(block), "\n")
			if !strings.HasPrefix(lines[0], "|") {
				continue
			}
			cells := func(l string) int { return strings.Count(strings.ReplaceAll(l, `\|`, ""), "|") - 1 }
			for _, l := range lines[1:] {
				if cells(l) != cells(lines[0]) {
					t.Errorf("program %q: the row %q has %d cells; the header %q has %d", src, l, cells(l), lines[0], cells(lines[0]))
				}
			}
		}
	}
}
