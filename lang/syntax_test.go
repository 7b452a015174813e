package lang_test

import "github.com/seed812a03d2/backprop/lang"

// syn is the language with a table of functions like the one package
// program hands it: the parser knows only their names and arguments.
var syn = lang.NewSyntax([]lang.Func{
	{Name: "sin", MinArgs: 1, MaxArgs: 1},
	{Name: "exp", MinArgs: 1, MaxArgs: 1},
	{Name: "pow", MinArgs: 2, MaxArgs: 2},
	{Name: "max", MinArgs: 1, MaxArgs: 2, Named: []string{"axis"}},
	{Name: "min", MinArgs: 1, MaxArgs: 2, Named: []string{"axis"}},
	{Name: "sum", MinArgs: 1, MaxArgs: 1, Named: []string{"axis"}},
	{Name: "reshape", MinArgs: 2, MaxArgs: -1},
	{Name: "relu", MinArgs: 1, MaxArgs: 1},
	{Name: "tanh", MinArgs: 1, MaxArgs: 1},
	{Name: "sqrt", MinArgs: 1, MaxArgs: 1},
	{Name: "log", MinArgs: 1, MaxArgs: 1},
	{Name: "cos", MinArgs: 1, MaxArgs: 1},
	{Name: "abs", MinArgs: 1, MaxArgs: 1},
	{Name: "sigmoid", MinArgs: 1, MaxArgs: 1},
	{Name: "square", MinArgs: 1, MaxArgs: 1},
	{Name: "tan", MinArgs: 1, MaxArgs: 1},
})
