package explain

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/bits"
	"strconv"
	"strings"
)

// newWriter buffers the writing of tables, which may be big: 64 KiB at a
// time.
func newWriter(w io.Writer) *bufio.Writer { return bufio.NewWriterSize(w, 64<<10) }

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
	b := newWriter(w)
	e.textForward(b)
	cells := make([]string, len(calcHeader))
	table(b, calcHeader, len(e.Rows)+len(e.Inputs), func(i int) []string {
		if i < len(e.Rows) {
			return rowCells(cells, &e.Rows[i])
		}
		return answerCells(cells, e.Inputs[i-len(e.Rows)])
	})
	e.textAnswers(b)
	return b.Flush()
}

// WriteTextStreamed writes the explanation of gr's backward pass as
// Backward(gr, opt).WriteText would. A text table's columns are as wide
// as their widest cell, known only once every row is, so the rows wait in
// a spool instead of in the explanation: in memory, then, once they are
// many, in opt.Scratch. With Scratch set, memory follows the graph, not
// the table (see Streamed); without it, the rows stay in memory, as
// compact text.
func WriteTextStreamed(w io.Writer, gr Graph, opt Options) error {
	return firstPass(gr, opt).WriteText(w)
}

// WriteText writes the pass as Explanation.WriteText would, streamed as
// WriteTextStreamed streams the first.
func (p *Pass) WriteText(w io.Writer) error {
	b := newWriter(w)
	t := newTextTable(calcHeader)
	t.spool.scratch = p.opt.Scratch
	defer t.spool.close()
	cells := make([]string, len(calcHeader))
	e := p.explain(&stream{start: func(e *Explanation) {
		e.textForward(b)
		e.Forward = nil // written
	}, row: func(r *Row) { t.add(rowCells(cells, r)) }, cells: true})
	for _, a := range e.Inputs {
		t.add(answerCells(cells, a))
	}
	if err := t.writeAdded(b); err != nil {
		return err
	}
	e.textAnswers(b)
	return b.Flush()
}

// calcHeader is the header of the complete calculation table.
var calcHeader = []string{"V", "C", "op", "∂C/∂V", "inputs", "contribution", "G"}

// textForward writes the forward table and the calculation table's title.
func (e *Explanation) textForward(b *bufio.Writer) {
	fwTitle, calcTitle := e.headings()
	b.WriteString(fwTitle + "\n")
	table(b, []string{"node", "operation", "inputs", "value"}, len(e.Forward), func(i int) []string {
		r := e.Forward[i]
		return []string{r.Name, r.Op, r.Inputs, r.valueString()}
	})
	b.WriteString("\n" + calcTitle + "\n")
}

// rowCells fills cells with row r of the calculation table.
func rowCells(cells []string, r *Row) []string {
	cells[0], cells[1], cells[2], cells[3], cells[4] = r.V, r.C, r.Op, r.Local, r.Inputs
	cells[5], cells[6] = r.contribText(), r.gText()
	return cells
}

// answerCells fills cells with an answer's row of the calculation table.
func answerCells(cells []string, a Answer) []string {
	cells[0], cells[1], cells[2], cells[3], cells[4], cells[5] = a.Node, a.kind(), "", "", "", ""
	cells[6] = withValue(a.Expr, a.Value, a.Tensor)
	return cells
}

// textAnswers writes the answer lines after the tables.
func (e *Explanation) textAnswers(b *bufio.Writer) {
	b.WriteString("\n")
	for _, a := range e.Inputs {
		b.WriteString(e.answerLine(a))
		b.WriteByte('\n')
	}
}

// load64 returns the eight bytes of s from i as a little-endian word.
func load64(s string, i int) uint64 {
	return uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
		uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
}

// runeCount returns the number of characters of s, which is valid UTF-8:
// its bytes less the continuation bytes (10xxxxxx), counted eight at a
// time.
func runeCount(s string) int {
	n, i := len(s), 0
	for ; i+8 <= len(s); i += 8 {
		w := load64(s, i)
		n -= bits.OnesCount64(w & ^(w << 1) & 0x8080808080808080)
	}
	for ; i < len(s); i++ {
		if s[i]&0xC0 == 0x80 {
			n--
		}
	}
	return n
}

// spaces pads the cells of text tables.
var spaces = strings.Repeat(" ", 256)

