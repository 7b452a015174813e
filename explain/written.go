package explain

import (
	"strings"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
)

// maxWritten is the length beyond which a subexpression's node is called
// by the engine's name for it (add#42) instead of by its expression.
const maxWritten = 40

// naming holds how every node of a program's graph is shown: its
// reference, the text other nodes' rows and formulas use for it (a name,
// a number, or a subexpression written out), and its operation as
// written, unsimplified: the node of c + c shows "c + c", never "2·c". Two
// nodes never share a name: a second node written like an earlier one is
// called by the engine's name for it. It holds text, not symbols, so that
// a big graph's names cost their bytes: the symbols are made as they are
// needed (sym).
type naming struct {
	ref  []string // by node id: how other nodes' rows and formulas refer to it
	prec []int8   // by node id: ref's precedence where it is a subexpression written out (0 for a name), or refNumber
	op   []string // by node id: the operation on its inputs as written; "" for leaves
	syms []*sym   // by node id: ref as a symbol, once made
}

// refNumber marks a constant shown by its value, a number in formulas.
const refNumber = -1

// sym returns node n's reference as a symbol, made the first time it is
// asked for: a number for a constant shown by its value, else a name,
// with its precedence where it is a subexpression written out.
func (nm *naming) sym(n ad.Node) *sym {
	id := n.ID()
	if s := nm.syms[id]; s != nil {
		return s
	}
	var s *sym
	if nm.prec[id] == refNumber {
		s = num(n.Scalar())
	} else {
		s = name(nm.ref[id], scalarOf(n)) // NaN for a tensor
		s.prec0 = nm.prec[id]
	}
	nm.syms[id] = s
	return s
}

// forget lets go of what is kept of node id, which nothing will show
// again.
func (nm *naming) forget(id int) {
	nm.ref[id], nm.op[id], nm.syms[id] = "", "", nil
}

// nameNodes names the first n0 nodes of g, with nameOf giving the names
// of the named ones. The operation column writes subexpressions out; the
// node columns need unique names, so a second node written like an
// earlier one (a second sin(x)) is referred to by the engine's name for
// it, sin#7, as is a subexpression too long to repeat.
//
// Nodes for which skip is true (if skip is not nil) are not shown: they
// are called by the engine's name and claim no expression.
func nameNodes(g *ad.Graph, n0 int, nameOf func(ad.Node) string, skip func(id int) bool) *naming {
	nm := &naming{ref: make([]string, n0), prec: make([]int8, n0), op: make([]string, n0), syms: make([]*sym, n0)}
	text := make([]*sym, n0)                // as written, not necessarily unique
	seen := make(map[string]struct{}, n0/2) // the subexpressions written out
	labels := make([]string, n0)
	taken := map[string]bool{}
	for id := range n0 {
		labels[id] = nameOf(g.Node(id))
		taken[labels[id]] = true
	}
	// An engine name (add#11) may also be a node's name: the eleventh
	// assignment to a variable called add. Such a node is named add#11′
	// instead.
	engineName := func(n ad.Node) string {
		s := n.String()
		for taken[s] {
			s += "′"
		}
		return s
	}
	named := func(id int, s string) { nm.ref[id], nm.prec[id] = s, 0 }
	for id := range n0 {
		n := g.Node(id)
		label := labels[id]
		switch {
		case skip != nil && skip(id) && !n.IsLeaf():
			named(id, engineName(n))
			text[id] = name(nm.ref[id], 0)
		case n.IsLeaf() && !n.IsVar() && label == "":
			if isScalar(n) {
				text[id] = num(n.Scalar())
				nm.ref[id], nm.prec[id] = text[id].String(), refNumber
			} else {
				text[id] = name(newTensor(n.Value(), maxInFormula).String(), nanValue)
				named(id, text[id].name)
			}
		case n.IsLeaf():
			if label == "" {
				label = engineName(n)
			}
			named(id, label)
			text[id] = name(label, 0)
		default:
			op, prec := written(n, symsOf(text, n.Inputs()))
			nm.op[id] = op
			t := name(op, 0)
			t.prec0 = int8(prec)
			switch {
			case label != "":
				t = name(label, 0)
				named(id, label)
			case len(op) > maxWritten:
				t = name(engineName(n), 0)
				named(id, t.name)
			default:
				k := len(seen)
				seen[op] = struct{}{}
				if len(seen) == k {
					named(id, engineName(n)) // written out before
				} else {
					nm.ref[id], nm.prec[id] = op, int8(prec)
				}
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
	case "matmul":
		return binary(" @ ", pProduct)
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
	// A function of the language, written as a program calls it (the
	// engine's maximum is max(a, b), a sum over one axis is sum(x,
	// axis=1)); other operations by the engine's name for them.
	f, extra := ops.Written(n)
	if f == "" {
		f = n.Op().String()
	}
	b.WriteString(f)
	b.WriteByte('(')
	for i, x := range in {
		if i > 0 {
			b.WriteString(", ")
		}
		operand(x, false)
	}
	for _, e := range extra {
		b.WriteString(", ")
		b.WriteString(e)
	}
	b.WriteByte(')')
	return b.String(), pAtom
}
