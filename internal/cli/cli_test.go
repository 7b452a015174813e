package cli_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/seed812a03d2/backprop/internal/cli"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// network is the worked example of a neural network in matrix form.
const network = "../../examples/network/network.bp"

func run(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cli.Run(args, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), code
}

// TestGolden compares the output of each format on the worked example
// with testdata/*.golden; go test -update rewrites them.
func TestGolden(t *testing.T) {
	tests := []struct {
		golden string
		args   []string
	}{
		{"no-arguments.golden", nil},
		{"explain-text-wrt-u1.golden", []string{"explain", "testdata/seed.bp", "--wrt", "u1"}},
		{"explain-markdown-wrt-u1.golden", []string{"explain", "testdata/seed.bp", "--wrt", "u1", "--format", "markdown"}},
		{"explain-latex-wrt-u1.golden", []string{"explain", "testdata/seed.bp", "--wrt", "u1", "--format", "latex"}},
		{"explain-json-wrt-u1.golden", []string{"explain", "testdata/seed.bp", "--wrt", "u1", "--format", "json"}},
		{"explain-html-wrt-u1.golden", []string{"explain", "testdata/seed.bp", "--wrt", "u1", "--format", "html"}},
		{"explain-inputs.golden", []string{"explain", "testdata/seed.bp", "--in-terms-of-inputs"}},
		{"grad-text.golden", []string{"grad", "testdata/seed.bp"}},
		{"grad-json.golden", []string{"grad", "testdata/seed.bp", "--format", "json"}},
		{"grad-markdown.golden", []string{"grad", "testdata/seed.bp", "--format=markdown"}},
		{"grad-micrograd.golden", []string{"grad", "testdata/micrograd.bp", "--format", "json"}},
		{"dot.golden", []string{"dot", "testdata/seed.bp"}},
		// The neural network of examples/network, in matrix form.
		{"network-grad-text.golden", []string{"grad", network}},
		{"network-grad-json.golden", []string{"grad", network, "--format", "json"}},
		{"network-grad-markdown.golden", []string{"grad", network, "--format", "markdown", "--wrt", "W2,b2"}},
		{"network-explain-text.golden", []string{"explain", network, "--wrt", "W1,b1"}},
		{"network-explain-json.golden", []string{"explain", network, "--wrt", "W2", "--format", "json"}},
		{"network-dot.golden", []string{"dot", network}},
		{"network-set.golden", []string{"grad", network, "--wrt", "W1", "--set", "x=[[1], [-1]]", "--set", "W1=[[0.1, 0.2], [0.3, 0.4]]"}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) { golden(t, tt.golden, tt.args...) })
	}
}

// golden runs backprop with args and compares its output with
// testdata/name; go test -update rewrites the file instead.
func golden(t *testing.T, name string, args ...string) {
	t.Helper()
	out, errOut, code := run(t, "", args...)
	if code != 0 || errOut != "" {
		t.Fatalf("backprop %v: exit %d, stderr %q", args, code, errOut)
	}
	if strings.Contains(name, "html") {
		out = elideAssets(out)
	}
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if out != string(want) {
		t.Errorf("backprop %v differs from %s:\n%s", args, path, out)
	}
}

// elideAssets cuts from a page what is not its own: the embedded engine,
// the worker and the page's script and style (package web tests them),
// and the script's hash in the security policy.
func elideAssets(page string) string {
	for _, re := range []struct{ re, with string }{
		{`(?s)(<script type="[^"]*" id="bp-(?:worker|engine)">).*?(</script>)`, "${1}…${2}"},
		{`(?s)<script>.*?</script>`, "<script>…</script>"},
		{`(?s)<style>.*?</style>`, "<style>…</style>"},
		{`sha256-[A-Za-z0-9+/=]*`, "sha256-…"},
	} {
		page = regexp.MustCompile(re.re).ReplaceAllString(page, re.with)
	}
	return page
}

// staticPart is the part of a page for readers without JavaScript.
func staticPart(page string) string {
	page, _, _ = strings.Cut(page, "</main>")
	return page
}

