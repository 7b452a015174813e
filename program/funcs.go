package program

import (
	"github.com/seed812a03d2/backprop/lang"
	"github.com/seed812a03d2/backprop/ops"
)

// Syntax is the language of graph programs with its built-in functions:
// those of ops.Funcs, the one table of them, whose names and arguments it
// hands to the parser.
var Syntax = lang.NewSyntax(langFuncs())

// funcByName holds the functions of ops.Funcs by name.
var funcByName = func() map[string]*ops.Func {
	m := map[string]*ops.Func{}
	fs := ops.Funcs()
	for i := range fs {
		m[fs[i].Name] = &fs[i]
	}
	return m
}()

// langFuncs returns ops.Funcs as the parser sees them.
func langFuncs() []lang.Func {
	var out []lang.Func
	for _, f := range ops.Funcs() {
		lf := lang.Func{Name: f.Name, MinArgs: f.MinArgs, MaxArgs: f.MaxArgs, Doc: f.Doc}
		if f.Ints >= 0 {
			lf.MinArgs += f.Ints
			lf.MaxArgs = -1
		}
		if f.Axis {
			lf.Named = []string{"axis"}
		}
		out = append(out, lf)
	}
	return out
}
