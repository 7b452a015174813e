package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/seed812a03d2/backprop/explain"
	"github.com/seed812a03d2/backprop/lang"
	"github.com/seed812a03d2/backprop/program"
	"github.com/seed812a03d2/backprop/tensor"
	"github.com/seed812a03d2/backprop/web"
)

var gradFlags = append(append([]flagSpec(nil), commonFlags...),
	maxNodesFlag(program.DefaultMaxNodes), maxHessianFlag,
	flagSpec{name: "format", value: "FORMAT", help: "text, json or markdown (default text)"},
	orderFlag)

var orderFlag = flagSpec{name: "order", value: "N", help: "1 for gradients, 2 for the Hessian over the --wrt nodes too, at most --max-hessian entries (default 1)"}

// order returns the --order flag's value, 1 or 2.
func order(cmd string, p *parsed) (int, error) {
	v, ok := p.last("order")
	switch {
	case !ok || v == "1":
		return 1, nil
	case v == "2":
		return 2, nil
	}
	return 0, usagef("backprop %s: --order %s: want 1 or 2", cmd, quote(v))
}

func gradCmd(args []string, stdin io.Reader, out *output) error {
	p, err := parseArgs("grad", gradFlags, args)
	if err != nil {
		return err
	}
	if p.has("help") {
		out.WriteString(usage("grad", "grad FILE [flags]", gradFlags))
		return nil
	}
	f, err := format("grad", p, "text", "json", "markdown")
	if err != nil {
		return err
	}
	n, err := order("grad", p)
	if err != nil {
		return err
	}
	pg, err := load("grad", p, stdin, "", program.DefaultMaxNodes)
	if err != nil {
		return err
	}
	of, value := pg.OutputName(), pg.Output().Value()
	grads := pg.Gradients()
	var hess [][]float64
	if n == 2 {
		if hess, err = pg.Hessian(); err != nil {
			return err
		}
	}
	switch f {
	case "json":
		var b strings.Builder
		b.WriteString(`{"of": `)
		writeJSONString(&b, of)
		b.WriteString(`, "value": `)
		writeValues(&b, value, jsonNumber)
		b.WriteString(`, "grad": `)
		// A tensor's value is its elements as nested arrays.
		writeJSONObject(&b, pg.WrtNames, func(i int) { writeValues(&b, grads[i], jsonNumber) })
		if hess != nil {
			b.WriteString(`, "hessian": {`)
			for i, w := range pg.WrtNames {
				if i > 0 {
					b.WriteString(", ")
				}
				writeJSONString(&b, w)
				b.WriteString(": ")
				writeJSONObject(&b, pg.WrtNames, func(j int) { b.WriteString(jsonNumber(hess[i][j])) })
			}
			b.WriteString("}")
		}
		b.WriteString("}\n")
		out.WriteString(b.String())
	case "markdown":
		fmt.Fprintf(out, "| node | value |\n|---|---|\n| %s | %s |\n\n| gradient | value |\n|---|---|\n", mdCell(of), text(value))
		for i, w := range pg.WrtNames {
			fmt.Fprintf(out, "| ∂%s/∂%s | %s |\n", mdCell(of), mdCell(w), text(grads[i]))
		}
		switch {
		case hess != nil && len(pg.WrtNames) == 0:
			// A table of no columns would be malformed.
			out.WriteString("\nNo second derivatives: the program has no inputs to differentiate with respect to.\n")
		case hess != nil:
			fmt.Fprintf(out, "\n| ∂²%s | %s |\n|---|", mdCell(of), strings.Join(mdCells(pg.WrtNames, "∂"), " | "))
			out.WriteString(strings.Repeat("---|", len(pg.WrtNames)) + "\n")
			for i, w := range pg.WrtNames {
				fmt.Fprintf(out, "| ∂%s |", mdCell(w))
				for j := range pg.WrtNames {
					fmt.Fprintf(out, " %s |", explain.Number(hess[i][j]))
				}
				out.WriteString("\n")
			}
		}
	default:
		fmt.Fprintf(out, "%s = %s\n", of, text(value))
		for i, w := range pg.WrtNames {
			fmt.Fprintf(out, "∂%s/∂%s = %s\n", of, w, text(grads[i]))
		}
		for i := range hess {
			for j := i; j < len(hess); j++ { // symmetric: each pair once
				fmt.Fprintf(out, "%s = %s\n", explain.Derivative(of, pg.WrtNames[i], pg.WrtNames[j]), explain.Number(hess[i][j]))
			}
		}
	}
	return nil
}

func mdCells(names []string, prefix string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prefix + mdCell(n)
	}
	return out
}

func mdCell(s string) string { return strings.NewReplacer("|", `\|`, "_", `\_`, "*", `\*`).Replace(s) }

// writeJSONObject writes {"name": value, ...}, with value(i) writing the
// value of names[i].
func writeJSONObject(b *strings.Builder, names []string, value func(i int)) {
	b.WriteByte('{')
	for i, n := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		writeJSONString(b, n)
		b.WriteString(": ")
		value(i)
	}
	b.WriteByte('}')
}