// TestWorkedExampleRows checks the rows the issue gives for the worked
// example with --wrt u1, through the JSON trace.
func TestWorkedExampleRows(t *testing.T) {
	out, _, code := run(t, "", "explain", "testdata/seed.bp", "--wrt", "u1", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var trace struct {
		Rows []struct {
			V, C, Op, Local, Inputs, Contribution, G string
		}
		Answers []struct {
			Wrt, Expr string
			Value     float64
		}
	}
	if err := json.Unmarshal([]byte(out), &trace); err != nil {
		t.Fatal(err)
	}
	want := [][7]string{
		{"u4", "u5", "sin(u4)", "cos(u4)", "u4 = 36", "cos(36)", "cos(36)"},
		{"u3", "u4", "u3^2", "2·u3", "u3 = 6", "12·cos(36)", "12·cos(36)"},
		{"u1", "u3", "u1 + u2", "1", "u1 = 4, u2 = 2", "12·cos(36)", "12·cos(36)"},
	}
	if len(trace.Rows) != len(want) {
		t.Fatalf("%d rows; want %d: %+v", len(trace.Rows), len(want), trace.Rows)
	}
	for i, r := range trace.Rows {
		got := [7]string{r.V, r.C, r.Op, r.Local, r.Inputs, r.Contribution, r.G}
		if got != want[i] {
			t.Errorf("row %d = %q; want %q", i+1, got, want[i])
		}
	}
	if a := trace.Answers; len(a) != 1 || a[0].Wrt != "u1" || a[0].Expr != "12·cos(36)" || a[0].Value != -1.535564275528856 {
		t.Errorf("answers = %+v; want ∂u5/∂u1 = 12·cos(36) = -1.535564275528856", a)
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stderr string
	}{
		{"syntax error", "x = 1 +\n", []string{"grad", "-"}, 1, "-:1:8: expected a number, a name, [ or (, found end of line"},
		{"unknown --of", "x = 1\n", []string{"grad", "-", "--of", "z"}, 1, "backprop grad: --of: no node named z"},
		{"unknown --wrt", "x = 1\n", []string{"grad", "-", "--wrt", "x,z"}, 1, "backprop grad: --wrt: no node named z"},
		{"unknown --set", "x = 1\n", []string{"grad", "-", "--set", "z=1"}, 1, "backprop grad: --set z: no input named z"},
		{"--set of a non-input", "x = 1\ny = x\n", []string{"grad", "-", "--set", "y=1"}, 1, "backprop grad: --set y: y is not an input (it is not assigned a number)"},
		{"--set not a number", "x = 1\n", []string{"grad", "-", "--set", "x=abc"}, 2, `backprop grad: --set x=abc: "abc" is not a number`},
		{"--set nan", "x = 1\n", []string{"grad", "-", "--set", "x=nan"}, 2, `backprop grad: --set x=nan: "nan" is not a number`},
		{"--set inf", "x = 1\n", []string{"grad", "-", "--set", "x=-inf"}, 2, `backprop grad: --set x=-inf: "-inf" is not a number`},
		{"--set with underscore", "x = 1\n", []string{"grad", "-", "--set", "x=1_0"}, 2, `backprop grad: --set x=1_0: "1_0" is not a number`},
		{"--set hexadecimal", "x = 1\n", []string{"grad", "-", "--set", "x=0x10"}, 2, `backprop grad: --set x=0x10: "0x10" is not a number`},
		{"--set out of range", "x = 1\n", []string{"grad", "-", "--set=x=1e999"}, 2, `backprop grad: --set x=1e999: number out of range: 1e999`},
		{"--set trailing point", "x = 1\n", []string{"grad", "-", "--set", "x=3."}, 2, `backprop grad: --set x=3.: malformed number 3.: no digits after the point`},
		{"--set empty", "x = 1\n", []string{"grad", "-", "--set", "x="}, 2, `backprop grad: --set x=: "" is not a number`},
		{"number out of range", "x = 1\ny = x * 1e999\n", []string{"grad", "-"}, 1, "-:2:9: number out of range: 1e999"},
		{"bad boolean", "x = 1\n", []string{"explain", "-", "--in-terms-of-inputs=maybe"}, 2, `backprop explain: flag --in-terms-of-inputs wants true or false, not "maybe"`},
		{"value for a missing flag", "x = 1\n", []string{"grad", "-", "--of"}, 2, "backprop grad: flag --of needs a value NAME"},
		{"unknown flag with a value", "", []string{"grad", "x.bp", "--nope=3"}, 2, "backprop grad: unknown flag --nope (see backprop grad --help)"},
		{"version with arguments", "", []string{"version", "x"}, 2, `backprop version: takes no arguments, got "x"`},
		{"--set without =", "x = 1\n", []string{"grad", "-", "--set", "x"}, 2, `backprop grad: --set "x": want NAME=VALUE`},
		{"missing file", "", []string{"grad", "testdata/nonexistent.bp"}, 1, "backprop grad: open testdata/nonexistent.bp: no such file or directory"},
		{"no file", "", []string{"grad"}, 2, "backprop grad: want one FILE (or - for standard input), got 0 arguments"},
		{"unknown flag", "", []string{"grad", "x.bp", "--nope"}, 2, "backprop grad: unknown flag --nope (see backprop grad --help)"},
		{"unknown command", "", []string{"frobnicate"}, 2, `backprop: unknown command "frobnicate" (commands: grad, explain, dot, export, serve, version; see backprop --help)`},
		{"unknown format", "x = 1\n", []string{"explain", "-", "--format", "pdf"}, 2, `backprop explain: unknown --format "pdf" (want text, markdown, latex, json, html)`},
		{"empty program", "# nothing\n", []string{"explain", "-"}, 1, "-:1:1: empty program: no statements"},
		{"binary input", "x = 1\x00\x01", []string{"grad", "-"}, 1, "-:1:6: binary data (NUL byte) in program"},
		{"bad -o", "x = 1\n", []string{"dot", "-", "-o", "out.pdf"}, 2, "backprop dot: -o out.pdf: want a .dot, .svg or .png file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := run(t, tt.stdin, tt.args...)
			if code != tt.code || out != "" || errOut != tt.stderr+"\n" {
				t.Errorf("backprop %v: exit %d, stdout %q, stderr %q; want exit %d, no stdout, stderr %q", tt.args, code, out, errOut, tt.code, tt.stderr)
			}
		})
	}
}

