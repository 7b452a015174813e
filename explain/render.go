package explain

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Number formats v with full float64 precision (the shortest form that
// reads back to v); non-finite values are NaN, +Inf and -Inf.
func Number(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// withValue writes a symbolic expression and its value: "12·cos(36) =
// -1.535564275528856", or just the value when the expression is it. A
// tensor value t, if not nil, is shown instead of v.
func withValue(expr string, v float64, t *Tensor) string {
	val := shown(v, t)
	// formatNum differs from Number only at the infinities.
	if expr == val || t == nil && math.IsInf(v, 0) && expr == formatNum(v) || strings.HasPrefix(expr, val) && strings.HasPrefix(expr[len(val):], " (") {
		return val
	}
	return expr + " = " + val
}

// shown writes a value: the number v, or the tensor t if it is not nil.
func shown(v float64, t *Tensor) string {
	if t != nil {
		return t.String()
	}
	return Number(v)
}

// Answer line: ∂u5/∂u1 = 12·cos(36) = -1.535564275528856; in the second
// pass ∂²u5/∂u1∂u2 = ….
func (e *Explanation) answerLine(a Answer) string {
	return e.derivative(a.Wrt) + " = " + withValue(a.Expr, a.Value, a.Tensor)
}

// derivative names the derivative of the explained node with respect to
// x: ∂u5/∂x, or in the second pass ∂²u5/∂u1∂x.
func (e *Explanation) derivative(x string) string { return Derivative(e.Of, e.First, x) }

// Derivative names the derivative of of with respect to x: ∂of/∂x, or,
// when first is not empty, the second derivative ∂²of/∂first∂x (∂²of/∂x²
// when first is x).
func Derivative(of, first, x string) string {
	switch {
	case first == "":
		return "∂" + of + "/∂" + x
	case first == x:
		return "∂²" + of + "/∂" + x + "²"
	}
	return "∂²" + of + "/∂" + first + "∂" + x
}

// headings returns the titles of the forward pass and of the calculation
// table.
func (e *Explanation) headings() (forward, calculation string) {
	if e.First == "" {
		return "Forward pass", "Complete calculation (backward pass)"
	}
	d := "∂" + e.Of + "/∂" + e.First
	return "Forward pass of " + d + " (the program and the first backward pass, recorded)",
		"Complete calculation (second pass: backpropagation of " + d + ")"
}

// WriteText writes the explanation as aligned Unicode tables. It writes
// as it goes, through a buffer, without building the text first.
func (e *Explanation) WriteText(w io.Writer) error {
	b := bufio.NewWriter(w)
	fwTitle, calcTitle := e.headings()
	b.WriteString(fwTitle + "\n")
	table(b, []string{"node", "operation", "inputs", "value"}, len(e.Forward), func(i int) []string {
		r := e.Forward[i]
		return []string{r.Name, r.Op, r.Inputs, shown(r.Value, r.Tensor)}
	})
	b.WriteString("\n" + calcTitle + "\n")
	cells := make([]string, 7)
	lastG := -1 // the row whose G column gCell holds: rows of one V share it
	var gCell string
	table(b, []string{"V", "C", "op", "∂C/∂V", "inputs", "contribution", "G"}, len(e.Rows)+len(e.Inputs), func(i int) []string {
		if i < len(e.Rows) {
			r := &e.Rows[i]
			if lastG < 0 || i != lastG+1 || !sameG(&e.Rows[lastG], r) {
				gCell = withValue(r.G, r.GValue, r.GTensor)
			}
			lastG = i
			cells[0], cells[1], cells[2], cells[3], cells[4] = r.V, r.C, r.Op, r.Local, r.Inputs
			cells[5], cells[6] = withValue(r.Contribution, r.ContribValue, r.ContribTensor), gCell
			return cells
		}
		a := e.Inputs[i-len(e.Rows)]
		return []string{a.Node, a.kind(), "", "", "", "", withValue(a.Expr, a.Value, a.Tensor)}
	})
	b.WriteString("\n")
	for _, a := range e.Inputs {
		b.WriteString(e.answerLine(a))
		b.WriteByte('\n')
	}
	return b.Flush()
}

// sameG reports whether two rows show the same G: rows of one V.
func sameG(a, b *Row) bool {
	return a.V == b.V && a.G == b.G && a.GTensor == b.GTensor && (a.GValue == b.GValue || a.GValue != a.GValue && b.GValue != b.GValue)
}

// spaces pads the cells of text tables.
var spaces = strings.Repeat(" ", 256)

// table writes a box-drawn table of the header and n rows, row(i) giving
// row i: a first pass measures the columns, a second writes the rows, so
// that the table is never held whole.
func table(b *bufio.Writer, header []string, n int, row func(i int) []string) {
	width := make([]int, len(header))
	measure := func(r []string) {
		for i, c := range r {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	measure(header)
	for i := range n {
		measure(row(i))
	}
	line := func(l, m, r string) {
		b.WriteString(l)
		for i, w := range width {
			if i > 0 {
				b.WriteString(m)
			}
			for range w + 2 {
				b.WriteString("─")
			}
		}
		b.WriteString(r + "\n")
	}
	cells := func(r []string) {
		b.WriteString("│")
		for i, c := range r {
			b.WriteByte(' ')
			b.WriteString(c)
			for pad := width[i] - utf8.RuneCountInString(c); pad > 0; pad -= len(spaces) {
				b.WriteString(spaces[:min(pad, len(spaces))])
			}
			b.WriteString(" │")
		}
		b.WriteByte('\n')
	}
	line("┌", "┬", "┐")
	cells(header)
	line("├", "┼", "┤")
	for i := range n {
		cells(row(i))
	}
	line("└", "┴", "┘")
}

// WriteMarkdown writes the explanation as GitHub-flavoured Markdown tables
// followed by the graph as a Mermaid diagram (see Mermaid).
func (e *Explanation) WriteMarkdown(w io.Writer, mermaid string) error {
	b := bufio.NewWriter(w)
	fwTitle, calcTitle := e.headings()
	if e.First == "" {
		calcTitle = "Complete calculation"
	}
	b.WriteString("## " + fwTitle + "\n\n| node | operation | inputs | value |\n|---|---|---|---|\n")
	for _, r := range e.Forward {
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", md(r.Name), md(r.Op), md(r.Inputs), shown(r.Value, r.Tensor))
	}
	b.WriteString("\n## " + calcTitle + "\n\n| V | C | op | ∂C/∂V | inputs | contribution | G |\n|---|---|---|---|---|---|---|\n")
	for _, r := range e.Rows {
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s |\n", md(r.V), md(r.C), md(r.Op), md(r.Local), md(r.Inputs), md(withValue(r.Contribution, r.ContribValue, r.ContribTensor)), md(withValue(r.G, r.GValue, r.GTensor)))
	}
	for _, a := range e.Inputs {
		fmt.Fprintf(b, "| %s | %s | | | | | %s |\n", md(a.Node), a.kind(), md(withValue(a.Expr, a.Value, a.Tensor)))
	}
	b.WriteString("\n")
	for _, a := range e.Inputs {
		b.WriteString(md(e.answerLine(a)) + "\n\n")
	}
	if mermaid != "" {
		b.WriteString("## Graph\n\n```mermaid\n" + mermaid + "```\n")
	}
	return b.Flush()
}

// md escapes the characters that Markdown tables and emphasis would eat.
func md(s string) string {
	r := strings.NewReplacer("|", `\|`, "*", `\*`, "_", `\_`, "^", `\^`)
	return r.Replace(s)
}

// jsonNumber is a float64 that encodes non-finite values as strings.
type jsonNumber float64

func (v jsonNumber) MarshalJSON() ([]byte, error) {
	f := float64(v)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return json.Marshal(Number(f))
	}
	return []byte(Number(f)), nil
}

// jsonValue is a value for JSON: a number (see jsonNumber), or the tensor
// t if it is not nil.
func jsonValue(v float64, t *Tensor) any {
	if t != nil {
		return t
	}
	return jsonNumber(v)
}

// WriteJSON writes the explanation as one JSON object: a machine-readable
// trace of the same rows.
func (e *Explanation) WriteJSON(w io.Writer) error {
	type fwd struct {
		Node   string `json:"node"`
		Op     string `json:"op"`
		Inputs string `json:"inputs"`
		Value  any    `json:"value"`
	}
	type row struct {
		V            string `json:"V"`
		C            string `json:"C"`
		Op           string `json:"op"`
		Local        string `json:"local"`
		Inputs       string `json:"inputs"`
		Contribution string `json:"contribution"`
		ContribValue any    `json:"contribution_value"`
		G            string `json:"G"`
		GValue       any    `json:"G_value"`
	}
	type answer struct {
		Wrt   string `json:"wrt"`
		Node  string `json:"node"`
		Expr  string `json:"expr"`
		Value any    `json:"value"`
	}
	out := struct {
		Of      string   `json:"of"`
		First   string   `json:"first,omitempty"` // the second pass backpropagates ∂of/∂first
		Value   any      `json:"value"`
		Forward []fwd    `json:"forward"`
		Rows    []row    `json:"rows"`
		Answers []answer `json:"answers"`
	}{Of: e.Of, First: e.First, Value: jsonValue(e.Value, e.Tensor), Forward: []fwd{}, Rows: []row{}, Answers: []answer{}}
	for _, r := range e.Forward {
		out.Forward = append(out.Forward, fwd{r.Name, r.Op, r.Inputs, jsonValue(r.Value, r.Tensor)})
	}
	for _, r := range e.Rows {
		out.Rows = append(out.Rows, row{r.V, r.C, r.Op, r.Local, r.Inputs, r.Contribution, jsonValue(r.ContribValue, r.ContribTensor), r.G, jsonValue(r.GValue, r.GTensor)})
	}
	for _, a := range e.Inputs {
		out.Answers = append(out.Answers, answer{a.Wrt, a.Node, a.Expr, jsonValue(a.Value, a.Tensor)})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
