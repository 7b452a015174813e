package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/goccy/go-graphviz"
)

// writeGraph writes the DOT source src to dest: as it is for .dot, laid
// out and rendered in-process by Graphviz compiled to WebAssembly for .svg,
// and laid out by it and painted by renderPNG for .png.
func writeGraph(dest, src string) error {
	var data []byte
	switch {
	case strings.HasSuffix(strings.ToLower(dest), ".dot"):
		data = []byte(src)
	case strings.HasSuffix(strings.ToLower(dest), ".svg"):
		svg, err := renderSVG(src)
		if err != nil {
			return err
		}
		data = svg
	default:
		png, err := renderPNG(src)
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

// renderSVG lays out and renders DOT source as SVG.
func renderSVG(src string) ([]byte, error) {
	ctx := context.Background()
	gv, err := graphviz.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("backprop dot: starting Graphviz: %v", err)
	}
	defer gv.Close()
	g, err := graphviz.ParseBytes([]byte(src))
	if err != nil {
		return nil, fmt.Errorf("backprop dot: %v", err)
	}
	defer g.Close()
	var b bytes.Buffer
	if err := gv.Render(ctx, g, graphviz.SVG, &b); err != nil {
		return nil, fmt.Errorf("backprop dot: rendering SVG: %v", err)
	}
	return b.Bytes(), nil
}
