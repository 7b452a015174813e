package cli

import (
	"fmt"
	"os"

	"github.com/seed812a03d2/backprop/explain"
	"github.com/seed812a03d2/backprop/internal/graphviz"
)

// The limits of rendering in-process (dot -o FILE.svg or FILE.png, and the
// drawing in explain --format html). Graphviz compiled to WebAssembly lays
// out a chain of 500 statements (1,997 nodes) in about 1 s on two cores,
// and a program whose inputs b and c are used by each of 47 statements
// (188 nodes, 6,444 with the virtual nodes of its long edges) in about
// 3 s. Beyond them the time grows much faster than the graph (minutes at
// twice the size) until the WebAssembly memory runs out. The DOT text
// itself has no limit.
const (
	maxRenderNodes = 2000       // nodes of the diagram
	maxLayoutSize  = 6000       // nodes plus virtual nodes, explain.Diagram.LayoutSize
	maxPNGPixels   = 20_000_000 // about 3 s to paint and encode
)

// renderLimit returns an error, prefixed with the command's name, when d is
// too big to render in-process, and nil otherwise.
func renderLimit(cmd string, d *explain.Diagram) error {
	if n, size := len(d.Nodes), d.LayoutSize(); n > maxRenderNodes || size > maxLayoutSize {
		return fmt.Errorf("backprop %s: the graph has %d nodes, %d with the virtual nodes of its long edges; "+
			"in-process rendering stops at %d and %d; write a .dot file and use Graphviz (dot -Tsvg)",
			cmd, n, size, maxRenderNodes, maxLayoutSize)
	}
	return nil
}

// writeGraph writes the diagram d to dest: as DOT text for .dot, laid
// out and rendered in-process by Graphviz compiled to WebAssembly for .svg,
// and laid out by it and painted by renderPNG for .png.
func writeGraph(dest string, d *explain.Diagram) error {
	var data []byte
	if !hasSuffix(dest, ".dot") {
		if err := renderLimit("dot", d); err != nil {
			return err
		}
	}
	switch {
	case hasSuffix(dest, ".dot"):
		data = []byte(d.DOT())
	case hasSuffix(dest, ".svg"):
		svg, err := renderSVG("dot", d.DOT())
		if err != nil {
			return err
		}
		data = svg
	default:
		png, err := renderPNG(d.DOT())
		if err != nil {
			return err
		}
		data = png
	}
	if err := os.WriteFile(dest, data, 0o644); err != nil {
		return fmt.Errorf("backprop dot: %v", err)
	}
	return nil
}

// renderSVG lays out and renders DOT source as SVG; its errors start with
// backprop cmd.
func renderSVG(cmd, src string) ([]byte, error) {
	svg, err := graphviz.Render([]byte(src), "svg")
	if err != nil {
		return nil, fmt.Errorf("backprop %s: %v", cmd, err)
	}
	return svg, nil
}
