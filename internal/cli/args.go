package cli

import (
	"fmt"
	"strings"
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

// parseArgs splits args by specs. Flags may come before or after the
// positional arguments, as --name value, --name=value or, for one-letter
// names, -n value; "-" is a positional argument (standard input) and "--"
// ends the flags.
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
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name == "h" || name == "help" {
			p.flags["help"] = []string{""}
			continue
		}
		var spec *flagSpec
		for k := range specs {
			if specs[k].name == name {
				spec = &specs[k]
			}
		}
		if spec == nil || (len(name) > 1 && !strings.HasPrefix(a, "--")) {
			return nil, usagef("backprop %s: unknown flag %s (see backprop %s --help)", cmd, a, cmd)
		}
		if spec.value == "" {
			if hasValue {
				return nil, usagef("backprop %s: flag --%s takes no value", cmd, name)
			}
			p.flags[name] = append(p.flags[name], "")
			continue
		}
		if !hasValue {
			if i+1 >= len(args) {
				return nil, usagef("backprop %s: flag %s needs a value %s", cmd, a, spec.value)
			}
			i++
			value = args[i]
		}
		if len(p.flags[name]) > 0 && !spec.repeat {
			return nil, usagef("backprop %s: flag %s given twice", cmd, a)
		}
		p.flags[name] = append(p.flags[name], value)
	}
	return p, nil
}