// TestFlagForms checks the ways of writing flags against the plain
// command backprop grad - --of y --wrt x.
func TestFlagForms(t *testing.T) {
	const src = "# with a byte order mark\nx = 2\nw = 3\ny = x * w\nz = y + x\n"
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"plain", []string{"grad", "-", "--of", "y", "--wrt", "x"}, "y = 6\n∂y/∂x = 3\n"},
		{"with =", []string{"grad", "--of=y", "--wrt=x", "-"}, "y = 6\n∂y/∂x = 3\n"},
		{"one dash", []string{"grad", "-of", "y", "-wrt=x", "-"}, "y = 6\n∂y/∂x = 3\n"},
		{"--of twice: the last wins", []string{"grad", "-", "--of", "z", "--of", "y", "--wrt", "x"}, "y = 6\n∂y/∂x = 3\n"},
		{"--format twice: the last wins", []string{"grad", "-", "--format", "json", "--format", "text", "--of", "y", "--wrt", "x"}, "y = 6\n∂y/∂x = 3\n"},
		{"--wrt accumulates", []string{"grad", "-", "--wrt", "x", "--wrt", "w,y"}, "z = 8\n∂z/∂x = 4\n∂z/∂w = 2\n∂z/∂y = 1\n"},
		{"--set signed", []string{"grad", "-", "--set", "x=-.5", "--set", "w=+2e0", "--wrt", "x"}, "z = -1.5\n∂z/∂x = 3\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := run(t, "\uFEFF"+src, tt.args...)
			if code != 0 || errOut != "" || out != tt.want {
				t.Errorf("backprop %v: exit %d, stderr %q, stdout %q; want %q", tt.args, code, errOut, out, tt.want)
			}
		})
	}
}

