package graphviz_test

import (
	"bytes"
	"fmt"

	"github.com/seed812a03d2/backprop/internal/graphviz"
)

func ExampleRender() {
	svg, err := graphviz.Render([]byte(`digraph { u1 -> u3; u2 -> u3 }`), "svg")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(bytes.Contains(svg, []byte("<svg")), bytes.Contains(svg, []byte(">u3<")))
	// Output: true true
}
