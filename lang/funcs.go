package lang

import (
	"slices"
	"strings"
)

// Func describes a built-in function as the parser sees it: its name, how
// many positional arguments it takes and the names of its named arguments
// (sum(x, axis=1)). What it computes is not the parser's business: the
// table of functions lives above the language (package program builds it
// from the operations of package ops) and is handed to [NewSyntax].
type Func struct {
	Name string
	// MinArgs and MaxArgs bound the number of positional arguments;
	// MaxArgs < 0 means any number from MinArgs on.
	MinArgs, MaxArgs int
	Named            []string // the named arguments it accepts, such as "axis"
	Doc              string   // what it computes, for help and documentation
}

// Syntax is the language with a table of built-in functions: it parses
// programs that call them. A Syntax is immutable and safe for concurrent
// use.
type Syntax struct {
	funcs []Func // sorted by name
}

// NewSyntax returns the language with the given built-in functions. It
// panics if a name is not a valid name of the language or appears twice.
func NewSyntax(funcs []Func) *Syntax {
	s := &Syntax{funcs: slices.Clone(funcs)}
	slices.SortFunc(s.funcs, func(a, b Func) int { return strings.Compare(a.Name, b.Name) })
	for i, f := range s.funcs {
		if !validName(f.Name) {
			panic("lang: function name " + Quote(f.Name) + " is not a valid name")
		}
		if i > 0 && s.funcs[i-1].Name == f.Name {
			panic("lang: function " + f.Name + " listed twice")
		}
	}
	return s
}

// Funcs returns the built-in functions, sorted by name.
func (s *Syntax) Funcs() []Func { return slices.Clone(s.funcs) }

// LookupFunc returns the built-in function with the given name.
func (s *Syntax) LookupFunc(name string) (Func, bool) {
	i, ok := slices.BinarySearchFunc(s.funcs, name, func(f Func, n string) int { return strings.Compare(f.Name, n) })
	if !ok {
		return Func{}, false
	}
	return s.funcs[i], true
}

func validName(s string) bool {
	if s == "" || isDigit(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isLetter(s[i]) && !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// arity describes how many positional arguments f takes: "1 argument",
// "1 or 2 arguments", "at least 2 arguments".
func (f *Func) arity() string {
	switch {
	case f.MaxArgs < 0:
		return "at least " + itoa(f.MinArgs) + " " + plural(f.MinArgs, "argument")
	case f.MaxArgs == f.MinArgs:
		return itoa(f.MinArgs) + " " + plural(f.MinArgs, "argument")
	case f.MaxArgs == f.MinArgs+1:
		return itoa(f.MinArgs) + " or " + itoa(f.MaxArgs) + " arguments"
	}
	return itoa(f.MinArgs) + " to " + itoa(f.MaxArgs) + " arguments"
}