// text formats a value as the text and Markdown outputs show it: a
// number, or a tensor's elements as nested lists, [[1, 2], [3, 4]].
func text(t *tensor.Tensor) string {
	var b strings.Builder
	writeValues(&b, t, explain.Number)
	return b.String()
}

// writeValues writes t's elements as nested lists with num formatting
// each: a scalar as one number.
func writeValues(b *strings.Builder, t *tensor.Tensor, num func(float64) string) {
	vals, shape := t.Float64s(), t.Shape()
	if t.DType() != tensor.Float64 {
		vals = t.Data()
	}
	var nest func(axis, off int) int
	nest = func(axis, off int) int {
		if axis == len(shape) {
			b.WriteString(num(vals[off]))
			return off + 1
		}
		b.WriteByte('[')
		for i := range shape[axis] {
			if i > 0 {
				b.WriteString(", ")
			}
			off = nest(axis+1, off)
		}
		b.WriteByte(']')
		return off
	}
	nest(0, 0)
}

func writeJSONString(b *strings.Builder, s string) {
	q, _ := json.Marshal(s)
	b.Write(q)
}

// jsonNumber formats v for JSON: the shortest form that reads back to v,
// or the strings "NaN", "+Inf" and "-Inf".
func jsonNumber(v float64) string {
	s := explain.Number(v)
	switch s {
	case "NaN", "+Inf", "-Inf":
		return `"` + s + `"`
	}
	return s
}

var explainFlags = append(append([]flagSpec(nil), commonFlags...),
	maxNodesFlag(renderMaxNodes), maxHessianFlag,
	flagSpec{name: "format", value: "FORMAT", help: "text, markdown, latex, json or html (default text)"},
	flagSpec{name: "in-terms-of-inputs", help: "show gradients as formulas in the input names instead of with values substituted"},
	flagSpec{name: "order", value: "N", help: "1 for the backward pass, 2 for the second pass too: each first derivative backpropagated again, for at most √(--max-hessian) --wrt nodes (text, markdown or json; default 1)"})

func explainCmd(args []string, stdin io.Reader, out *output, name string) error {
	p, err := parseArgs("explain", explainFlags, args)
	if err != nil {
		return err
	}
	if p.has("help") {
		out.WriteString(usage("explain", "explain FILE [flags]", explainFlags))
		return nil
	}
	f, err := format("explain", p, "text", "markdown", "latex", "json", "html")
	if err != nil {
		return err
	}
	n, err := order("explain", p)
	if err != nil {
		return err
	}
	if n == 2 && (f == "latex" || f == "html") {
		return usagef("backprop explain: --order 2 writes text, markdown or json, not %s", f)
	}
	var src bytes.Buffer // the program's text, for the page
	var keep *bytes.Buffer
	if f == "html" {
		keep = &src
	}
	pg, err := loadSource("explain", p, stdin, name, renderMaxNodes, keep)
	if err != nil {
		return err
	}
	opt := explain.Options{InTermsOfInputs: p.on("in-terms-of-inputs"), Scratch: scratchFile}
	if n == 2 {
		return explainSecond(pg, opt, f, out)
	}
	// Markdown, JSON and text are written as the engine goes: no row of
	// the table is held (explain.Streamed; text keeps its rows in a spool
	// to measure its columns). Nothing can fail now but writing, and
	// reading back the text table's scratch file.
	var werr error
	switch f {
	case "markdown":
		werr = explain.WriteMarkdownStreamed(out.stream(), explainGraph(pg), opt, func(w io.Writer) error {
			if n := explain.DiagramEdges(explainGraph(pg)); n > mermaidMaxEdges {
				// Mermaid refuses such a diagram; drawing it would take
				// longer than the tables.
				_, err := fmt.Fprintf(w, "%%%% The graph has %d edges, more than the %d that Mermaid draws; backprop dot FILE writes it for Graphviz.\n", n, mermaidMaxEdges)
				return err
			}
			return explain.NewDiagram(explainGraph(pg)).WriteMermaid(w)
		})
	case "json":
		werr = explain.WriteJSONStreamed(out.stream(), explainGraph(pg), opt)
	case "text":
		werr = explain.WriteTextStreamed(out.stream(), explainGraph(pg), opt)
	}
	if f == "markdown" || f == "json" || f == "text" {
		if werr != nil {
			return fmt.Errorf("backprop explain: %v", werr)
		}
		return nil
	}
	if f == "html" {
		pa, err := page("explain", p, pg, src.Bytes())
		if err != nil {
			return err
		}
		return web.WritePage(out, pa)
	}
	e := explain.Backward(explainGraph(pg), opt)
	switch f {
	// Nothing can fail now but writing: the other formats stream, so that
	// the explanation of a big graph is not held a second time as text.
	case "latex":
		werr = e.WriteLaTeX(out.stream())
	}
	if werr != nil {
		return fmt.Errorf("backprop explain: %v", werr)
	}
	return nil
}

