package cli_test

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/seed812a03d2/backprop/internal/cli"
)

// endless is a reader of the same bytes for ever, like /dev/zero, that
// counts what was read from it.
type endless struct {
	pattern []byte
	rng     *rand.Rand // random bytes instead of the pattern, like /dev/urandom
	read    int
}

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		if e.rng != nil {
			p[i] = byte(e.rng.Uint32())
		} else {
			p[i] = e.pattern[(e.read+i)%len(e.pattern)]
		}
	}
	e.read += len(p)
	return len(p), nil
}

// oneErrorLine checks that a failed run wrote nothing to stdout and one
// short line, free of control characters, to stderr, containing want.
func oneErrorLine(t *testing.T, name, out, errOut string, code, wantCode int, want string) {
	t.Helper()
	if code != wantCode || out != "" {
		t.Errorf("%s: exit %d, stdout %.80q; want exit %d and no output", name, code, out, wantCode)
	}
	line, rest, _ := strings.Cut(errOut, "\n")
	if rest != "" || !strings.HasSuffix(errOut, "\n") {
		t.Errorf("%s: stderr is not one line: %.200q", name, errOut)
	}
	if !strings.Contains(line, want) {
		t.Errorf("%s: stderr %.200q does not say %q", name, line, want)
	}
	if len(line) > 300 {
		t.Errorf("%s: an error line of %d bytes: %.120q…", name, len(line), line)
	}
	if strings.ContainsFunc(line, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		t.Errorf("%s: control characters in the error line %q", name, line)
	}
}

// The faults of the hardening issue: `backprop grad /dev/zero` ran out of
// memory with a 136-line trace, /dev/urandom grew to 2.2 GB, and nothing
// bounded the input.
func TestInputIsBounded(t *testing.T) {
	tests := []struct {
		name string
		in   *endless
		args []string
		want string
	}{
		{"NUL bytes, like /dev/zero", &endless{pattern: []byte{0}}, nil, "-:1:1: binary data (NUL byte) in program"},
		{"random bytes, like /dev/urandom", &endless{rng: rand.New(rand.NewPCG(1, 2))}, nil, "-:1:"},
		{"endless text", &endless{pattern: []byte("x = 1\n")}, nil, "-: over the limit of 67108864 bytes of program text (see --max-input)"},
		{"endless text, --max-input", &endless{pattern: []byte("x = 1\n")}, []string{"--max-input", "1000"}, "-: over the limit of 1000 bytes of program text (see --max-input)"},
		{"one endless line", &endless{pattern: []byte("x")}, nil, "-:1:1: line longer than 1048576 bytes"},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		code := cli.Run(append([]string{"grad", "-"}, tt.args...), tt.in, &out, &errOut)
		oneErrorLine(t, tt.name, out.String(), errOut.String(), code, 1, tt.want)
		if max := 64<<20 + 64<<10; tt.in.read > max {
			t.Errorf("%s: read %d bytes; want at most %d", tt.name, tt.in.read, max)
		}
		if strings.HasPrefix(tt.want, "-:1:") && tt.in.read > 64<<10 && !strings.Contains(tt.want, "longer") {
			t.Errorf("%s: read %d bytes before refusing binary data; want one buffer (64 KiB)", tt.name, tt.in.read)
		}
	}
	for _, dev := range []string{"/dev/zero", "/dev/urandom"} {
		if _, err := os.Stat(dev); err != nil {
			continue
		}
		out, errOut, code := run(t, "", "grad", dev)
		oneErrorLine(t, dev, out, errOut, code, 1, dev+":1:")
	}
}

func TestNodeLimit(t *testing.T) {
	out, errOut, code := run(t, "", "grad", "testdata/seed.bp", "--max-nodes", "5")
	oneErrorLine(t, "grad --max-nodes 5", out, errOut, code, 1, "testdata/seed.bp:6:1: over the limit of 5 nodes (see --max-nodes)")
	if _, _, code := run(t, "", "grad", "testdata/seed.bp", "--max-nodes", "6"); code != 0 {
		t.Errorf("the worked example (6 nodes) with --max-nodes 6: exit %d", code)
	}
	for _, v := range []string{"0", "-1", "x", "1e9", "99999999999999999999"} {
		out, errOut, code := run(t, "", "grad", "testdata/seed.bp", "--max-nodes", v)
		oneErrorLine(t, "--max-nodes "+v, out, errOut, code, 2, "want a positive whole number")
	}
}

// inputs returns a program of n inputs and the sum of their squares and
// products with a neighbour.
func inputs(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "x%d = %d\n", i, i)
	}
	b.WriteString("y = 0")
	for i := range n {
		fmt.Fprintf(&b, " + x%d*x%d", i, (i+1)%n)
	}
	b.WriteString("\n")
	return b.String()
}