// table writes a box-drawn table of the header and n rows, row(i) giving
// row i: a first pass measures the columns, a second writes the rows, so
// that the table is never held whole.
func table(b *bufio.Writer, header []string, n int, row func(i int) []string) {
	t := newTextTable(header)
	for i := range n {
		t.measure(row(i))
	}
	t.top(b)
	for i := range n {
		t.row(b, row(i))
	}
	t.bottom(b)
}

// textTable draws a box-drawn table once its columns are measured. Its
// rows are either given twice, to measure and then to write, or added
// once, to its spool.
type textTable struct {
	header []string
	width  []int // in characters
	spool  spool // the rows added
	rows   int
}

// add measures a row and adds it to the spool.
func (t *textTable) add(cells []string) {
	for i, c := range cells {
		n := runeCount(c)
		t.width[i] = max(t.width[i], n)
		t.spool.cell(i, c, n)
	}
	t.spool.endRow()
	t.rows++
}

// writeAdded writes the table of the rows added.
func (t *textTable) writeAdded(b *bufio.Writer) error {
	rd, err := t.spool.reader()
	if err != nil {
		return err
	}
	t.top(b)
	for range t.rows {
		b.WriteString("│")
		for i := range t.header {
			c, runes, err := rd.cell(i)
			if err != nil {
				return err
			}
			b.WriteByte(' ')
			b.Write(c)
			t.end(b, i, runes)
		}
		b.WriteByte('\n')
	}
	t.bottom(b)
	return nil
}

func newTextTable(header []string) *textTable {
	t := &textTable{header: header, width: make([]int, len(header))}
	t.measure(header)
	return t
}

// measure widens the columns to fit the cells of a row.
func (t *textTable) measure(cells []string) {
	for i, c := range cells {
		t.width[i] = max(t.width[i], runeCount(c))
	}
}

// top writes the table's top border, its header and the rule below it.
func (t *textTable) top(b *bufio.Writer) {
	t.line(b, "┌", "┬", "┐")
	t.row(b, t.header)
	t.line(b, "├", "┼", "┤")
}

func (t *textTable) bottom(b *bufio.Writer) { t.line(b, "└", "┴", "┘") }

func (t *textTable) line(b *bufio.Writer, l, m, r string) {
	b.WriteString(l)
	for i, w := range t.width {
		if i > 0 {
			b.WriteString(m)
		}
		for range w + 2 {
			b.WriteString("─")
		}
	}
	b.WriteString(r + "\n")
}

func (t *textTable) row(b *bufio.Writer, cells []string) {
	b.WriteString("│")
	for i, c := range cells {
		b.WriteByte(' ')
		b.WriteString(c)
		t.end(b, i, runeCount(c))
	}
	b.WriteByte('\n')
}

// end pads column i after a cell of the given number of characters and
// closes it.
func (t *textTable) end(b *bufio.Writer, i, runes int) {
	for pad := t.width[i] - runes; pad > 0; pad -= len(spaces) {
		b.WriteString(spaces[:min(pad, len(spaces))])
	}
	b.WriteString(" │")
}

// WriteMarkdown writes the explanation as GitHub-flavoured Markdown tables
// followed by the graph as a Mermaid diagram (see Mermaid).
func (e *Explanation) WriteMarkdown(w io.Writer, mermaid string) error {
	b := newWriter(w)
	e.markdownHead(b)
	for i := range e.Rows {
		markdownRow(b, &e.Rows[i])
	}
	e.markdownTail(b)
	if mermaid != "" {
		b.WriteString("## Graph\n\n```mermaid\n" + mermaid + "```\n")
	}
	return b.Flush()
}

// WriteMarkdownStreamed writes the explanation of gr's backward pass as
// Backward(gr, opt).WriteMarkdown would, with each row of the calculation
// table written as soon as the engine completes it and then let go (see
// Streamed): memory follows the graph, not the table. diagram, if not
// nil, writes the Mermaid diagram (see Diagram.WriteMermaid) after the
// tables.
func WriteMarkdownStreamed(w io.Writer, gr Graph, opt Options, diagram func(io.Writer) error) error {
	return firstPass(gr, opt).writeMarkdown(w, diagram)
}

