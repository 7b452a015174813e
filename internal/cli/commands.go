package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/seed812a03d2/backprop/explain"
)

var gradFlags = append(append([]flagSpec(nil), commonFlags...),
	flagSpec{name: "format", value: "FORMAT", help: "text, json or markdown (default text)"})

func gradCmd(args []string, stdin io.Reader, out *bytes.Buffer) error {
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
	pg, err := load("grad", p, stdin, "")
	if err != nil {
		return err
	}
	of, value := pg.OutputName(), pg.Output().Scalar()
	grads := pg.Gradients()
	switch f {
	case "json":
		var b strings.Builder
		b.WriteString(`{"of": `)
		writeJSONString(&b, of)
		b.WriteString(`, "value": `)
		b.WriteString(jsonNumber(value))
		b.WriteString(`, "grad": {`)
		for i, w := range pg.WrtNames {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJSONString(&b, w)
			b.WriteString(": ")
			b.WriteString(jsonNumber(grads[i]))
		}
		b.WriteString("}}\n")
		out.WriteString(b.String())
	case "markdown":
		fmt.Fprintf(out, "| node | value |\n|---|---|\n| %s | %s |\n\n| gradient | value |\n|---|---|\n", mdCell(of), explain.Number(value))
		for i, w := range pg.WrtNames {
			fmt.Fprintf(out, "| ∂%s/∂%s | %s |\n", mdCell(of), mdCell(w), explain.Number(grads[i]))
		}
	default:
		fmt.Fprintf(out, "%s = %s\n", of, explain.Number(value))
		for i, w := range pg.WrtNames {
			fmt.Fprintf(out, "∂%s/∂%s = %s\n", of, w, explain.Number(grads[i]))
		}
	}
	return nil
}

func mdCell(s string) string { return strings.NewReplacer("|", `\|`, "_", `\_`, "*", `\*`).Replace(s) }

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
	flagSpec{name: "format", value: "FORMAT", help: "text, markdown, latex, json or html (default text)"},
	flagSpec{name: "in-terms-of-inputs", help: "show gradients as formulas in the input names instead of with values substituted"})

func explainCmd(args []string, stdin io.Reader, out *bytes.Buffer, name string) error {
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
	pg, err := load("explain", p, stdin, name)
	if err != nil {
		return err
	}
	e, err := explain.Explain(pg, explain.Options{InTermsOfInputs: p.on("in-terms-of-inputs")})
	if err != nil {
		return fmt.Errorf("backprop explain: %v", err)
	}
	switch f {
	case "markdown":
		return e.WriteMarkdown(out, explain.NewDiagram(pg).Mermaid())
	case "json":
		return e.WriteJSON(out)
	case "latex":
		return e.WriteLaTeX(out)
	case "html":
		svg, err := renderSVG(explain.NewDiagram(pg).DOT())
		if err != nil {
			return err
		}
		return e.WriteHTML(out, string(svg))
	}
	return e.WriteText(out)
}

var dotFlags = append(append([]flagSpec(nil), commonFlags...),
	flagSpec{name: "o", value: "FILE", help: "write to FILE: .dot for DOT, .svg or .png to render (default: DOT on standard output)"})

func dotCmd(args []string, stdin io.Reader, out *bytes.Buffer) error {
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
		return usagef("backprop dot: -o %s: want a .dot, .svg or .png file", dest)
	}
	pg, err := load("dot", p, stdin, "")
	if err != nil {
		return err
	}
	src := explain.NewDiagram(pg).DOT()
	if !toFile {
		out.WriteString(src)
		return nil
	}
	return writeGraph(dest, src)
}

func hasSuffix(s string, suffixes ...string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(strings.ToLower(s), x) {
			return true
		}
	}
	return false
}
