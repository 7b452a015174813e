package web_test

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/seed812a03d2/backprop/web"
	"github.com/seed812a03d2/backprop/web/eval"
)

// A page for the worked example, to save as an HTML file and open.
func ExampleWritePage() {
	var b bytes.Buffer
	p := web.Page{
		Start: eval.Request{Program: "u1 = 4\nu2 = 2\nu3 = u1 + u2\nu4 = u3^2\nu5 = sin(u4)\n"},
		Title: "Backpropagation of u5",
	}
	if err := web.WritePage(&b, p); err != nil {
		fmt.Println(err)
		return
	}
	page := b.String()
	fmt.Println(strings.HasPrefix(page, "<!DOCTYPE html>"))
	fmt.Println(strings.Contains(page, `"program":"u1 = 4\nu2 = 2\n`))
	fmt.Println(b.Len() > 1<<20) // the engine is most of it
	// Output:
	// true
	// true
	// true
}