// scratchFile makes the scratch storage of a big text table: a
// temporary file, unlinked at once where the system allows it, and
// removed when it is closed where it does not.
func scratchFile() (io.ReadWriteSeeker, error) {
	f, err := os.CreateTemp("", "backprop-explain-*")
	if err != nil {
		return nil, err
	}
	if os.Remove(f.Name()) == nil {
		return f, nil // gone once it is closed
	}
	return &removedOnClose{f}, nil
}

// removedOnClose is a temporary file that is removed when it is closed.
type removedOnClose struct{ *os.File }

func (f *removedOnClose) Close() error {
	err := f.File.Close()
	os.Remove(f.Name())
	return err
}

// holdNewline writes to w all but a final newline, which it holds back
// until more follows: it joins JSON objects into an array.
type holdNewline struct {
	w       io.Writer
	pending bool
}

func (h *holdNewline) Write(p []byte) (int, error) {
	n := len(p)
	if n == 0 {
		return 0, nil
	}
	if h.pending {
		if _, err := h.w.Write([]byte{'\n'}); err != nil {
			return 0, err
		}
		h.pending = false
	}
	if p[n-1] == '\n' {
		p, h.pending = p[:n-1], true
	}
	if _, err := h.w.Write(p); err != nil {
		return 0, err
	}
	return n, nil
}

// mermaidMaxEdges is Mermaid's default limit on the edges of a diagram
// (its maxEdges setting).
const mermaidMaxEdges = 500

// explainGraph is what explain and dot show of a program: its output and
// --wrt nodes, named as in the source.
func explainGraph(pg *program.Compiled) explain.Graph {
	return explain.Graph{Of: pg.Output(), Wrt: pg.WrtNodes(), Name: pg.Name, OfName: pg.OutputName(), WrtNames: pg.WrtNames}
}

// explainSecond writes the explanation of the first backward pass and
// then the second pass of each first derivative: in text and markdown one
// after the other, in JSON as an array.
func explainSecond(pg *program.Compiled, opt explain.Options, f string, out *output) error {
	if err := pg.CheckSecondOrder(); err != nil {
		return err
	}
	// Each --wrt node gets an explanation of the whole recorded graph.
	if n, size, maxNodes := len(pg.Wrt), 3*pg.G.Len(), pg.MaxNodes(); n > 0 && size > maxNodes/n {
		return &program.LimitError{File: pg.File(), What: fmt.Sprintf("explained nodes (%d second passes, one per --wrt node, over about %d nodes)", n, size), Flag: "--max-nodes", Limit: maxNodes, Got: n * size}
	}
	// Nothing can fail now but writing: the explanations are written one
	// at a time, each as the engine goes.
	w := out.stream()
	gr := explainGraph(pg)
	if f == "json" {
		// An array of explanations, each without its final newline.
		h := &holdNewline{w: w}
		io.WriteString(w, "[\n")
		if err := explain.WriteJSONStreamed(h, gr, opt); err != nil {
			return err
		}
		err := explain.SecondOrderPasses(gr, opt, func(p *explain.Pass) error {
			h.pending = false
			if _, err := io.WriteString(w, ",\n"); err != nil {
				return err
			}
			return p.WriteJSON(h)
		})
		if err != nil {
			return err
		}
		_, err = io.WriteString(w, "\n]\n")
		return err
	}
	var err error
	if f == "markdown" {
		err = explain.WriteMarkdownStreamed(w, gr, opt, nil)
	} else {
		err = explain.WriteTextStreamed(w, gr, opt)
	}
	if err != nil {
		return err
	}
	return explain.SecondOrderPasses(gr, opt, func(p *explain.Pass) error {
		if _, err := io.WriteString(w, "\n"); err != nil {
			return err
		}
		if f == "markdown" {
			return p.WriteMarkdown(w)
		}
		return p.WriteText(w)
	})
}

var dotFlags = append(append([]flagSpec(nil), commonFlags...),
	maxNodesFlag(renderMaxNodes),
	flagSpec{name: "o", value: "FILE", help: "write to FILE: .dot for DOT, .svg or .png to render (default: DOT on standard output)"})

func dotCmd(args []string, stdin io.Reader, out *output) error {
	p, err := parseArgs("dot", dotFlags, args)
	if err != nil {
		return err
	}
	if p.has("help") {
		out.WriteString(usage("dot", "dot FILE [flags]", dotFlags))
		return nil
	}
	dest, toFile := p.last("o")
	if toFile && !hasSuffix(dest, ".dot", ".svg", ".png") {
		return usagef("backprop dot: -o %s: want a .dot, .svg or .png file", lang.Quote(dest))
	}
	pg, err := load("dot", p, stdin, "", renderMaxNodes)
	if err != nil {
		return err
	}
	d := explain.NewDiagram(explainGraph(pg))
	if !toFile {
		out.WriteString(d.DOT())
		return nil
	}
	return writeGraph(dest, d)
}

func hasSuffix(s string, suffixes ...string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(strings.ToLower(s), x) {
			return true
		}
	}
	return false
}
