package lang

import "strings"

// String returns the program in canonical form: one statement per line,
// single spaces around binary operators except ^, and only the
// parentheses the precedence rules need. Parsing the result gives the same
// program.
func (p *Program) String() string {
	var b strings.Builder
	for _, s := range p.Stmts {
		b.WriteString(s.Name)
		b.WriteString(" = ")
		if !s.Input && isLiteral(s.X, 1+btoi(isSigned(s.X))) {
			// A constant written (4) or -(4) is not an input: keep it so.
			b.WriteString("(" + Format(s.X) + ")")
		} else {
			b.WriteString(Format(s.X))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// Precedence levels, loosest first.
const (
	precSum = iota + 1
	precProduct
	precUnary
	precPower
	precAtom
)

func prec(x Expr) int {
	switch x := x.(type) {
	case *Binary:
		switch x.Op {
		case '+', '-':
			return precSum
		case '*', '/', '@':
			return precProduct
		}
		return precPower
	case *Unary:
		return precUnary
	}
	return precAtom
}

// Format returns the expression in canonical form with minimal
// parentheses, such as "-x^2" or "(a + b) * c".
func Format(x Expr) string {
	var b strings.Builder
	format(&b, x)
	return b.String()
}

func format(b *strings.Builder, x Expr) {
	switch x := x.(type) {
	case *Num:
		b.WriteString(x.Text)
	case *Tensor:
		if len(x.Texts) <= maxOneLine {
			formatTensor(b, x.Shape, x.Texts)
		} else {
			formatLines(b, x.Shape, x.Texts, "    ")
		}
	case *Ref:
		b.WriteString(x.Name)
	case *Call:
		b.WriteString(x.Func)
		b.WriteByte('(')
		for i, a := range x.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			format(b, a)
		}
		for i, a := range x.Named {
			if i > 0 || len(x.Args) > 0 {
				b.WriteString(", ")
			}
			b.WriteString(a.Name)
			b.WriteByte('=')
			format(b, a.X)
		}
		b.WriteByte(')')
	case *Unary:
		b.WriteByte(x.Op)
		if isSigned(x.X) {
			// - -x, not -(-x): the parentheses would count towards
			// MaxDepth, and the printed program must parse again.
			b.WriteByte(' ')
		}
		operand(b, x.X, prec(x.X) < precUnary)
	case *Binary:
		p := prec(x)
		if x.Op == '^' {
			// Right-associative; the exponent may be signed.
			operand(b, x.X, prec(x.X) <= precPower)
			b.WriteByte('^')
			operand(b, x.Y, prec(x.Y) < precUnary)
			return
		}
		operand(b, x.X, prec(x.X) < p)
		b.WriteByte(' ')
		b.WriteByte(x.Op)
		b.WriteByte(' ')
		operand(b, x.Y, prec(x.Y) <= p)
	}
}

// formatTensor writes the elements of a tensor of the given shape as
// nested lists: [[1, 2], [3, 4]].
func formatTensor(b *strings.Builder, shape []int, elems []string) {
	if len(shape) == 0 {
		b.WriteString(elems[0])
		return
	}
	step := len(elems) / max(shape[0], 1)
	b.WriteByte('[')
	for i := range shape[0] {
		if i > 0 {
			b.WriteString(", ")
		}
		formatTensor(b, shape[1:], elems[i*step:(i+1)*step])
	}
	b.WriteByte(']')
}

// maxOneLine is the number of elements up to which a tensor literal is
// printed on one line; a bigger one is printed a row per line, and at
// most maxOneLine elements to a line, so that no line of a printed program
// is longer than the parser takes.
const maxOneLine = 16

// formatLines writes a tensor literal over several lines, each line after
// the first indented by indent and one space per level of nesting.
func formatLines(b *strings.Builder, shape []int, elems []string, indent string) {
	b.WriteByte('[')
	if len(shape) == 1 {
		for i, e := range elems {
			if i > 0 {
				b.WriteByte(',')
				if i%maxOneLine == 0 {
					b.WriteString("\n" + indent + " ")
				} else {
					b.WriteByte(' ')
				}
			}
			b.WriteString(e)
		}
		b.WriteByte(']')
		return
	}
	step := len(elems) / max(shape[0], 1)
	for i := range shape[0] {
		if i > 0 {
			b.WriteString(",\n" + indent + " ")
		}
		formatLines(b, shape[1:], elems[i*step:(i+1)*step], indent+" ")
	}
	b.WriteByte(']')
}

// isSigned reports whether x is a unary expression, whose sign is set
// apart from another: - -x.
func isSigned(x Expr) bool {
	_, ok := x.(*Unary)
	return ok
}

func operand(b *strings.Builder, x Expr, paren bool) {
	if paren {
		b.WriteByte('(')
	}
	format(b, x)
	if paren {
		b.WriteByte(')')
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