// TestBooleanFlag checks that --in-terms-of-inputs=false is the default
// and =true the flag.
func TestBooleanFlag(t *testing.T) {
	plain, _, _ := run(t, "", "explain", "testdata/seed.bp")
	inputs, _, _ := run(t, "", "explain", "testdata/seed.bp", "--in-terms-of-inputs")
	if plain == inputs {
		t.Fatal("--in-terms-of-inputs changes nothing")
	}
	for _, tt := range []struct {
		arg, want string
	}{
		{"--in-terms-of-inputs=true", inputs},
		{"--in-terms-of-inputs=false", plain},
		{"--in-terms-of-inputs=1", inputs},
	} {
		out, errOut, code := run(t, "", "explain", "testdata/seed.bp", tt.arg)
		if code != 0 || errOut != "" || out != tt.want {
			t.Errorf("explain %s: exit %d, stderr %q; output differs", tt.arg, code, errOut)
		}
	}
}

func TestNonFiniteValues(t *testing.T) {
	tests := []struct{ src, want string }{
		// log(0) = -Inf with derivative 1/0 = +Inf.
		{"x = 0\ny = log(x)\n", `{"of": "y", "value": "-Inf", "grad": {"x": "+Inf"}}`},
		// sqrt(-1) is NaN, and so is its derivative.
		{"x = -1\ny = sqrt(x)\n", `{"of": "y", "value": "NaN", "grad": {"x": "NaN"}}`},
		// exp(1000) overflows to +Inf.
		{"x = 1000\ny = exp(x)\n", `{"of": "y", "value": "+Inf", "grad": {"x": "+Inf"}}`},
		// 1/0 = +Inf, derivative -1/0² = -Inf.
		{"x = 0\ny = 1/x\n", `{"of": "y", "value": "+Inf", "grad": {"x": "-Inf"}}`},
	}
	for _, tt := range tests {
		out, errOut, code := run(t, tt.src, "grad", "-", "--format", "json")
		if code != 0 || errOut != "" || out != tt.want+"\n" {
			t.Errorf("grad %q: exit %d, stderr %q, stdout %s; want %s", tt.src, code, errOut, out, tt.want)
		}
	}
}

func TestHelpAndVersion(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"grad", "--help"}, {"explain", "-h"}, {"dot", "--help"}, {"version"}, {"version", "--help"}, {"help", "grad"}} {
		out, errOut, code := run(t, "", args...)
		if code != 0 || errOut != "" || out == "" {
			t.Errorf("backprop %v: exit %d, stderr %q, stdout %q", args, code, errOut, out)
		}
	}
}

func TestDotFiles(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct{ file, magic string }{
		{"g.dot", "digraph backprop {"},
		{"g.svg", "<?xml"},
		{"g.png", "\x89PNG\r\n\x1a\n"},
	} {
		path := filepath.Join(dir, tt.file)
		out, errOut, code := run(t, "", "dot", "testdata/seed.bp", "-o", path)
		if code != 0 || out != "" || errOut != "" {
			t.Fatalf("dot -o %s: exit %d, stdout %q, stderr %q", tt.file, code, out, errOut)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(data), tt.magic) {
			t.Errorf("%s starts %q; want %q", tt.file, data[:min(len(data), 16)], tt.magic)
		}
		if tt.file == "g.png" {
			img, err := png.Decode(strings.NewReader(string(data)))
			if err != nil || img.Bounds().Dx() < 200 || img.Bounds().Dy() < 50 {
				t.Errorf("g.png: %v, bounds %v", err, img.Bounds())
			}
		}
		if tt.file == "g.svg" && !strings.Contains(string(data), "u5 = sin(u4)") {
			t.Errorf("g.svg lacks the label u5 = sin(u4)")
		}
	}
}

// TestLaTeXCompiles runs pdflatex on the LaTeX output where it is
// installed (Debian's texlive-latex-base).
func TestLaTeXCompiles(t *testing.T) {
	pdflatex, err := exec.LookPath("pdflatex")
	if err != nil {
		t.Skip("pdflatex is not installed")
	}
	for _, f := range []string{"seed.bp", "micrograd.bp"} {
		out, _, code := run(t, "", "explain", filepath.Join("testdata", f), "--format", "latex")
		if code != 0 {
			t.Fatalf("explain %s --format latex: exit %d", f, code)
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "e.tex"), []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(pdflatex, "-interaction=nonstopmode", "-halt-on-error", "e.tex")
		cmd.Dir = dir
		if log, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("pdflatex on the output for %s: %v\n%s", f, err, log)
		}
	}
}