// WriteMarkdown writes the pass as Explanation.WriteMarkdown would without
// a diagram, streamed as WriteMarkdownStreamed streams the first.
func (p *Pass) WriteMarkdown(w io.Writer) error { return p.writeMarkdown(w, nil) }

func (p *Pass) writeMarkdown(w io.Writer, diagram func(io.Writer) error) error {
	b := newWriter(w)
	e := p.explain(&stream{start: func(e *Explanation) {
		e.markdownHead(b)
		e.Forward = nil // written
	}, row: func(r *Row) { markdownRow(b, r) }, cells: true})
	e.markdownTail(b)
	if diagram != nil {
		b.WriteString("## Graph\n\n```mermaid\n")
		if err := diagram(b); err != nil {
			return err
		}
		b.WriteString("```\n")
	}
	return b.Flush()
}

// markdownHead writes the forward table and the calculation table's head.
func (e *Explanation) markdownHead(b *bufio.Writer) {
	fwTitle, calcTitle := e.headings()
	if e.First == "" {
		calcTitle = "Complete calculation"
	}
	b.WriteString("## " + fwTitle + "\n\n| node | operation | inputs | value |\n|---|---|---|---|\n")
	for _, r := range e.Forward {
		for _, c := range [...]string{r.Name, r.Op, r.Inputs} {
			b.WriteString("| ")
			mdTo(b, c)
			b.WriteByte(' ')
		}
		b.WriteString("| " + r.valueString() + " |\n")
	}
	b.WriteString("\n## " + calcTitle + "\n\n| V | C | op | ∂C/∂V | inputs | contribution | G |\n|---|---|---|---|---|---|---|\n")
}

func markdownRow(b *bufio.Writer, r *Row) {
	for _, c := range [...]string{r.V, r.C, r.Op, r.Local, r.Inputs, r.contribText(), r.gText()} {
		b.WriteString("| ")
		mdTo(b, c)
		b.WriteByte(' ')
	}
	b.WriteString("|\n")
}

// markdownTail writes the answers' rows and lines.
func (e *Explanation) markdownTail(b *bufio.Writer) {
	for _, a := range e.Inputs {
		fmt.Fprintf(b, "| %s | %s | | | | | %s |\n", md(a.Node), a.kind(), md(withValue(a.Expr, a.Value, a.Tensor)))
	}
	b.WriteString("\n")
	for _, a := range e.Inputs {
		b.WriteString(md(e.answerLine(a)) + "\n\n")
	}
}

// md escapes the characters that Markdown tables and emphasis would eat.
func md(s string) string { return mdEscaper.Replace(s) }

// mdTo writes md(s) to b.
func mdTo(b *bufio.Writer, s string) {
	if strings.ContainsAny(s, "|*_^") {
		mdEscaper.WriteString(b, s)
		return
	}
	b.WriteString(s)
}

var mdEscaper = strings.NewReplacer("|", `\|`, "*", `\*`, "_", `\_`, "^", `\^`)

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
	j := newJSONWriter(w)
	e.jsonHead(j)
	for i := range e.Rows {
		j.row(&e.Rows[i])
	}
	e.jsonTail(j)
	return j.flush()
}

// WriteJSONStreamed writes the explanation of gr's backward pass as
// Backward(gr, opt).WriteJSON would, with each row written as soon as the
// engine completes it and then let go (see Streamed).
func WriteJSONStreamed(w io.Writer, gr Graph, opt Options) error {
	return firstPass(gr, opt).WriteJSON(w)
}

// WriteJSON writes the pass as Explanation.WriteJSON would, streamed as
// WriteJSONStreamed streams the first.
func (p *Pass) WriteJSON(w io.Writer) error {
	j := newJSONWriter(w)
	e := p.explain(&stream{start: func(e *Explanation) {
		e.jsonHead(j)
		e.Forward = nil // written
	}, row: j.row})
	e.jsonTail(j)
	return j.flush()
}

// jsonWriter writes an explanation's JSON object a part at a time, with
// the layout json.Encoder gives the whole (two-space indents, no HTML
// escaping).
type jsonWriter struct {
	b   *bufio.Writer
	buf bytes.Buffer
	enc *json.Encoder
	n   int // elements so far in the open array
	err error

	steps bool // the rows have their steps (Options.Steps)

	gBits uint64 // the last row's G value, and its text
	haveG bool
	gText string
}

