package lang

import (
	"fmt"
	"hash/maphash"
	"strconv"
	"strings"
	"unicode/utf8"
)

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokNewline
	tokName
	tokNum
	tokOp    // one of + - * / ^ @ ( ) [ ] , = (** is read as ^)
	tokError // text is the message
)

type token struct {
	kind tokKind
	op   byte
	pos  Pos
	text string  // the name, the number as written, or the error message
	sym  *symbol // for a name: its entry in the symbol table
	val  float64 // for a number: its value
}

// symtab interns names and number literals: each distinct name or literal
// is one string and one entry. Names, the most frequent tokens, are found
// in an open-addressing table with a seeded hash.
type symtab struct {
	table []*symbol // a power of two long, at most half full
	n     int       // the names in table
	seed  maphash.Seed
	nums  map[string]number
	slab  slab[symbol]
}

// number is an interned number literal: its text and value, or the error
// message for a literal out of range.
type number struct {
	text string
	val  float64
	err  string
}

// symbol is what the parser knows of a name.
type symbol struct {
	name  string
	fn    *Func // the built-in function of that name, or nil
	stmt  int32 // the latest statement assigning it, or -1
	count int32 // the assignments so far
}

// newSymtab returns a symbol table with room for about n names, holding
// the built-in functions funcs.
func newSymtab(n int, funcs []Func) *symtab {
	size := 64
	for size < 2*(n+len(funcs)) {
		size *= 2
	}
	t := &symtab{table: make([]*symbol, size), seed: maphash.MakeSeed(), nums: map[string]number{}}
	t.slab.next = n
	for i := range funcs {
		t.intern([]byte(funcs[i].Name)).fn = &funcs[i]
	}
	return t
}

// intern returns the entry for the name raw, adding it if it is new.
func (t *symtab) intern(raw []byte) *symbol {
	mask := uint64(len(t.table) - 1)
	i := maphash.Bytes(t.seed, raw) & mask
	for ; t.table[i] != nil; i = (i + 1) & mask {
		if s := t.table[i]; s.name == string(raw) {
			return s
		}
	}
	s := t.slab.new()
	*s = symbol{name: string(raw), stmt: -1}
	t.table[i] = s
	t.n++
	if 2*t.n > len(t.table) {
		t.grow()
	}
	return s
}

// grow doubles the table.
func (t *symtab) grow() {
	old := t.table
	t.table = make([]*symbol, 2*len(old))
	mask := uint64(len(t.table) - 1)
	for _, s := range old {
		if s == nil {
			continue
		}
		i := maphash.String(t.seed, s.name) & mask
		for t.table[i] != nil {
			i = (i + 1) & mask
		}
		t.table[i] = s
	}
}

// number returns the interned literal raw, checked for range.
func (t *symtab) number(raw []byte) number {
	if n, ok := t.nums[string(raw)]; ok {
		return n
	}
	n := number{text: string(raw)}
	v, err := strconv.ParseFloat(n.text, 64)
	switch {
	case err == nil:
		n.val = v
	case isRange(err):
		n.err = "number out of range: " + Quote(n.text)
	default:
		n.err = "malformed number " + n.text
	}
	t.nums[n.text] = n
	return n
}

func isRange(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// String describes t for error messages: "name x", "number 3", "+".
func (t token) String() string {
	switch t.kind {
	case tokEOF:
		return "end of file"
	case tokNewline:
		return "end of line"
	case tokName:
		return "name " + Quote(t.text)
	case tokNum:
		return "number " + Quote(t.text)
	case tokOp:
		if t.op == '^' && t.text == "**" {
			return "**"
		}
		return string(t.op)
	}
	return t.text
}

// lexer splits a checked source (valid UTF-8, no NUL) into tokens. It is a
// value: copying it saves its place, for looking ahead.
type lexer struct {
	src       []byte
	off       int
	line, col int32
	syms      *symtab
}

func (l *lexer) pos() Pos { return Pos{l.line, l.col} }

// scan returns the next token. Errors come back as tokError tokens, for
// the parser to report.
func (l *lexer) scan() token {
	// Skip spaces and comments.
	for l.off < len(l.src) {
		c := l.src[l.off]
		if c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' {
			l.off++
			l.col++
			continue
		}
		if c == '#' {
			for l.off < len(l.src) && l.src[l.off] != '\n' {
				_, size := utf8.DecodeRune(l.src[l.off:])
				l.off += size
				l.col++
			}
			continue
		}
		break
	}
	pos := l.pos()
	if l.off >= len(l.src) {
		return token{kind: tokEOF, pos: pos}
	}
	c := l.src[l.off]
	switch {
	case c == '\n':
		l.off++
		l.line, l.col = l.line+1, 1
		return token{kind: tokNewline, pos: pos}
	case isLetter(c):
		start := l.off
		for l.off < len(l.src) && (isLetter(l.src[l.off]) || isDigit(l.src[l.off])) {
			l.off++
			l.col++
		}
		sym := l.syms.intern(l.src[start:l.off])
		return token{kind: tokName, pos: pos, text: sym.name, sym: sym}
	case isDigit(c) || c == '.':
		return l.number(pos)
	case c == '*' && l.off+1 < len(l.src) && l.src[l.off+1] == '*':
		l.off += 2
		l.col += 2
		return token{kind: tokOp, pos: pos, op: '^', text: "**"}
	}
	switch c {
	case '+', '-', '*', '/', '^', '@', '(', ')', '[', ']', ',', '=':
		l.off++
		l.col++
		return token{kind: tokOp, pos: pos, op: c}
	}
	r, size := utf8.DecodeRune(l.src[l.off:])
	l.off += size
	l.col++
	return token{kind: tokError, pos: pos, text: fmt.Sprintf("unexpected character %q", r)}
}

