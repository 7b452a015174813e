package lang

import "slices"

// Func describes a built-in function of the language.
type Func struct {
	Name  string
	Arity int
	Doc   string // what it computes, and its derivative at kinks
}

// Funcs lists the built-in functions, sorted by name. Every one is
// differentiable; the documentation gives the convention at kinks.
var Funcs = []Func{
	{"abs", 1, "|x|; abs'(0) = 0"},
	{"cos", 1, "cos(x)"},
	{"exp", 1, "eˣ"},
	{"log", 1, "natural logarithm"},
	{"max", 2, "the larger of a and b; at a tie each gets half the gradient"},
	{"min", 2, "the smaller of a and b; at a tie each gets half the gradient"},
	{"pow", 2, "a raised to b, as a^b"},
	{"relu", 1, "max(x, 0); relu'(0) = 0"},
	{"sigmoid", 1, "1/(1+e⁻ˣ)"},
	{"sin", 1, "sin(x)"},
	{"sqrt", 1, "√x"},
	{"square", 1, "x²"},
	{"tan", 1, "tan(x)"},
	{"tanh", 1, "tanh(x)"},
}

// LookupFunc returns the built-in function with the given name.
func LookupFunc(name string) (Func, bool) {
	i, ok := slices.BinarySearchFunc(Funcs, name, func(f Func, n string) int {
		switch {
		case f.Name < n:
			return -1
		case f.Name > n:
			return 1
		}
		return 0
	})
	if !ok {
		return Func{}, false
	}
	return Funcs[i], true
}
