package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/seed812a03d2/backprop/lang"
)

// flagSpec describes one flag of a command.
type flagSpec struct {
	name   string // without dashes: "of", "o"
	value  string // the value's placeholder in help, or "" for a boolean flag
	repeat bool   // may be given more than once
	help   string
}

// usageError is a mistake on the command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// parsed holds a command line split into flags and positional arguments.
type parsed struct {
	flags map[string][]string
	args  []string
}

func (p *parsed) last(name string) (string, bool) {
	v := p.flags[name]
	if len(v) == 0 {
		return "", false
	}
	return v[len(v)-1], true
}

func (p *parsed) has(name string) bool { _, ok := p.flags[name]; return ok }

// on reports whether the boolean flag name was given and its last value
// is true: --name, --name=true, but not --name=false.
func (p *parsed) on(name string) bool {
	v, ok := p.last(name)
	return ok && v == "true"
}

// parseArgs splits args by specs. Flags may come before or after the
// positional arguments, as --name value or --name=value (one dash will
// do, as with Go's flag package); a boolean flag is --name or
// --name=true|false. A flag given again replaces its value, except for
// repeatable flags, whose values accumulate. "-" is a positional argument
// (standard input) and "--" ends the flags.
func parseArgs(cmd string, specs []flagSpec, args []string) (*parsed, error) {
	p := &parsed{flags: map[string][]string{}}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			p.args = append(p.args, args[i+1:]...)
			break
		}
		if a == "-" || !strings.HasPrefix(a, "-") {
			p.args = append(p.args, a)
			continue
		}
		body := strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		name, value, hasValue := strings.Cut(body, "=")
		if name == "h" || name == "help" {
			p.flags["help"] = []string{"true"}
			continue
		}
		var spec *flagSpec
		for k := range specs {
			if specs[k].name == name {
				spec = &specs[k]
			}
		}
		if spec == nil {
			flag, _, _ := strings.Cut(a, "=")
			return nil, usagef("backprop %s: unknown flag %s (see backprop %s --help)", cmd, lang.Quote(flag), cmd)
		}
		dashes := "--"
		if len(name) == 1 {
			dashes = "-"
		}
		if spec.value == "" {
			v := "true"
			if hasValue {
				b, err := strconv.ParseBool(value)
				if err != nil {
					return nil, usagef("backprop %s: flag %s%s wants true or false, not %s", cmd, dashes, name, quote(value))
				}
				v = strconv.FormatBool(b)
			}
			p.flags[name] = append(p.flags[name], v)
			continue
		}
		if !hasValue {
			if i+1 >= len(args) {
				return nil, usagef("backprop %s: flag %s%s needs a value %s", cmd, dashes, name, spec.value)
			}
			i++
			value = args[i]
		}
		if !spec.repeat {
			p.flags[name] = p.flags[name][:0] // the last one wins
		}
		p.flags[name] = append(p.flags[name], value)
	}
	return p, nil
}