// number scans digits [. digits] [(e|E) [+|-] digits], or . digits [...]:
// at least one digit on each side of a point, as in 3.5 and .5 (3. is an
// error).
func (l *lexer) number(pos Pos) token {
	n, end, msg := scanNumber(l.src, l.off)
	l.col += int32(end - l.off)
	l.off = end
	if msg != "" {
		return token{kind: tokError, pos: pos, text: msg}
	}
	if l.off < len(l.src) && (isLetter(l.src[l.off]) || l.src[l.off] == '.') {
		return token{kind: tokError, pos: Pos{l.line, l.col}, text: fmt.Sprintf("unexpected %q after number %s", rune(l.src[l.off]), Quote(string(n)))}
	}
	num := l.syms.number(n)
	if num.err != "" {
		return token{kind: tokError, pos: pos, text: num.err}
	}
	return token{kind: tokNum, pos: pos, text: num.text, val: num.val}
}

// scanNumber scans the number literal starting at src[off] and returns it
// with its end, or a message saying what is malformed.
func scanNumber(src []byte, off int) (lit []byte, end int, msg string) {
	start := off
	digits := func() int {
		n := 0
		for off < len(src) && isDigit(src[off]) {
			off++
			n++
		}
		return n
	}
	whole := digits()
	if off < len(src) && src[off] == '.' {
		off++
		if digits() == 0 {
			if whole == 0 {
				return nil, off, "malformed number: . without digits"
			}
			return nil, off, "malformed number " + string(src[start:off]) + ": no digits after the point"
		}
	}
	if off < len(src) && (src[off] == 'e' || src[off] == 'E') {
		off++
		if off < len(src) && (src[off] == '+' || src[off] == '-') {
			off++
		}
		if digits() == 0 {
			return nil, off, "malformed number " + string(src[start:off]) + ": exponent without digits"
		}
	}
	return src[start:off], off, ""
}

// ParseNumber parses s, a number literal of the language optionally
// preceded by a sign: "3", "-3.5", "+.5", "1e-3". It rejects anything else,
// such as "3.", "nan", "inf", "0x10" and "1_0", and literals too large
// for float64 ("1e999"), with an error that says why. The --set flag of
// the backprop command reads its values with it.
func ParseNumber(s string) (float64, error) {
	b := []byte(s)
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 || !isDigit(b[0]) && b[0] != '.' {
		return 0, fmt.Errorf("lang: \"%s\" is not a number", Quote(s))
	}
	lit, end, msg := scanNumber(b, 0)
	if msg != "" {
		return 0, fmt.Errorf("lang: %s", msg)
	}
	if end != len(b) {
		return 0, fmt.Errorf("lang: \"%s\" is not a number", Quote(s))
	}
	v, err := strconv.ParseFloat(string(lit), 64)
	if err != nil {
		return 0, fmt.Errorf("lang: number out of range: %s", Quote(s))
	}
	if neg {
		v = -v
	}
	return v, nil
}

func isLetter(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

// ParseLiteral parses s, a number literal as ParseNumber reads it or a
// tensor literal as a program writes it ("[[1, 2], [3, 4]]"), and returns
// its shape (empty for a number) and its elements in row-major order.
// The --set flag of the backprop command reads its values with it. Errors
// give the column in s.
func ParseLiteral(s string) (shape []int, values []float64, err error) {
	if !strings.HasPrefix(strings.TrimSpace(s), "[") {
		v, err := ParseNumber(s)
		if err != nil {
			return nil, nil, err
		}
		return []int{}, []float64{v}, nil
	}
	p := &parser{}
	src := []byte(s)
	if _, err := p.check(src); err != nil {
		return nil, nil, fmt.Errorf("lang: %s", err)
	}
	p.syms = newSymtab(0, nil)
	p.lex = lexer{src: src, line: 1, col: 1, syms: p.syms}
	var t *Tensor
	err = p.catch(func() {
		p.next()
		for p.tok.kind == tokNewline {
			p.next()
		}
		t = p.tensor().(*Tensor)
		for p.tok.kind == tokNewline {
			p.next()
		}
		if p.tok.kind != tokEOF {
			p.errorf(p.tok.pos, "unexpected %s after the tensor literal", p.tok)
		}
	})
	if err != nil {
		return nil, nil, fmt.Errorf("lang: %s", err)
	}
	return t.Shape, t.Values, nil
}
