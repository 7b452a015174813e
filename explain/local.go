package explain

import (
	"math"
	"strconv"
	"strings"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// printer writes the nodes the trace recorded (local derivatives and
// bprop rules) as formulas: the nodes that existed before the trace are
// shown by orig (their names, or their values), the others by their
// operations applied to their inputs, folded (2·u3^(2 - 1) reads 2·u3).
type printer struct {
	n0   int
	orig func(id int) *sym
	// memo holds the formulas of the nodes the current step recorded,
	// which are few: a step's nodes are printed once each.
	memo []memoEntry
	up   ad.Node // for a bprop rule: the upstream gradient, shown as upSym
	upS  *sym
}

type memoEntry struct {
	id int
	s  *sym
}

// local returns step s's local derivative as a formula, or nil when the
// operation states none.
func (p *printer) local(s ad.Step) *sym {
	if !s.Local.Valid() {
		return nil
	}
	return p.formula(s.Local)
}

// formula returns node n as a formula, as local does for a local
// derivative.
func (p *printer) formula(n ad.Node) *sym {
	p.memo = p.memo[:0]
	return p.sym(n)
}

// contribution returns the bprop rule of step s as a formula, with the
// upstream gradient shown as up: g·xᵀ for a matrix product.
func (p *printer) contribution(s ad.Step, up *sym) *sym {
	p.up, p.upS = s.Upstream, up
	p.memo = p.memo[:0] // the memo depends on how the upstream gradient is shown
	defer func() { p.up, p.upS, p.memo = ad.Node{}, nil, p.memo[:0] }()
	return p.sym(s.Contribution)
}

func (p *printer) sym(n ad.Node) *sym {
	id := n.ID()
	switch {
	case p.upS != nil && n == p.up:
		return p.upS
	case id < p.n0:
		return p.orig(id)
	}
	for _, m := range p.memo {
		if m.id == id {
			return m.s
		}
	}
	var s *sym
	switch {
	case n.IsLeaf() && isScalar(n):
		s = num(n.Scalar())
	case n.IsLeaf():
		s = name(newTensor(n.Value(), maxInFormula).String(), nanValue)
	default:
		in := n.Inputs()
		args := make([]*sym, len(in))
		for i, x := range in {
			args[i] = p.sym(x)
		}
		s = opExpr(n, args)
	}
	p.memo = append(p.memo, memoEntry{id, s})
	return s
}

// maxInFormula is the number of elements up to which a tensor constant
// inside a formula, or in a diagram's box, is written out.
const maxInFormula = 6

// nanValue is the value of a tensor's symbol: symbols fold numbers only.
var nanValue = math.NaN()

// opExpr returns node n's operation applied to the symbols of its inputs:
// "u1 + u2", "sin(u4)", and for tensors as a textbook writes them: a
// matrix product W·x, a transpose xᵀ, an element-wise product g ⊙ h, and
// the sum that undoes broadcasting, sum(g, axis 0).
func opExpr(n ad.Node, in []*sym) *sym {
	v := scalarOf(n)
	op := n.Op().String()
	if ta, tb, ok := matmulOf(op); ok {
		a, b := in[0], in[1]
		if ta {
			a = postfix(a, "ᵀ")
		}
		if tb {
			b = postfix(b, "ᵀ")
		}
		return infix(a, "·", b, pProduct)
	}
	// Operations on tensors; a sum may have a scalar result.
	if !isScalar(n) || len(in) == 1 && !isScalar(n.Input(0)) {
		switch op {
		case "mul", "gatedmul":
			if !isScalar(n.Input(0)) && !isScalar(n.Input(1)) {
				return infix(in[0], " ⊙ ", in[1], pProduct)
			}
		case "transpose":
			return postfix(in[0], "ᵀ")
		case "sumto": // the sum that undoes broadcasting, over leading axes and axes of size 1
			return sumBack(in[0], n.Input(0).Shape(), n.Shape(), v)
		case "reshape":
			return in[0] // a view: the value shows the shape
		case "broadcast":
			return call("broadcast", v, in[0], name(n.Shape().String(), v))
		}
	}
	switch op {
	case "add", "accumulate":
		return add(in[0], in[1])
	case "sub":
		return sub(in[0], in[1])
	case "mul", "gatedmul":
		return mul(in[0], in[1])
	case "div":
		return div(in[0], in[1])
	case "neg":
		return neg(in[0])
	case "pow":
		return pow(in[0], in[1])
	case "identity":
		return in[0]
	case "square":
		return pow(in[0], num(2))
	}
	if f, extra := ops.Written(n); f != "" {
		for _, e := range extra {
			in = append(in, name(e, v))
		}
		return call(f, v, in...)
	}
	return call(op, v, in...)
}

// matmulOf reports whether op is a matrix product, and which of its
// operands it transposes: matmul, matmul(xᵀ, y), matmul(x, yᵀ).
func matmulOf(op string) (ta, tb, ok bool) {
	if !strings.HasPrefix(op, "matmul") {
		return false, false, false
	}
	return strings.Contains(op, "xᵀ"), strings.Contains(op, "yᵀ"), true
}

// sumBack writes the sum that undoes broadcasting x from shape out to
// shape in: sum(x) to a scalar, sum(x, axis 0) otherwise.
func sumBack(x *sym, in, out tensor.Shape, v float64) *sym {
	if out.Size() == 1 {
		return call("sum", v, x)
	}
	return call("sum", v, x, name(axesOf(in, out), v))
}

// axesOf names the axes that a sum from shape in to shape out leaves out:
// "axis 0".
func axesOf(in, out tensor.Shape) string {
	var axes []string
	lead := len(in) - len(out)
	for i := range in {
		if i < lead || out[i-lead] == 1 && in[i] != 1 {
			axes = append(axes, strconv.Itoa(i))
		}
	}
	if len(axes) == 1 {
		return "axis " + axes[0]
	}
	return "axes " + strings.Join(axes, ", ")
}

// infix writes a op b as one symbol of precedence prec.
func infix(a *sym, op string, b *sym, prec int) *sym {
	var s strings.Builder
	group(&s, a, a.prec() < prec)
	s.WriteString(op)
	group(&s, b, b.prec() <= prec)
	t := name(s.String(), nanValue)
	t.prec0 = int8(prec)
	return t
}

// postfix writes a followed by op, as xᵀ.
func postfix(a *sym, op string) *sym {
	var s strings.Builder
	group(&s, a, a.prec() < pAtom)
	s.WriteString(op)
	return name(s.String(), nanValue)
}
