package explain

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

// sym is a symbolic expression for the tables: a number, a name, a call, a
// power, or a product or sum of terms. Constructors fold what can be
// folded, so expressions print simply: 2·6 is 12, 1·x is x, x + 0 is x,
// and functions of numbers stay unevaluated, as cos(36).
type sym struct {
	kind  symKind
	prec0 int8    // symName: the precedence of the text, if it is not a plain name
	sz    int32   // size, once computed
	num   float64 // symNum; the coefficient of symMul; the constant of symAdd
	name  string  // symName; the function of symCall
	args  []*sym  // symCall arguments; factors of symMul; terms of symAdd; base and exponent of symPow
	value float64 // the numeric value, for checks
	// text is s as String wrote it, once it has: a sym shared by many
	// formulas (a gradient table entry inside every later one) is then
	// copied instead of written again.
	text string
}

type symKind uint8

const (
	symNum symKind = iota
	symName
	symCall
	symPow
	symMul
	symAdd
	symNeg // args[0] negated, only for non-numeric terms
	symDiv // args[0] / args[1]
)

func num(v float64) *sym { return &sym{kind: symNum, num: v, value: v} }

func name(n string, v float64) *sym { return &sym{kind: symName, name: n, value: v} }

func call(f string, v float64, args ...*sym) *sym {
	return &sym{kind: symCall, name: f, args: args, value: v}
}

func (s *sym) isNum(v float64) bool { return s.kind == symNum && s.num == v }

// mul returns the product of the factors, folded: numeric factors multiply
// into one coefficient written first, 1 disappears, nested products
// flatten.
func mul(factors ...*sym) *sym {
	coef, value := 1.0, 1.0
	var rest []*sym
	for _, f := range factors {
		value *= f.value
		switch f.kind {
		case symNum:
			coef *= f.num
		case symMul:
			coef *= f.num
			rest = append(rest, f.args...)
		case symNeg:
			coef = -coef
			rest = append(rest, f.args[0])
		default:
			rest = append(rest, f)
		}
	}
	switch {
	case len(rest) == 0 || coef == 0 && allFinite(rest):
		return num(coef)
	case len(rest) == 1 && coef == 1:
		return rest[0]
	case len(rest) == 1 && coef == -1:
		return &sym{kind: symNeg, args: rest, value: value}
	}
	return &sym{kind: symMul, num: coef, args: rest, value: value}
}

func allFinite(xs []*sym) bool {
	for _, x := range xs {
		if math.IsInf(x.value, 0) || math.IsNaN(x.value) {
			return false
		}
	}
	return true
}

// add returns the sum of the terms, folded: numbers add up into one
// constant written last, 0 disappears, nested sums flatten.
func add(terms ...*sym) *sym {
	c, value := 0.0, 0.0
	var rest []*sym
	for _, t := range terms {
		value += t.value
		switch t.kind {
		case symNum:
			c += t.num
		case symAdd:
			c += t.num
			rest = append(rest, t.args...)
		default:
			rest = append(rest, t)
		}
	}
	rest = likeTerms(rest)
	switch {
	case len(rest) == 0:
		return num(c)
	case len(rest) == 1 && c == 0:
		return rest[0]
	}
	return &sym{kind: symAdd, num: c, args: rest, value: value}
}

// likeTerms combines terms that differ only in their coefficient: x + x is
// 2·x, and 3·y - y is 2·y.
func likeTerms(terms []*sym) []*sym {
	if len(terms) < 2 {
		return terms
	}
	type group struct {
		coef float64
		term *sym // the first of the group
	}
	var groups []*group
	var byKey map[string]*group // for many terms; a few are compared in turn
	keys := make([]string, 0, len(terms))
	find := func(k string) *group {
		if byKey != nil {
			return byKey[k]
		}
		for i, kk := range keys {
			if kk == k {
				return groups[i]
			}
		}
		return nil
	}
	if len(terms) > 8 {
		byKey = map[string]*group{}
	}
	for _, t := range terms {
		coef, k := termKey(t)
		if g := find(k); g != nil {
			g.coef += coef
			continue
		}
		g := &group{coef, t}
		if byKey != nil {
			byKey[k] = g
		}
		keys = append(keys, k)
		groups = append(groups, g)
	}
	if len(groups) == len(terms) {
		return terms
	}
	out := make([]*sym, 0, len(groups))
	for _, g := range groups {
		base := termBase(g.term)
		if g.coef == 0 && allFinite(base.args) && !math.IsInf(base.value, 0) && !math.IsNaN(base.value) {
			continue
		}
		out = append(out, mul(num(g.coef), base))
	}
	return out
}

