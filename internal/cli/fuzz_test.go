package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/seed812a03d2/backprop/internal/cli"
)

// FuzzCommand runs the whole command on a program and a command line
// together: the command line is args, one argument per line. Whatever the
// input, the command must not panic (the last-resort recover reports an
// "internal error"), must exit 0, 1 or 2, and on failure must print
// nothing on standard output and one line on standard error without
// control characters. Commands that write files (dot -o) or render
// drawings (explain --format html, which starts Graphviz) are left out.
//
//	go test ./internal/cli -run='^$' -fuzz=FuzzCommand -fuzztime=3m
func FuzzCommand(f *testing.F) {
	seeds, _ := filepath.Glob("../../lang/testdata/*.bp")
	seeds = append(seeds, "testdata/seed.bp", "testdata/micrograd.bp", network)
	lines := []string{
		"grad\n-",
		"grad\n-\n--format\njson",
		"grad\n-\n--format\nmarkdown\n--order\n2",
		"grad\n-\n--order=2\n--wrt\nu1,u2",
		"explain\n-",
		"explain\n-\n--format\nlatex",
		"explain\n-\n--format\njson\n--order\n2",
		"explain\n-\n--in-terms-of-inputs\n--format=markdown",
		"dot\n-",
		"grad\n-\n--set\nu1=3\n--of\nu4",
		"grad\n-\n--set\nW1=[[1, 2], [3, 4]]\n--wrt\nW1",
		"grad\n-\n--max-elements\n3",
		"grad\n-\n--max-nodes\n3",
		"grad\n-\n--max-input\n10",
		"explain\n-\n--max-hessian\n1\n--order\n2",
		"version",
		"help\ngrad",
	}
	for _, path := range seeds {
		src, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		for _, l := range lines {
			f.Add(string(src), l)
		}
	}
	f.Add("x = 1e308\ny = exp(x) * 0\n", "grad\n-\n--order\n2")
	f.Add("a = 0\nb = 2\nz = a^b\n", "explain\n-\n--format\njson")
	f.Add("x = 1\n", "grad\n-\n--set\nx=\x1b[31m")
	f.Fuzz(func(t *testing.T, program, cmdline string) {
		args := strings.Split(cmdline, "\n")
		for _, a := range args {
			lower := strings.ToLower(a)
			if strings.HasPrefix(lower, "-o") || strings.HasPrefix(lower, "--o=") || lower == "--o" ||
				strings.Contains(lower, "html") || strings.Contains(lower, "max-") {
				// dot -o writes files, html renders with Graphviz, and raised
				// limits would let one input run for minutes.
				return
			}
		}
		var out, errOut bytes.Buffer
		code := cli.Run(args, strings.NewReader(program), &out, &errOut)
		e := errOut.String()
		switch {
		case strings.Contains(e, "internal error"):
			t.Fatalf("backprop %q on %q: %s", args, program, e)
		case code != 0 && code != 1 && code != 2:
			t.Fatalf("backprop %q: exit %d", args, code)
		case code == 0 && e != "":
			t.Fatalf("backprop %q: exit 0 with stderr %q", args, e)
		case code != 0 && out.Len() > 0:
			t.Fatalf("backprop %q: exit %d with output %.100q", args, code, out.String())
		case code != 0 && (strings.Count(e, "\n") != 1 || !strings.HasSuffix(e, "\n")):
			t.Fatalf("backprop %q: stderr is not one line: %.200q", args, e)
		case code != 0 && strings.ContainsFunc(strings.TrimSuffix(e, "\n"), func(r rune) bool { return r < ' ' || r == 0x7f }):
			t.Fatalf("backprop %q: control characters in stderr %q", args, e)
		case code != 0 && !utf8.ValidString(e):
			t.Fatalf("backprop %q: invalid UTF-8 in stderr %q", args, e)
		}
	})
}
