package lang

import (
	"fmt"
	"unicode/utf8"
)

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokNewline
	tokName
	tokNum
	tokOp    // one of + - * / ^ ( ) , = (** is read as ^)
	tokError // text is the message
)

type token struct {
	kind tokKind
	pos  Pos
	text string // the name, the number as written, or the error message
	op   byte
	sym  *symbol // for a name: its entry in the symbol table
}

// symtab interns names: each distinct name is one string and one entry,
// found with one map lookup per occurrence.
type symtab struct {
	index map[string]*symbol
	slab  slab[symbol]
}

// symbol is what the parser knows of a name.
type symbol struct {
	name  string
	fn    *Func // the built-in function of that name, or nil
	stmt  int   // the latest statement assigning it, or -1
	count int   // the assignments so far
}

func newSymtab() *symtab {
	t := &symtab{index: map[string]*symbol{}}
	for i := range Funcs {
		t.intern([]byte(Funcs[i].Name)).fn = &Funcs[i]
	}
	return t
}

func (t *symtab) intern(raw []byte) *symbol {
	if s, ok := t.index[string(raw)]; ok {
		return s
	}
	s := t.slab.new()
	*s = symbol{name: string(raw), stmt: -1}
	t.index[s.name] = s
	return s
}

// String describes t for error messages: "name x", "number 3", "+".
func (t token) String() string {
	switch t.kind {
	case tokEOF:
		return "end of file"
	case tokNewline:
		return "end of line"
	case tokName:
		return "name " + t.text
	case tokNum:
		return "number " + t.text
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
	line, col int
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
	case '+', '-', '*', '/', '^', '(', ')', ',', '=':
		l.off++
		l.col++
		return token{kind: tokOp, pos: pos, op: c}
	}
	r, size := utf8.DecodeRune(l.src[l.off:])
	l.off += size
	l.col++
	return token{kind: tokError, pos: pos, text: fmt.Sprintf("unexpected character %q", r)}
}

// number scans digits [. digits] [(e|E) [+|-] digits], or . digits [...].
func (l *lexer) number(pos Pos) token {
	start := l.off
	digits := l.digits()
	if l.off < len(l.src) && l.src[l.off] == '.' {
		l.off++
		l.col++
		digits += l.digits()
	}
	if digits == 0 {
		return token{kind: tokError, pos: pos, text: "malformed number: . without digits"}
	}
	if l.off < len(l.src) && (l.src[l.off] == 'e' || l.src[l.off] == 'E') {
		l.off++
		l.col++
		if l.off < len(l.src) && (l.src[l.off] == '+' || l.src[l.off] == '-') {
			l.off++
			l.col++
		}
		if l.digits() == 0 {
			return token{kind: tokError, pos: pos, text: "malformed number " + string(l.src[start:l.off]) + ": exponent without digits"}
		}
	}
	if l.off < len(l.src) && (isLetter(l.src[l.off]) || l.src[l.off] == '.') {
		return token{kind: tokError, pos: Pos{l.line, l.col}, text: fmt.Sprintf("unexpected %q after number %s", rune(l.src[l.off]), l.src[start:l.off])}
	}
	return token{kind: tokNum, pos: pos, text: string(l.src[start:l.off])}
}

func (l *lexer) digits() int {
	n := 0
	for l.off < len(l.src) && isDigit(l.src[l.off]) {
		l.off++
		l.col++
		n++
	}
	return n
}

func isLetter(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
