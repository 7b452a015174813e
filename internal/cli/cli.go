package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/seed812a03d2/backprop/lang"
	"github.com/seed812a03d2/backprop/program"
	"github.com/seed812a03d2/backprop/tensor"
)

// Version is the command's version.
const Version = "0.1.0"

// SeedProgram is the worked example, explained when backprop runs without
// arguments.
const SeedProgram = `# the worked example
u1 = 4
u2 = 2
u3 = u1 + u2
u4 = u3^2
u5 = sin(u4)
`

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// Run runs the backprop command with the given arguments (without the
// program name) and returns its exit status. Output goes to stdout only
// when the command succeeds (a long explanation is written as it is made,
// once nothing but writing can fail); an error is one line on stderr.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) (status int) {
	out := &output{stdout: stdout}
	defer func() {
		// The last resort: no user sees a stack trace.
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "backprop: internal error: %v\n", oneLine(fmt.Sprint(r)))
			if os.Getenv("BACKPROP_DEBUG") != "" {
				stderr.Write(debug.Stack())
			}
			status = exitError
		}
	}()
	err := run(args, stdin, out)
	if err != nil {
		fmt.Fprintln(stderr, oneLine(err.Error()))
		var ue *usageError
		if errors.As(err, &ue) {
			return exitUsage
		}
		return exitError
	}
	if _, err := out.flush(); err != nil {
		fmt.Fprintf(stderr, "backprop: %v\n", err)
		return exitError
	}
	return exitOK
}

// maxErrorLine is the most characters of an error line that Run prints.
const maxErrorLine = 1000

// oneLine makes s one line for the terminal: newlines become spaces,
// other control characters are escaped (an error quoting a file name or a
// value the user gave must not send escape sequences to the terminal),
// and a line longer than maxErrorLine characters is cut.
// output is what a command writes: kept in a buffer, and written to
// standard output only when the command succeeds, unless the command
// streams a big result once every check has passed.
type output struct {
	bytes.Buffer
	stdout io.Writer
}

// stream returns standard output for writing the rest directly, after
// what is buffered. A command calls it only when nothing but an error
// writing can fail any more.
func (o *output) stream() io.Writer {
	o.flush()
	return o.stdout
}

// flush writes what is buffered to standard output.
func (o *output) flush() (int, error) {
	n, err := o.stdout.Write(o.Bytes())
	o.Reset()
	return n, err
}

func oneLine(s string) string {
	s = lang.Escape(strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", " "))
	if r := []rune(s); len(r) > maxErrorLine {
		s = string(r[:maxErrorLine]) + "…"
	}
	return s
}

// quote quotes s, a value from the command line, for an error message, as
// lang.Quote does: cut after a few dozen characters, control characters
// escaped.
func quote(s string) string { return `"` + lang.Quote(s) + `"` }

const mainUsage = `backprop explains backpropagation on computational graphs.

Usage:
  backprop                     explain the built-in worked example
  backprop grad FILE [flags]   print the output's value and gradients
  backprop explain FILE [flags]
                               print the forward pass, the complete
                               calculation table and the answers
  backprop dot FILE [flags]    print the graph in Graphviz DOT, or render it
  backprop export FILE [--format onnx|stablehlo] [--grad] -o OUT
                               write the graph, and its gradients, as a
                               function of its inputs for ONNX Runtime or XLA
  backprop serve [FILE] [flags]
                               serve the page that steps through the
                               backward pass, on 127.0.0.1
  backprop version             print the version

FILE is a graph program, or - for standard input. Run backprop COMMAND --help
for the flags of a command.
`

func run(args []string, stdin io.Reader, out *output) error {
	if len(args) == 0 {
		return explainCmd([]string{"-"}, strings.NewReader(SeedProgram), out, "worked-example.bp")
	}
	switch args[0] {
	case "grad":
		return gradCmd(args[1:], stdin, out)
	case "explain":
		return explainCmd(args[1:], stdin, out, "")
	case "dot":
		return dotCmd(args[1:], stdin, out)
	case "export":
		return exportCmd(args[1:], stdin, out)
	case "serve":
		return serveCmd(args[1:], stdin, out)
	case "version", "--version":
		p, err := parseArgs("version", nil, args[1:])
		if err != nil {
			return err
		}
		if p.has("help") {
			out.WriteString(usage("version", "version", nil))
			return nil
		}
		if len(p.args) > 0 {
			return usagef("backprop version: takes no arguments, got %s", quote(p.args[0]))
		}
		fmt.Fprintf(out, "backprop %s\n", Version)
		return nil
	case "help", "--help", "-h":
		if len(args) == 2 {
			switch args[1] {
			case "grad", "explain", "dot", "export", "serve", "version":
				return run([]string{args[1], "--help"}, stdin, out)
			}
			return usagef("backprop help: unknown command %s (commands: grad, explain, dot, export, serve, version)", quote(args[1]))
		}
		out.WriteString(mainUsage)
		return nil
	}
	return usagef("backprop: unknown command %s (commands: grad, explain, dot, export, serve, version; see backprop --help)", quote(args[0]))
}

// commonFlags are the flags every command that reads a program takes.
var commonFlags = []flagSpec{
	{name: "of", value: "NAME", help: "the output node (default: the last assigned name)"},
	{name: "wrt", value: "NAME,...", repeat: true, help: "the nodes to differentiate with respect to (default: every input)"},
	{name: "set", value: "NAME=VALUE", repeat: true, help: "override the value of an input with a number or a tensor literal ([[1, 2], [3, 4]]); may repeat"},
	{name: "max-input", value: "BYTES", help: fmt.Sprintf("refuse a program longer than BYTES (default %d, 64 MiB)", program.DefaultMaxBytes)},
	{name: "max-elements", value: "N", help: fmt.Sprintf("refuse an operation that would make a tensor of more than N elements (default %d)", program.DefaultMaxElements)},
}

// maxNodesFlag returns the --max-nodes flag with its default for a command.
func maxNodesFlag(def int) flagSpec {
	return flagSpec{name: "max-nodes", value: "N", help: fmt.Sprintf("refuse a program that makes more than N nodes (default %d)", def)}
}

// maxHessianFlag is the --max-hessian flag of the commands with --order 2.
var maxHessianFlag = flagSpec{name: "max-hessian", value: "N", help: fmt.Sprintf("with --order 2, refuse more than N second derivatives, that is more than √N --wrt nodes (default %d: 1,000 nodes)", program.DefaultMaxHessian)}

// Explaining and drawing a graph take kilobytes per node, so explain and
// dot refuse programs of more than renderMaxNodes nodes by default
// (explaining a chain of 1,000,000 nodes takes about 14 s, and 0.95 GB in
// Markdown or JSON, 1.5 GB as text).
const renderMaxNodes = 2_000_000

func usage(cmd, synopsis string, specs []flagSpec) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: backprop %s\n\nFlags:\n", synopsis)
	for _, s := range specs {
		dash := "--"
		if len(s.name) == 1 {
			dash = "-"
		}
		flag := dash + s.name
		if s.value != "" {
			flag += " " + s.value
		}
		fmt.Fprintf(&b, "  %-26s %s\n", flag, s.help)
	}
	fmt.Fprintf(&b, "  %-26s %s\n", "--help", "print this help")
	return b.String()
}

