package lang

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Limits on the input. Programs beyond them are rejected with an error
// rather than exhausting memory or time.
const (
	MaxLineBytes = 1 << 20 // bytes on one line
	MaxDepth     = 1000    // nesting of parentheses, unary operators and powers
)

// Parse parses a graph program. file names the source in errors. The first
// error found is returned as an *Error with its position. A UTF-8 byte
// order mark at the very start of src is skipped.
func (sy *Syntax) Parse(file string, src []byte) (*Program, error) {
	prog := &Program{}
	err := sy.parse(file, src, func(lines int) { prog.Stmts = make([]*Stmt, 0, lines) }, func(s *Stmt) error {
		prog.Stmts = append(prog.Stmts, s)
		return nil
	}, false)
	if err != nil {
		return nil, err
	}
	return prog, nil
}

// ParseEach parses a graph program as Parse does, but hands each statement
// to f as soon as it is parsed instead of keeping the tree: the statement
// and its expressions are valid only until f returns, so a program of any
// length is parsed in the memory of its longest statement. The first
// error, a parse error or one that f returns, ends the parse and is
// returned; statements before a parse error have been handed to f.
// Before the first statement, start, if not nil, is called with an upper
// bound on the number of statements, for sizing what f fills.
func (sy *Syntax) ParseEach(file string, src []byte, start func(maxStmts int), f func(s *Stmt) error) error {
	return sy.parse(file, src, start, f, true)
}

// parse runs the parser over src, calling start with an upper bound on the
// number of statements and f on each; with recycle, the tree's memory is
// reused from one statement to the next.
func (sy *Syntax) parse(file string, src []byte, start func(lines int), f func(*Stmt) error, recycle bool) error {
	p := &parser{file: file}
	src = bytes.TrimPrefix(src, []byte("\uFEFF"))
	lines, err := p.check(src)
	if err != nil {
		return err
	}
	// Each line holds at most one statement and assigns at most one name;
	// a statement takes at least four bytes with its newline (x=1).
	lines = min(lines, len(src)/4+1)
	if start != nil {
		start(lines)
	}
	p.syms = newSymtab(lines, sy.funcs)
	p.lex = lexer{src: src, line: 1, col: 1, syms: p.syms}
	return p.program(f, recycle)
}

// MustParse is Parse for sources known to be valid, such as built-in
// examples: it panics on an error.
func (sy *Syntax) MustParse(file string, src string) *Program {
	prog, err := sy.Parse(file, []byte(src))
	if err != nil {
		panic(err)
	}
	return prog
}

type parser struct {
	file  string
	lex   lexer
	tok   token
	depth int
	syms  *symtab
	stmt  int // index of the statement being parsed

	// Slabs: the nodes of the tree are allocated many at a time.
	stmts    slab[Stmt]
	binaries slab[Binary]
	unaries  slab[Unary]
	refs     slab[Ref]
	nums     slab[Num]
	calls    slab[Call]
	tensors  slab[Tensor]
	argBuf   []Expr
	ntok     int // tokens consumed since the start of the expression
}

// bail is what the parser panics with to unwind on the first error.
type bail struct{ err *Error }

func (p *parser) errorf(pos Pos, format string, args ...any) {
	panic(bail{&Error{File: p.file, Pos: pos, Msg: fmt.Sprintf(format, args...)}})
}

// check rejects binary and non-UTF-8 input and over-long lines before
// lexing, with the position of the first offence. It returns the number
// of lines.
func (p *parser) check(src []byte) (int, error) {
	c := Checker{File: p.file}
	c.Write(src) // Close returns its error
	return c.Close()
}

// catch runs f and returns the error it bails out with, if any.
func (p *parser) catch(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bail)
			if !ok {
				panic(r)
			}
			err = b.err
		}
	}()
	f()
	return nil
}

func (p *parser) program(f func(*Stmt) error, recycle bool) error {
	var err error
	if perr := p.catch(func() { err = p.statements(f, recycle) }); perr != nil {
		return perr
	}
	return err
}

func (p *parser) statements(f func(*Stmt) error, recycle bool) error {
	p.next()
	for p.tok.kind != tokEOF {
		if p.tok.kind == tokNewline {
			p.next()
			continue
		}
		if err := f(p.statement()); err != nil {
			return err
		}
		p.stmt++
		if recycle {
			p.recycle()
		}
	}
	if p.stmt == 0 {
		p.errorf(Pos{1, 1}, "empty program: no statements")
	}
	return nil
}

