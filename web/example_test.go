package web_test

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/seed812a03d2/backprop/web"
	"github.com/seed812a03d2/backprop/web/eval"
)

// A page for the worked example, to save as an HTML file and open in a
// browser, with no server.
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
	fmt.Println("an HTML document:", strings.HasPrefix(page, "<!DOCTYPE html>"))
	fmt.Println("its title:", strings.Contains(page, "<title>Backpropagation of u5</title>"))
	fmt.Println("starts on the program:", strings.Contains(page, `{"program":"u1 = 4\nu2 = 2\nu3 = u1 + u2\nu4 = u3^2\nu5 = sin(u4)\n"}`))
	fmt.Println("over 1 MiB, the engine most of it:", b.Len() > 1<<20)
	// Output:
	// an HTML document: true
	// its title: true
	// starts on the program: true
	// over 1 MiB, the engine most of it: true
}
