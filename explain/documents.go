package explain

import (
	"fmt"
	"html"
	"io"
	"strings"
	"unicode/utf8"
)

// latex converts a cell to LaTeX text: special characters escaped, ·, ∂
// and ∞ as math symbols. In a cell longer than 40 characters a line break
// is allowed after each · and (, so that long formulas wrap in their
// column.
func latex(s string) string {
	var b strings.Builder
	brk := ""
	if utf8.RuneCountInString(s) > 40 {
		brk = `\allowbreak{}`
	}
	for _, r := range s {
		switch r {
		case '·':
			b.WriteString(`$\cdot$`)
			b.WriteString(brk)
		case '(':
			b.WriteByte('(')
			b.WriteString(brk)
		case '∂':
			b.WriteString(`$\partial$`)
		case '∞':
			b.WriteString(`$\infty$`)
		case '^':
			b.WriteString(`\textasciicircum{}`)
		case '~':
			b.WriteString(`\textasciitilde{}`)
		case '\\':
			b.WriteString(`\textbackslash{}`)
		case '_', '#', '%', '&', '$', '{', '}':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '<', '>':
			b.WriteString("$" + string(r) + "$")
		default:
			if r > 127 {
				fmt.Fprintf(&b, "?")
				continue
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// WriteLaTeX writes the explanation as a LaTeX document that compiles on
// its own with the article class and the longtable and array packages (in
// Debian's texlive-latex-base). The tables are longtables, so they break
// across pages, with fixed column widths in which long cells wrap.
func (e *Explanation) WriteLaTeX(w io.Writer) error {
	var b strings.Builder
	b.WriteString("\\documentclass{article}\n\\usepackage{longtable,array}\n" +
		"\\setlength{\\textwidth}{7in}\\setlength{\\oddsidemargin}{-0.25in}\\setlength{\\tabcolsep}{3pt}\n" +
		"% A column of the given fraction of the text width, ragged right.\n" +
		"\\newcolumntype{L}[1]{>{\\raggedright\\arraybackslash}p{#1\\linewidth}}\n" +
		"\\begin{document}\n\\small\n")
	head := "node & operation & inputs & value \\\\\n"
	fmt.Fprintf(&b, "\\section*{Forward pass}\n\\begin{longtable}{L{.13}L{.3}L{.3}L{.21}}\n\\hline\n%s\\hline\n\\endhead\n", head)
	for _, r := range e.Forward {
		fmt.Fprintf(&b, "%s & %s & %s & %s \\\\\n", latex(r.Name), latex(r.Op), latex(r.Inputs), latex(r.valueString()))
	}
	head = "$V$ & $C$ & op & $\\partial C/\\partial V$ & inputs & contribution & $G$ \\\\\n"
	fmt.Fprintf(&b, "\\hline\n\\end{longtable}\n\n\\section*{Complete calculation}\n{\\footnotesize\n\\begin{longtable}{L{.09}L{.09}L{.11}L{.11}L{.14}L{.18}L{.18}}\n\\hline\n%s\\hline\n\\endhead\n", head)
	for _, r := range e.Rows {
		fmt.Fprintf(&b, "%s & %s & %s & %s & %s & %s & %s \\\\\n", latex(r.V), latex(r.C), latex(r.Op), latex(r.Local), latex(r.Inputs), latex(r.contribText()), latex(r.gText()))
	}
	for _, a := range e.Inputs {
		fmt.Fprintf(&b, "%s & (input) & & & & & %s \\\\\n", latex(a.Wrt), latex(withValue(a.Expr, a.Value, a.Tensor)))
	}
	b.WriteString("\\hline\n\\end{longtable}}\n\n")
	for _, a := range e.Inputs {
		fmt.Fprintf(&b, "\\noindent %s\n\n", latex(e.answerLine(a)))
	}
	b.WriteString("\\end{document}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteHTML writes the explanation as one self-contained HTML page: the
// tables, the answers and the graph, given as an SVG document. Where svg
// is empty and note is not, the page has the note in place of the graph.
func (e *Explanation) WriteHTML(w io.Writer, svg, note string) error {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>backprop: ∂` + html.EscapeString(e.Of) + `</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}
th,td{border:1px solid #bbb;padding:.3em .6em;text-align:left;font-family:ui-monospace,monospace}
th{background:#eee}
.answer{font-size:1.2em;font-family:ui-monospace,monospace}
</style></head><body>
<h1>Backpropagation of ` + html.EscapeString(e.Of) + `</h1>
`)
	e.htmlTables(&b)
	if svg != "" {
		b.WriteString("<h2>Graph</h2>\n")
		// Drop the XML prologue: the SVG element goes inline.
		if i := strings.Index(svg, "<svg"); i >= 0 {
			svg = svg[i:]
		}
		b.WriteString(svg)
	} else if note != "" {
		fmt.Fprintf(&b, "<h2>Graph</h2>\n<p class=\"note\">%s</p>", html.EscapeString(note))
	}
	b.WriteString("\n</body></html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteHTMLTables writes the forward pass, the complete calculation table
// and the answers as a fragment of HTML, to go inside a page: h2 headings,
// tables and paragraphs of class answer, every text escaped.
func (e *Explanation) WriteHTMLTables(w io.Writer) error {
	var b strings.Builder
	e.htmlTables(&b)
	_, err := io.WriteString(w, b.String())
	return err
}

func (e *Explanation) htmlTables(b *strings.Builder) {
	b.WriteString(`<h2>Forward pass</h2>
<table><tr><th>node</th><th>operation</th><th>inputs</th><th>value</th></tr>
`)
	for _, r := range e.Forward {
		row(b, r.Name, r.Op, r.Inputs, r.valueString())
	}
	b.WriteString("</table>\n<h2>Complete calculation</h2>\n<table><tr><th>V</th><th>C</th><th>op</th><th>∂C/∂V</th><th>inputs</th><th>contribution</th><th>G</th></tr>\n")
	for _, r := range e.Rows {
		row(b, r.V, r.C, r.Op, r.Local, r.Inputs, r.contribText(), r.gText())
	}
	for _, a := range e.Inputs {
		row(b, a.Wrt, "(input)", "", "", "", "", withValue(a.Expr, a.Value, a.Tensor))
	}
	b.WriteString("</table>\n")
	for _, a := range e.Inputs {
		fmt.Fprintf(b, "<p class=\"answer\">%s</p>\n", html.EscapeString(e.answerLine(a)))
	}
}

func row(b *strings.Builder, cells ...string) {
	b.WriteString("<tr>")
	for _, c := range cells {
		b.WriteString("<td>" + html.EscapeString(c) + "</td>")
	}
	b.WriteString("</tr>\n")
}