// The fault of the hardening issue: grad --order 2 with 10,000 inputs took
// 48 s and 6.8 GB and wrote 1.2 GB.
func TestHessianLimit(t *testing.T) {
	big := inputs(10_000)
	out, errOut, code := run(t, big, "grad", "-", "--order", "2")
	oneErrorLine(t, "grad --order 2, 10,000 inputs", out, errOut, code, 1, "-: 100000000 Hessian entries (10000 --wrt nodes squared), over the limit of 1000000 (see --max-hessian)")
	out, errOut, code = run(t, big, "explain", "-", "--order", "2")
	oneErrorLine(t, "explain --order 2, 10,000 inputs", out, errOut, code, 1, "over the limit of 1000000 (see --max-hessian)")
	// The limit can be raised; within it the Hessian is right.
	small := inputs(3) // y = x0·x1 + x1·x2 + x2·x0
	out, errOut, code = run(t, small, "grad", "-", "--order", "2", "--max-hessian", "9", "--format", "json")
	if code != 0 || !strings.Contains(out, `"x0": {"x0": 0, "x1": 1, "x2": 1}`) {
		t.Errorf("grad --order 2 --max-hessian 9 of 3 inputs: exit %d, %s %s", code, out, errOut)
	}
	out, errOut, code = run(t, small, "grad", "-", "--order", "2", "--max-hessian", "8")
	oneErrorLine(t, "--max-hessian 8", out, errOut, code, 1, "9 Hessian entries (3 --wrt nodes squared), over the limit of 8")
	// Many passes over a big graph are refused too.
	out, errOut, code = run(t, inputs(1000), "explain", "-", "--order", "2")
	oneErrorLine(t, "explain --order 2, 1,000 inputs", out, errOut, code, 1, "explained nodes (1000 second passes, one per --wrt node")
	for _, cmd := range []string{"grad", "explain"} {
		help, _, _ := run(t, "", cmd, "--help")
		for _, flag := range []string{"--max-hessian N", "--max-input BYTES", "--max-nodes N", "--order N"} {
			if !strings.Contains(help, flag) {
				t.Errorf("%s --help does not mention %s", cmd, flag)
			}
		}
		if !strings.Contains(help, "at most --max-hessian entries") && !strings.Contains(help, "√(--max-hessian)") {
			t.Errorf("%s --help: --order does not mention its limit", cmd)
		}
	}
}

// The fault of the hardening issue: error lines echoed what they quote
// whole (a 1 MB number or name), and file names with terminal escape
// sequences raw.
func TestErrorLinesQuoteShortly(t *testing.T) {
	mb := strings.Repeat("a", 1_000_000)
	digits := strings.Repeat("1", 1_000_000)
	evil := "evil\x1b]0;pwned\x07\x1b[2J.bp"
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"a megabyte name", "y = " + mb + "\n", []string{"grad", "-"}, 1, "-:1:5: undefined: aaaaaaaa"},
		{"a megabyte number", "y = " + digits + "\n", []string{"grad", "-"}, 1, "number out of range: 1111"},
		{"a megabyte --of", "y = 1\n", []string{"grad", "-", "--of", mb}, 1, "--of: no node named aaaa"},
		{"a megabyte --wrt", "y = 1\n", []string{"grad", "-", "--wrt", mb}, 1, "--wrt: no node named aaaa"},
		{"a megabyte --set value", "y = 1\n", []string{"grad", "-", "--set", "y=" + digits}, 2, "number out of range"},
		{"a megabyte --set name", "y = 1\n", []string{"grad", "-", "--set", mb + "=1"}, 1, "no input named aaaa"},
		{"a megabyte --format", "y = 1\n", []string{"grad", "-", "--format", mb}, 2, "unknown --format \"aaaa"},
		{"a megabyte flag", "y = 1\n", []string{"grad", "-", "--" + mb}, 2, "unknown flag --aaaa"},
		{"a megabyte command", "", []string{mb}, 2, "unknown command \"aaaa"},
		{"a missing file with escapes", "", []string{"grad", evil}, 1, `evil\x1b]0;pwned\a\x1b[2J.bp`},
		{"a file name with escapes in a position", "x = y\n", []string{"grad", "-"}, 1, "-:1:5: undefined: y"},
		{"escapes in an --order value", "", []string{"grad", "-", "--order", "\x1b[31m"}, 2, `--order "\x1b[31m"`},
	}
	for _, tt := range tests {
		out, errOut, code := run(t, tt.stdin, tt.args...)
		oneErrorLine(t, tt.name, out, errOut, code, tt.code, tt.want)
	}
	// A real file whose name holds escape sequences, with an error inside.
	dir := t.TempDir()
	path := dir + "/" + evil
	if err := os.WriteFile(path, []byte("x = y\n"), 0o644); err == nil {
		out, errOut, code := run(t, "", "grad", path)
		oneErrorLine(t, "an error in a file whose name holds escapes", out, errOut, code, 1, `pwned\a\x1b[2J.bp:1:5: undefined: y`)
	}
}

// readerFunc adapts a function to io.Reader.
type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

func TestReadErrorIsOneLine(t *testing.T) {
	var out, errOut bytes.Buffer
	failing := readerFunc(func([]byte) (int, error) { return 0, io.ErrUnexpectedEOF })
	code := cli.Run([]string{"grad", "-"}, failing, &out, &errOut)
	oneErrorLine(t, "a failing standard input", out.String(), errOut.String(), code, 1, "backprop grad: unexpected EOF")
	o, e, c := run(t, "", "grad", t.TempDir())
	oneErrorLine(t, "a directory", o, e, c, 1, "is a directory, not a program")
}
