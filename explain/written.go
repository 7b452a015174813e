package explain

import (
	"strings"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/program"
)

// maxWritten is the length beyond which a subexpression's node is called
// by the engine's name for it (add#42) instead of by its expression.
const maxWritten = 40

// naming holds how every node of a program's graph is shown: its
// reference, the symbol other nodes' formulas use for it (a name, a
// number, or a subexpression written out), and its operation as written,
// unsimplified: the node of c + c shows "c + c", never "2·c". Two nodes
// never share a name: a second node written like an earlier one is called
// by the engine's name for it.
type naming struct {
	ref []*sym   // by node id: how other nodes' rows and formulas refer to it
	op  []string // by node id: the operation on its inputs as written; "" for leaves
}

// nameNodes names every node of pg's graph. The operation column writes
// subexpressions out; the node columns need unique names, so a second node
// written like an earlier one (a second sin(x)) is referred to by the
// engine's name for it, sin#7, as is a subexpression too long to repeat.
func nameNodes(pg *program.Compiled) *naming {
	g := pg.G
	nm := &naming{ref: make([]*sym, g.Len()), op: make([]string, g.Len())}
	text := make([]*sym, g.Len()) // as written, not necessarily unique
	seen := map[string]bool{}
	// An engine name (add#11) may also be a statement's label: the
	// eleventh assignment to a variable called add. Such a node is named
	// add#11′ instead.
	labels := make(map[string]bool, len(pg.Labels))
	for _, l := range pg.Labels {
		labels[l] = true
	}
	engineName := func(n ad.Node) string {
		s := n.String()
		for labels[s] {
			s += "′"
		}
		return s
	}
	for id := range g.Len() {
		n := g.Node(id)
		_, isStmt := pg.Statement(n)
		switch {
		case n.IsLeaf() && !n.IsVar():
			nm.ref[id] = num(n.Scalar())
			text[id] = nm.ref[id]
		case n.IsLeaf():
			nm.ref[id] = name(pg.Label(n), n.Scalar())
			text[id] = nm.ref[id]
		default:
			op, prec := written(n, symsOf(text, n.Inputs()))
			nm.op[id] = op
			t := name(op, n.Scalar())
			t.prec0 = prec
			switch {
			case isStmt:
				t = name(pg.Label(n), n.Scalar())
				nm.ref[id] = t
			case len(op) > maxWritten:
				t = name(engineName(n), n.Scalar())
				nm.ref[id] = t
			case seen[op]:
				nm.ref[id] = name(engineName(n), n.Scalar())
			default:
				seen[op] = true
				nm.ref[id] = t
			}
			text[id] = t
		}
	}
	return nm
}

// written returns node n's operation applied to its inputs' symbols as
// it would be written in a program, with · for products and minimal
// parentheses, and the precedence of the result.
func written(n ad.Node, in []*sym) (string, int) {
	var b strings.Builder
	operand := func(x *sym, paren bool) {
		if paren {
			b.WriteByte('(')
		}
		b.WriteString(x.String())
		if paren {
			b.WriteByte(')')
		}
	}
	binary := func(op string, prec int) (string, int) {
		// Left-associative: the right operand of a - b needs parentheses
		// when it is itself a sum, the left one only when looser.
		operand(in[0], in[0].prec() < prec)
		b.WriteString(op)
		operand(in[1], in[1].prec() <= prec)
		return b.String(), prec
	}
	switch n.Op().String() {
	case "add", "accumulate": // accumulate sums contributions in a recorded gradient
		return binary(" + ", pSum)
	case "sub":
		return binary(" - ", pSum)
	case "mul", "gatedmul": // gatedmul: a gradient times a local derivative
		return binary("·", pProduct)
	case "div":
		return binary("/", pProduct)
	case "neg":
		b.WriteByte('-')
		operand(in[0], in[0].prec() < pPow)
		return b.String(), pNeg
	case "pow", "square":
		// Right-associative, and binding tighter than unary minus on its
		// left: (-2)^x, but x^-1.
		operand(in[0], in[0].prec() <= pPow)
		b.WriteByte('^')
		if len(in) == 1 {
			b.WriteByte('2')
		} else {
			operand(in[1], in[1].prec() < pNeg)
		}
		return b.String(), pPow
	case "identity":
		return in[0].String(), in[0].prec()
	}
	f := n.Op().String()
	switch f {
	case "maximum", "minimum":
		f = f[:3]
	}
	b.WriteString(f)
	b.WriteByte('(')
	for i, x := range in {
		if i > 0 {
			b.WriteString(", ")
		}
		operand(x, false)
	}
	b.WriteByte(')')
	return b.String(), pAtom
}