func newJSONWriter(w io.Writer) *jsonWriter {
	j := &jsonWriter{b: newWriter(w)}
	j.enc = json.NewEncoder(&j.buf)
	j.enc.SetEscapeHTML(false)
	return j
}

// value writes v encoded at the given depth of nesting.
func (j *jsonWriter) value(depth int, v any) {
	j.buf.Reset()
	j.enc.SetIndent(strings.Repeat("  ", depth), "  ")
	if err := j.enc.Encode(v); err != nil && j.err == nil {
		j.err = err
	}
	j.b.Write(bytes.TrimSuffix(j.buf.Bytes(), []byte("\n")))
}

// field writes "key": v as a member of the outer object.
func (j *jsonWriter) field(key string, v any, first bool) {
	if !first {
		j.b.WriteString(",")
	}
	j.b.WriteString("\n  ")
	j.value(1, key)
	j.b.WriteString(": ")
	j.value(1, v)
}

// open starts the array member key; elem adds an element; close ends it.
func (j *jsonWriter) open(key string) {
	j.b.WriteString(",\n  ")
	j.value(1, key)
	j.b.WriteString(": [")
	j.n = 0
}

func (j *jsonWriter) elem(v any) {
	j.next()
	j.value(2, v)
}

// next starts the open array's next element.
func (j *jsonWriter) next() {
	if j.n > 0 {
		j.b.WriteByte(',')
	}
	j.n++
	j.b.WriteString("\n    ")
}

func (j *jsonWriter) close() {
	if j.n > 0 {
		j.b.WriteString("\n  ")
	}
	j.b.WriteByte(']')
}

func (j *jsonWriter) flush() error {
	j.b.WriteString("\n}\n")
	if err := j.b.Flush(); err != nil {
		return err
	}
	return j.err
}

type jsonFwd struct {
	Node   string `json:"node"`
	Op     string `json:"op"`
	Inputs string `json:"inputs"`
	Value  any    `json:"value"`
}

type jsonRow struct {
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

type jsonAnswer struct {
	Wrt   string `json:"wrt"`
	Node  string `json:"node"`
	Expr  string `json:"expr"`
	Value any    `json:"value"`
}

// jsonHead writes the object's start, its forward rows and the start of
// its rows.
func (e *Explanation) jsonHead(j *jsonWriter) {
	j.steps = e.steps
	j.b.WriteString("{")
	j.field("of", e.Of, true)
	if e.First != "" {
		j.field("first", e.First, false) // the second pass backpropagates ∂of/∂first
	}
	j.field("value", jsonValue(e.Value, e.Tensor), false)
	j.open("forward")
	for i := range e.Forward {
		j.forward(&e.Forward[i])
	}
	j.close()
	j.open("rows")
}

type jsonStepRow struct {
	jsonRow
	Step       int    `json:"step"`
	LocalAt    string `json:"local_at"`
	LocalValue any    `json:"local_value"`
	Partial    any    `json:"partial"`
}

func (j *jsonWriter) row(r *Row) {
	if r.ContribTensor != nil || r.GTensor != nil || r.PartialTensor != nil {
		row := jsonRow{r.V, r.C, r.Op, r.Local, r.Inputs, r.Contribution, jsonValue(r.ContribValue, r.ContribTensor), r.G, jsonValue(r.GValue, r.GTensor)}
		if j.steps {
			j.elem(jsonStepRow{row, r.Step, r.LocalAt, jsonNumber(r.LocalValue), jsonValue(r.Partial, r.PartialTensor)})
			return
		}
		j.elem(row)
		return
	}
	// The common row, of numbers, written directly: the same bytes as
	// the encoder's, which reflection makes slow on a million rows.
	j.next()
	j.b.WriteByte('{')
	j.member("V", r.V, true)
	j.member("C", r.C, false)
	j.member("op", r.Op, false)
	j.member("local", r.Local, false)
	j.member("inputs", r.Inputs, false)
	j.member("contribution", r.Contribution, false)
	j.number("contribution_value", r.ContribValue)
	j.member("G", r.G, false)
	// Rows of one V share G: its value is formatted once.
	if bits := math.Float64bits(r.GValue); !j.haveG || bits != j.gBits {
		j.gBits, j.haveG, j.gText = bits, true, jsonNum(r.GValue)
	}
	j.b.WriteString(",\n      \"G_value\": ")
	j.b.WriteString(j.gText)
	if j.steps {
		j.b.WriteString(",\n      \"step\": ")
		j.b.Write(strconv.AppendInt(j.b.AvailableBuffer(), int64(r.Step), 10))
		j.member("local_at", r.LocalAt, false)
		j.number("local_value", r.LocalValue)
		j.number("partial", r.Partial)
	}
	j.b.WriteString("\n    }")
}

// jsonNum formats v as the encoder writes a jsonNumber.
func jsonNum(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return `"` + Number(v) + `"`
	}
	return Number(v)
}