// termKey returns a term's coefficient and the text of the rest, which
// like terms share: 3·x·y is 3 and x·y. The text is cut from the term's
// own where it can be, which the sum prints anyway.
func termKey(t *sym) (float64, string) {
	switch {
	case t.kind == symMul && len(t.args) == 1:
		return t.num, t.args[0].String()
	case t.kind == symMul && t.num == 1:
		return 1, t.String()
	case t.kind == symMul && t.num != -1:
		// "3·x·y": the factors are written after the coefficient as they
		// would be without it.
		return t.num, t.String()[len(formatNum(t.num))+len("·"):]
	case t.kind == symMul || t.kind == symNeg:
		return -1, termBase(t).String()
	}
	return 1, t.String()
}

// termBase returns a term without its coefficient.
func termBase(t *sym) *sym {
	switch {
	case t.kind == symMul && len(t.args) == 1:
		return t.args[0]
	case t.kind == symMul:
		return &sym{kind: symMul, num: 1, args: t.args, value: t.value / t.num}
	case t.kind == symNeg:
		return t.args[0]
	}
	return t
}

func neg(x *sym) *sym { return mul(num(-1), x) }

func sub(x, y *sym) *sym { return add(x, neg(y)) }

func div(x, y *sym) *sym {
	switch {
	case y.kind == symNum && y.num != 0:
		return mul(num(1/y.num), x)
	case x.kind == symMul && x.num != 1:
		// Keep the coefficient in front: 2·a/b.
		return mul(num(x.num), div(mul(x.args...), y))
	case x.kind == symNeg:
		return neg(div(x.args[0], y))
	}
	return &sym{kind: symDiv, args: []*sym{x, y}, value: x.value / y.value}
}

// pow returns x^y, folded: x^1 is x, x^0 is 1, numbers are computed.
func pow(x, y *sym) *sym {
	switch {
	case y.isNum(1):
		return x
	case y.isNum(0):
		return num(1)
	case x.kind == symNum && y.kind == symNum:
		return num(math.Pow(x.num, y.num))
	}
	return &sym{kind: symPow, args: []*sym{x, y}, value: math.Pow(x.value, y.value)}
}

// size returns the number of nodes of s, to decide when to name it.
// Symbols share subexpressions, so the size is memoized and capped.
func (s *sym) size() int {
	if s.sz == 0 {
		n := 1
		for _, a := range s.args {
			n = min(n+a.size(), 1<<30)
		}
		s.sz = int32(n)
	}
	return int(s.sz)
}

// Precedence levels, loosest first.
const (
	pSum = iota + 1
	pProduct
	pNeg
	pPow
	pAtom
)

func (s *sym) prec() int {
	switch s.kind {
	case symAdd:
		return pSum
	case symMul:
		if s.num != 1 && s.num < 0 {
			return pNeg
		}
		return pProduct
	case symNeg:
		return pNeg
	case symPow:
		return pPow
	case symDiv:
		return pProduct
	case symNum:
		if s.num < 0 || math.IsInf(s.num, -1) {
			return pNeg
		}
	case symName:
		if s.prec0 != 0 {
			return int(s.prec0)
		}
	}
	return pAtom
}

// String prints s with · for products and minimal parentheses. The text
// is kept: a sym printed once (a gradient table entry) is copied into the
// formulas that contain it instead of written again.
func (s *sym) String() string {
	if s.text == "" && s.kind != symName {
		var b strings.Builder
		b.Grow(min(12*s.size(), 1024)) // about the text's length: one allocation
		s.write1(&b)
		s.text = b.String()
		if b.Cap() > 2*b.Len() {
			s.text = strings.Clone(s.text) // without the spare capacity
		}
	}
	if s.kind == symName {
		return s.name
	}
	return s.text
}

