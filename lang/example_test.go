package lang_test

import (
	"fmt"

	"github.com/seed812a03d2/backprop/lang"
)

func Example() {
	// The parser knows a function by its name and arguments; what it
	// computes is for the caller (package program) to say.
	syn := lang.NewSyntax([]lang.Func{{Name: "sin", MinArgs: 1, MaxArgs: 1}})
	p, err := syn.Parse("seed.bp", []byte("u1 = 4\nu2 = 2\nu3 = u1+u2\nu4 = u3**2\nu5 = sin(u4) # the output\n"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(p)
	fmt.Println(p.Stmts[0].Input, p.Stmts[2].Input)
	// Output:
	// u1 = 4
	// u2 = 2
	// u3 = u1 + u2
	// u4 = u3^2
	// u5 = sin(u4)
	// true false
}

func ExampleSyntax_Parse_error() {
	_, err := lang.NewSyntax(nil).Parse("bad.bp", []byte("x = 1\ny = x + z\n"))
	fmt.Println(err)
	// Output: bad.bp:2:9: undefined: z
}