// recycle lets the next statement reuse the memory of the tree of the last
// one, which ParseEach's caller is done with.
func (p *parser) recycle() {
	p.stmts.reset()
	p.binaries.reset()
	p.unaries.reset()
	p.refs.reset()
	p.nums.reset()
	p.calls.reset()
	p.tensors.reset()
	p.argBuf = p.argBuf[:0]
}

func (p *parser) next() {
	p.ntok++
	p.tok = p.lex.scan()
	if p.tok.kind == tokError {
		p.errorf(p.tok.pos, "%s", p.tok.text)
	}
}

func (p *parser) statement() *Stmt {
	if p.tok.kind != tokName {
		p.errorf(p.tok.pos, "expected a statement NAME = EXPR, found %s", p.tok)
	}
	sym := p.tok.sym
	s := p.stmts.new()
	*s = Stmt{Name: p.tok.text, NamePos: p.tok.pos}
	if sym.fn != nil {
		p.errorf(s.NamePos, "cannot assign to %s: it is a built-in function", Quote(s.Name))
	}
	p.next()
	if p.tok.kind != tokOp || p.tok.op != '=' {
		p.errorf(p.tok.pos, "expected = after %s, found %s", Quote(s.Name), p.tok)
	}
	p.next()
	if p.tok.kind == tokNewline || p.tok.kind == tokEOF {
		p.errorf(p.tok.pos, "expected an expression after =, found %s", p.tok)
	}
	p.ntok = 0
	bracket := p.tok.kind == tokOp && p.tok.op == '[' // ([1, 2]), like (4), is not an input
	s.X = p.expr()
	if p.tok.kind != tokNewline && p.tok.kind != tokEOF {
		p.errorf(p.tok.pos, "unexpected %s after the expression", p.tok)
	}
	if _, ok := s.X.(*Tensor); ok {
		s.Input = bracket
	} else {
		s.Input = isLiteral(s.X, p.ntok)
	}
	s.Def = int(sym.count)
	sym.count++
	sym.stmt = int32(p.stmt)
	return s
}

// isLiteral reports whether x, parsed from ntok tokens, is a tensor
// literal or a plain number literal with at most one sign: -4 is, -(4) and
// (4) are not (a tensor literal in parentheses is told apart by the
// statement).
func isLiteral(x Expr, ntok int) bool {
	if _, ok := x.(*Tensor); ok {
		return true
	}
	if u, ok := x.(*Unary); ok {
		x = u.X
		ntok--
	}
	_, ok := x.(*Num)
	return ok && ntok == 1
}

// expr parses a sum: term (('+' | '-') term)*.
func (p *parser) expr() Expr {
	x := p.term()
	for p.tok.kind == tokOp && (p.tok.op == '+' || p.tok.op == '-') {
		op, pos := p.tok.op, p.tok.pos
		p.next()
		x = p.binary(pos, op, x, p.term())
	}
	return x
}

// term parses a product: unary (('*' | '/' | '@') unary)*.
func (p *parser) term() Expr {
	x := p.unary()
	for p.tok.kind == tokOp && (p.tok.op == '*' || p.tok.op == '/' || p.tok.op == '@') {
		op, pos := p.tok.op, p.tok.pos
		p.next()
		x = p.binary(pos, op, x, p.unary())
	}
	return x
}

// unary parses ('-' | '+') unary | power. Unary minus binds less tightly
// than ^: -x^2 is -(x^2).
func (p *parser) unary() Expr {
	if p.tok.kind == tokOp && (p.tok.op == '-' || p.tok.op == '+') {
		op, pos := p.tok.op, p.tok.pos
		p.enter(pos)
		p.next()
		x := p.unaries.new()
		*x = Unary{At: pos, Op: op, X: p.unary()}
		p.depth--
		return x
	}
	return p.power()
}

// power parses primary ('^' unary)?: ^ is right-associative, and its
// exponent may carry a sign (2^-1).
func (p *parser) power() Expr {
	x := p.primary()
	if p.tok.kind == tokOp && p.tok.op == '^' {
		pos := p.tok.pos
		p.enter(pos)
		p.next()
		x = p.binary(pos, '^', x, p.unary())
		p.depth--
	}
	return x
}

func (p *parser) enter(pos Pos) {
	p.depth++
	if p.depth > MaxDepth {
		p.errorf(pos, "expression nested more than %d levels deep", MaxDepth)
	}
}