func formatNum(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "∞"
	case math.IsInf(v, -1):
		return "-∞"
	case math.IsNaN(v):
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func (s *sym) write(b *strings.Builder) {
	switch {
	case s.text != "":
		b.WriteString(s.text)
	case s.kind == symName:
		b.WriteString(s.name)
	case s.kind == symNum:
		// A node's value appears in many formulas: format it once.
		s.text = formatNum(s.num)
		b.WriteString(s.text)
	default:
		s.write1(b)
	}
}

func (s *sym) write1(b *strings.Builder) {
	switch s.kind {
	case symNum:
		b.WriteString(formatNum(s.num))
	case symName:
		b.WriteString(s.name)
	case symCall:
		b.WriteString(s.name)
		b.WriteByte('(')
		for i, a := range s.args {
			if i > 0 {
				b.WriteString(", ")
			}
			a.write(b)
		}
		b.WriteByte(')')
	case symPow:
		group(b, s.args[0], s.args[0].prec() <= pPow)
		b.WriteByte('^')
		group(b, s.args[1], !signedAtom(s.args[1]))
	case symNeg:
		// -(x·y) = (-x)·y, so only sums need parentheses.
		b.WriteByte('-')
		group(b, s.args[0], s.args[0].prec() < pProduct || s.args[0].prec() == pNeg)
	case symDiv:
		group(b, s.args[0], s.args[0].prec() < pProduct)
		b.WriteByte('/')
		// A product or a negated one in the denominator needs
		// parentheses: a/(b·c), a/(-3·x); a negated power does not: a/-x^2.
		group(b, s.args[1], s.args[1].prec() <= pProduct || s.args[1].kind == symMul || s.args[1].kind == symNeg && !signedAtom(s.args[1]))
	case symMul:
		factors := s.args
		switch {
		case s.num == -1:
			b.WriteByte('-')
		case s.num != 1:
			b.WriteString(formatNum(s.num))
			b.WriteString("·")
		}
		for i, f := range factors {
			if i > 0 {
				b.WriteString("·")
			}
			group(b, f, f.prec() <= pProduct || (i == 0 && s.num == -1 && f.prec() <= pNeg))
		}
	case symAdd:
		terms := slices.Clone(s.args)
		if first, _ := splitSign(terms[0]); first && s.num > 0 {
			// 1 - tanh(x)^2 rather than -tanh(x)^2 + 1.
			b.WriteString(formatNum(s.num))
			for _, t := range terms {
				negative, abs := splitSign(t)
				if negative {
					b.WriteString(" - ")
				} else {
					b.WriteString(" + ")
				}
				group(b, abs, abs.prec() <= pSum)
			}
			return
		}
		for i, t := range terms {
			negative, abs := splitSign(t)
			switch {
			case i == 0 && negative:
				b.WriteByte('-')
			case i > 0 && negative:
				b.WriteString(" - ")
			case i > 0:
				b.WriteString(" + ")
			}
			group(b, abs, abs.prec() <= pSum)
		}
		if s.num != 0 {
			if s.num < 0 {
				b.WriteString(" - ")
				b.WriteString(formatNum(-s.num))
			} else {
				b.WriteString(" + ")
				b.WriteString(formatNum(s.num))
			}
		}
	}
}

// signedAtom reports whether s may follow ^ or / without parentheses:
// it binds at least as tightly as a power, possibly with one leading minus
// (x^-1, x^-y^2).
func signedAtom(s *sym) bool {
	switch s.kind {
	case symNum:
		return true
	case symNeg:
		return s.args[0].prec() >= pPow
	case symMul:
		return false
	}
	return s.prec() >= pPow
}

// splitSign returns whether t is written with a leading minus, and t
// without it.
func splitSign(t *sym) (bool, *sym) {
	switch {
	case t.kind == symNeg:
		return true, t.args[0]
	case t.kind == symMul && t.num < 0:
		return true, mul(num(-t.num), &sym{kind: symMul, num: 1, args: t.args, value: t.value / t.num})
	case t.kind == symNum && t.num < 0:
		return true, num(-t.num)
	}
	return false, t
}

func group(b *strings.Builder, s *sym, paren bool) {
	if paren {
		b.WriteByte('(')
	}
	s.write(b)
	if paren {
		b.WriteByte(')')
	}
}