// load reads and parses the program named by the single positional
// argument and builds it with the common flags; maxNodes is the command's
// default for --max-nodes.
func load(cmd string, p *parsed, stdin io.Reader, name string, maxNodes int) (*program.Compiled, error) {
	return loadSource(cmd, p, stdin, name, maxNodes, nil)
}

// loadSource is load keeping the program's text in src too, if src is not
// nil.
func loadSource(cmd string, p *parsed, stdin io.Reader, name string, maxNodes int, src *bytes.Buffer) (*program.Compiled, error) {
	if len(p.args) != 1 {
		return nil, usagef("backprop %s: want one FILE (or - for standard input), got %d arguments", cmd, len(p.args))
	}
	opt := program.Options{Limits: program.Limits{MaxNodes: maxNodes}}
	for _, l := range []struct {
		flag string
		dst  *int
	}{{"max-input", &opt.Limits.MaxBytes}, {"max-nodes", &opt.Limits.MaxNodes}, {"max-hessian", &opt.Limits.MaxHessian}, {"max-elements", &opt.Limits.MaxElements}} {
		if v, ok := p.last(l.flag); ok {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return nil, usagef("backprop %s: --%s %s: want a positive whole number", cmd, l.flag, quote(v))
			}
			*l.dst = n
		}
	}
	if v, ok := p.last("of"); ok {
		if v == "" {
			return nil, usagef("backprop %s: --of needs a name", cmd)
		}
		opt.Of = v
	}
	for _, w := range p.flags["wrt"] {
		for _, n := range strings.Split(w, ",") {
			n = strings.TrimSpace(n)
			if n == "" {
				return nil, usagef("backprop %s: --wrt %s has an empty name", cmd, quote(w))
			}
			opt.Wrt = append(opt.Wrt, n)
		}
	}
	for _, s := range p.flags["set"] {
		n, v, ok := strings.Cut(s, "=")
		n = strings.TrimSpace(n)
		if !ok || n == "" {
			return nil, usagef("backprop %s: --set %s: want NAME=VALUE", cmd, quote(s))
		}
		shape, vals, err := lang.ParseLiteral(strings.TrimSpace(v))
		if err != nil {
			return nil, usagef("backprop %s: --set %s: %s", cmd, lang.Quote(s), strings.TrimPrefix(err.Error(), "lang: "))
		}
		opt.Set = append(opt.Set, program.Setting{Name: n, Value: tensor.FromFloat64s(vals, shape...)})
	}
	file := p.args[0]
	in := stdin
	if file == "-" {
		if name == "" {
			name = "-"
		}
	} else {
		name = file
		f, err := os.Open(file)
		if err != nil {
			return nil, fmt.Errorf("backprop %s: %v", cmd, err)
		}
		defer f.Close()
		if fi, err := f.Stat(); err == nil && fi.IsDir() {
			return nil, fmt.Errorf("backprop %s: %s is a directory, not a program", cmd, lang.Quote(file))
		}
		in = f
	}
	if src != nil {
		in = io.TeeReader(in, src)
	}
	pg, err := program.Read(name, in, opt)
	if err != nil {
		var le *lang.Error
		var lim *program.LimitError
		if errors.As(err, &le) || errors.As(err, &lim) {
			return nil, err // FILE:LINE:COL: message
		}
		return nil, fmt.Errorf("backprop %s: %v", cmd, err)
	}
	return pg, nil
}

func format(cmd string, p *parsed, allowed ...string) (string, error) {
	f, ok := p.last("format")
	if !ok {
		return allowed[0], nil
	}
	for _, a := range allowed {
		if f == a {
			return f, nil
		}
	}
	return "", usagef("backprop %s: unknown --format %s (want %s)", cmd, quote(f), strings.Join(allowed, ", "))
}