func (p *parser) primary() Expr {
	t := p.tok
	switch {
	case t.kind == tokNum:
		p.next()
		n := p.nums.new()
		*n = Num{At: t.pos, Text: t.text, Value: t.val}
		return n
	case t.kind == tokName:
		p.next()
		if p.tok.kind == tokOp && p.tok.op == '(' {
			return p.call(t)
		}
		sym := t.sym
		if sym.fn != nil {
			p.errorf(t.pos, "%s is a function: call it as %s(...)", Quote(t.text), Quote(t.text))
		}
		i := sym.stmt
		if i < 0 {
			if p.assignedLater(t.text) {
				p.errorf(t.pos, "%s is used before it is assigned", Quote(t.text))
			}
			p.errorf(t.pos, "undefined: %s", Quote(t.text))
		}
		r := p.refs.new()
		*r = Ref{At: t.pos, Name: t.text, Stmt: i}
		return r
	case t.kind == tokOp && t.op == '[':
		return p.tensor()
	case t.kind == tokOp && t.op == '(':
		p.enter(t.pos)
		p.next()
		x := p.expr()
		if p.tok.kind != tokOp || p.tok.op != ')' {
			p.errorf(p.tok.pos, "expected ) to close the ( at %v, found %s", t.pos, p.tok)
		}
		p.depth--
		p.next()
		return x
	}
	p.errorf(t.pos, "expected a number, a name, [ or (, found %s", t)
	return nil
}

// tensor parses a tensor literal: '[' elements ']', where the elements
// are all signed numbers or all tensor literals of the same shape.
// Newlines inside the brackets are ignored, so a matrix may be written one
// row per line.
func (p *parser) tensor() Expr {
	t := p.tensors.new()
	*t = Tensor{At: p.tok.pos}
	rank := -1 // unknown until the first number is reached
	p.list(t, 0, &rank)
	t.Shape = t.Shape[:rank]
	return t
}

// list parses one bracketed list at the given depth of t. The size of
// each axis is set by the first list at its depth; every later one must
// match it.
func (p *parser) list(t *Tensor, depth int, rank *int) {
	open := p.tok.pos
	p.enter(open)
	p.next()
	p.skipNewlines()
	if depth == len(t.Shape) {
		t.Shape = append(t.Shape, -1) // set when the first list at this depth ends
	}
	n := 0
	for {
		if p.tok.kind == tokOp && p.tok.op == ']' && n == 0 {
			p.errorf(p.tok.pos, "empty tensor literal: a list needs at least one element")
		}
		if p.tok.kind == tokOp && p.tok.op == '[' {
			if *rank >= 0 && depth+1 >= *rank {
				p.errorf(p.tok.pos, "expected a number in this row of the tensor literal at %v, found [", t.At)
			}
			p.list(t, depth+1, rank)
		} else {
			if *rank < 0 {
				*rank = depth + 1
			} else if depth+1 < *rank {
				p.errorf(p.tok.pos, "expected [ for a row of the tensor literal at %v, found %s", t.At, p.tok)
			}
			p.element(t)
		}
		n++
		p.skipNewlines()
		if p.tok.kind == tokOp && p.tok.op == ',' {
			p.next()
			p.skipNewlines()
			if p.tok.kind == tokOp && p.tok.op == ']' {
				break // a trailing comma
			}
			continue
		}
		break
	}
	if p.tok.kind != tokOp || p.tok.op != ']' {
		p.errorf(p.tok.pos, "expected , or ] in the tensor literal at %v, found %s", t.At, p.tok)
	}
	switch {
	case t.Shape[depth] < 0:
		t.Shape[depth] = n
	case t.Shape[depth] != n:
		p.errorf(open, "ragged tensor literal: this row has %d %s, the first row at this depth has %d", n, plural(n, "element"), t.Shape[depth])
	}
	p.depth--
	p.next()
}

// element parses a signed number inside a tensor literal.
func (p *parser) element(t *Tensor) {
	sign := ""
	if p.tok.kind == tokOp && (p.tok.op == '-' || p.tok.op == '+') {
		sign = string(p.tok.op)
		p.next()
	}
	if p.tok.kind != tokNum {
		p.errorf(p.tok.pos, "expected a number in the tensor literal at %v, found %s", t.At, p.tok)
	}
	v := p.tok.val
	if sign == "-" {
		v = -v
	}
	t.Values = append(t.Values, v)
	t.Texts = append(t.Texts, sign+p.tok.text)
	p.next()
}

func (p *parser) skipNewlines() {
	for p.tok.kind == tokNewline {
		p.next()
	}
}