// TestRenderLimit checks that SVG and PNG output is refused beyond the
// limits of in-process rendering, with one line naming the command, and
// that explain --format html then notes it in place of the drawing.
func TestRenderLimit(t *testing.T) {
	// A chain of 600 statements has 2,397 nodes, over the limit of 2,000;
	// an input used by each of 77 statements gives 234 nodes, but 9,166
	// with the virtual nodes of its edges, over the limit of 6,000.
	for _, src := range []string{chainProgram(600), fanProgram(80)} {
		dir := t.TempDir()
		for _, file := range []string{"g.svg", "g.png"} {
			path := filepath.Join(dir, file)
			out, errOut, code := run(t, src, "dot", "-", "-o", path)
			if code != 1 || out != "" || strings.Count(errOut, "\n") != 1 ||
				!strings.HasPrefix(errOut, "backprop dot: the graph has ") || !strings.Contains(errOut, "write a .dot file") {
				t.Errorf("dot -o %s: exit %d, stdout %q, stderr %q; want exit 1 and one line", file, code, out, errOut)
			}
			if _, err := os.Stat(path); err == nil {
				t.Errorf("dot -o %s wrote the file", file)
			}
		}
		out, errOut, code := run(t, src, "dot", "-")
		if code != 0 || errOut != "" || !strings.HasPrefix(out, "digraph backprop {") {
			t.Errorf("dot -: exit %d, stderr %q", code, errOut)
		}
	}
	out, errOut, code := run(t, fanProgram(80), "explain", "-", "--format", "html")
	if code != 0 || errOut != "" {
		t.Fatalf("explain --format html: exit %d, stderr %q", code, errOut)
	}
	out = staticPart(out)
	for _, want := range []string{"<h2>Forward pass</h2>", "<h2>Complete calculation</h2>", "<td>t77</td>", `<p class="note">The graph has `, "too big to draw here"} {
		if !strings.Contains(out, want) {
			t.Errorf("explain --format html lacks %q", want)
		}
	}
	if strings.Contains(out, "<svg") {
		t.Errorf("explain --format html has a drawing beyond the limit")
	}
}

// TestRenderBelowLimit renders graphs that are big but within the limits.
func TestRenderBelowLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("renders graphs of a few hundred nodes")
	}
	// A chain of 100 statements (397 nodes) and an input used by each of
	// 37 statements (114 nodes, 2,186 with virtual nodes): each about 0.3 s
	// on two cores. PNG painting takes longer, so it gets a smaller graph.
	dir := t.TempDir()
	for _, tt := range []struct{ name, src, file string }{
		{"chain", chainProgram(100), "chain.svg"},
		{"fan", fanProgram(40), "fan.svg"},
		{"fan", fanProgram(15), "fan.png"},
	} {
		path := filepath.Join(dir, tt.file)
		out, errOut, code := run(t, tt.src, "dot", "-", "-o", path)
		if code != 0 || out != "" || errOut != "" {
			t.Errorf("%s: dot -o %s: exit %d, stderr %q", tt.name, tt.file, code, errOut)
		}
	}
	out, errOut, code := run(t, fanProgram(40), "explain", "-", "--format", "html")
	out = staticPart(out)
	if code != 0 || errOut != "" || !strings.Contains(out, "<svg") || strings.Contains(out, `class="note"`) {
		t.Errorf("explain --format html: exit %d, stderr %q; want a drawing and no note", code, errOut)
	}
}

// TestLaTeXCompilesBig runs pdflatex on the LaTeX output of a program of
// 400 statements, whose tables run over 173 pages (about 1 s).
func TestLaTeXCompilesBig(t *testing.T) {
	pdflatex, err := exec.LookPath("pdflatex")
	if err != nil {
		t.Skip("pdflatex is not installed")
	}
	if testing.Short() {
		t.Skip("pdflatex on 173 pages")
	}
	out, _, code := run(t, fanProgram(400), "explain", "-", "--format", "latex")
	if code != 0 {
		t.Fatalf("explain --format latex: exit %d", code)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "e.tex"), []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(pdflatex, "-interaction=nonstopmode", "-halt-on-error", "e.tex")
	cmd.Dir = dir
	if log, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("pdflatex: %v\n%s", err, log[max(0, len(log)-2000):])
	}
}