func (j *jsonWriter) forward(r *ForwardRow) {
	if r.Tensor != nil {
		j.elem(jsonFwd{r.Name, r.Op, r.Inputs, jsonValue(r.Value, r.Tensor)})
		return
	}
	j.next()
	j.b.WriteByte('{')
	j.member("node", r.Name, true)
	j.member("op", r.Op, false)
	j.member("inputs", r.Inputs, false)
	j.number("value", r.Value)
	j.b.WriteString("\n    }")
}

// member writes "key": "value" as a member of an array's element.
func (j *jsonWriter) member(key, v string, first bool) {
	if !first {
		j.b.WriteByte(',')
	}
	j.b.WriteString("\n      \"")
	j.b.WriteString(key) // keys are plain
	j.b.WriteString("\": ")
	j.str(v)
}

// number writes "key": v as a member of an array's element.
func (j *jsonWriter) number(key string, v float64) {
	j.b.WriteString(",\n      \"")
	j.b.WriteString(key)
	j.b.WriteString("\": ")
	if math.IsNaN(v) || math.IsInf(v, 0) {
		j.b.WriteByte('"')
		j.b.WriteString(Number(v))
		j.b.WriteByte('"')
		return
	}
	j.b.Write(strconv.AppendFloat(j.b.AvailableBuffer(), v, 'g', -1, 64))
}

// str writes s as a JSON string, as the encoder would: directly when
// nothing in it needs escaping, else through the encoder.
func (j *jsonWriter) str(s string) {
	if !plainJSON(s) {
		j.value(2, s)
		return
	}
	j.b.WriteByte('"')
	j.b.WriteString(s)
	j.b.WriteByte('"')
}

// plainJSON reports whether s needs no escaping in a JSON string: no
// control characters, quotes or backslashes, and not U+2028 or U+2029,
// which the encoder escapes.
func plainJSON(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		// Eight bytes at a time: only a block with a byte below 0x20, a
		// quote, a backslash or 0xE2 (which starts U+2028 and U+2029, and
		// ∂, ⊙, ∞) needs a closer look.
		w := load64(s, i)
		if hasLess(w, 0x20)|hasByte(w, '"')|hasByte(w, '\\')|hasByte(w, 0xE2) != 0 && !plainJSONBytes(s, i, i+8) {
			return false
		}
	}
	return plainJSONBytes(s, i, len(s))
}

// plainJSONBytes is plainJSON for the bytes s[i:j], which may look past j
// for a U+2028 or U+2029 that begins before it.
func plainJSONBytes(s string, i, j int) bool {
	for ; i < j; i++ {
		switch c := s[i]; {
		case c < 0x20, c == '"', c == '\\':
			return false
		case c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9):
			return false
		}
	}
	return true
}

const lsb, msb = 0x0101010101010101, 0x8080808080808080

// hasLess is not zero when a byte of w is less than n (n ≤ 128).
func hasLess(w uint64, n byte) uint64 { return (w - lsb*uint64(n)) & ^w & msb }

// hasByte is not zero when a byte of w is c.
func hasByte(w uint64, c byte) uint64 {
	x := w ^ lsb*uint64(c)
	return (x - lsb) & ^x & msb
}

// jsonTail ends the rows and writes the answers.
func (e *Explanation) jsonTail(j *jsonWriter) {
	j.close()
	j.open("answers")
	for _, a := range e.Inputs {
		j.elem(jsonAnswer{a.Wrt, a.Node, a.Expr, jsonValue(a.Value, a.Tensor)})
	}
	j.close()
}