// assignedLater reports whether the rest of the source assigns name, for
// a clearer message than "undefined".
func (p *parser) assignedLater(name string) bool {
	l := p.lex // a copy: scanning ahead does not disturb the parser
	// The parser has already read the token after the name: a newline
	// there means the lexer is at the start of the next line.
	atLineStart := p.tok.kind == tokNewline
	for {
		t := l.scan()
		switch t.kind {
		case tokEOF, tokError:
			return false
		case tokNewline:
			atLineStart = true
			continue
		case tokName:
			if atLineStart && t.text == name {
				n := l.scan()
				if n.kind == tokOp && n.op == '=' {
					return true
				}
			}
		}
		atLineStart = false
	}
}

func (p *parser) call(name token) Expr {
	open := p.tok.pos
	p.enter(open)
	p.next()
	sym := name.sym
	f := sym.fn
	if f == nil {
		if sym.stmt >= 0 {
			p.errorf(name.pos, "%s is not a function", Quote(name.text))
		}
		p.errorf(name.pos, "unknown function %s", Quote(name.text))
	}
	c := p.calls.new()
	*c = Call{At: name.pos, Func: name.text}
	var buf [4]Expr
	args := buf[:0]
	if p.tok.kind != tokOp || p.tok.op != ')' {
		for {
			if p.tok.kind == tokName && p.peekIs('=') {
				c.Named = append(c.Named, p.named(f, c))
			} else {
				if len(c.Named) > 0 {
					p.errorf(p.tok.pos, "positional argument after %s= in the call of %s", c.Named[len(c.Named)-1].Name, Quote(name.text))
				}
				args = append(args, p.expr())
			}
			if p.tok.kind == tokOp && p.tok.op == ',' {
				p.next()
				continue
			}
			break
		}
	}
	if p.tok.kind != tokOp || p.tok.op != ')' {
		p.errorf(p.tok.pos, "expected , or ) in the call of %s, found %s", Quote(name.text), p.tok)
	}
	c.Args = p.exprs(args)
	p.depth--
	p.next()
	if n := len(c.Args); n < f.MinArgs || f.MaxArgs >= 0 && n > f.MaxArgs {
		p.errorf(name.pos, "%s takes %s, got %d", f.Name, f.arity(), n)
	}
	return c
}

// peekIs reports whether the token after the current one is the operator
// op.
func (p *parser) peekIs(op byte) bool {
	l := p.lex // a copy: scanning ahead does not disturb the parser
	t := l.scan()
	return t.kind == tokOp && t.op == op
}

// named parses NAME = EXPR, a named argument of a call of f.
func (p *parser) named(f *Func, c *Call) Named {
	a := Named{At: p.tok.pos, Name: p.tok.text}
	if slices.ContainsFunc(c.Named, func(b Named) bool { return b.Name == a.Name }) {
		p.errorf(a.At, "%s= given twice in the call of %s", a.Name, f.Name)
	}
	if !slices.Contains(f.Named, a.Name) {
		if len(f.Named) == 0 {
			p.errorf(a.At, "%s takes no named arguments, got %s=", f.Name, Quote(a.Name))
		}
		p.errorf(a.At, "%s has no argument %s (it takes %s=)", f.Name, Quote(a.Name), strings.Join(f.Named, "=, "))
	}
	p.next() // the name
	p.next() // =
	a.X = p.expr()
	return a
}

func itoa(n int) string { return strconv.Itoa(n) }

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

func (p *parser) binary(pos Pos, op byte, x, y Expr) Expr {
	b := p.binaries.new()
	*b = Binary{OpPos: pos, Op: op, X: x, Y: y}
	return b
}

// exprs copies args into storage allocated many at a time.
func (p *parser) exprs(args []Expr) []Expr {
	if len(args) > cap(p.argBuf)-len(p.argBuf) {
		p.argBuf = make([]Expr, 0, max(1024, len(args)))
	}
	n := len(p.argBuf)
	p.argBuf = append(p.argBuf, args...)
	return p.argBuf[n : n+len(args) : n+len(args)]
}

// slab hands out pointers to elements of chunks allocated many at a time.
// Chunks double in size from 32 elements (or next, if set) up to 8192.
type slab[T any] struct {
	buf  []T
	next int // the size of the next chunk
}

// reset makes the last chunk's elements available again. Pointers handed
// out before must no longer be used.
func (s *slab[T]) reset() {
	clear(s.buf)
	s.buf = s.buf[:0]
}

func (s *slab[T]) new() *T {
	if len(s.buf) == cap(s.buf) {
		n := min(max(s.next, 32), 8192)
		s.buf = make([]T, 0, n)
		s.next = 2 * n
	}
	s.buf = s.buf[:len(s.buf)+1]
	return &s.buf[len(s.buf)-1]
}
