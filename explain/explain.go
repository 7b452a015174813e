package explain

import (
	"fmt"
	"strings"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/program"
)

// Options choose how expressions are shown.
type Options struct {
	// InTermsOfInputs shows gradients as formulas in the input names
	// (∂u5/∂u1 = 2·(u1 + u2)·cos((u1 + u2)^2)) instead of with the values
	// substituted (12·cos(36)).
	InTermsOfInputs bool
}

// Explanation is the step-by-step account of one backpropagation: the
// forward pass, the complete calculation table and the answers.
type Explanation struct {
	Of      string  // the output's name
	First   string  // for the second pass (SecondOrder): the first --wrt node, whose derivative ∂Of/∂First is backpropagated
	Value   float64 // the value of the node backpropagated: the output, or ∂Of/∂First
	Forward []ForwardRow
	Rows    []Row    // the complete calculation table, in the order the engine fills it
	Inputs  []Answer // a row per --wrt node with its final gradient
}

// ForwardRow is one node of the forward pass.
type ForwardRow struct {
	Name   string  // the node: a statement's name or a subexpression
	Op     string  // the operation on the inputs' names, "u1 + u2"; "input" for an input
	Inputs string  // the inputs' values, "u1 = 4, u2 = 2"
	Value  float64 // the node's value
}

// Row is one (node V, consumer C) row of the complete calculation table.
type Row struct {
	V, C         string  // the node and its consumer
	Op           string  // C's operation, "sin(u4)"
	Local        string  // ∂C/∂V as a formula in node names, "cos(u4)"
	Inputs       string  // C's input values, "u4 = 36"
	Contribution string  // ∂C/∂V at the inputs times grad_table[C], "12·cos(36)"
	ContribValue float64 // its value
	G            string  // grad_table[V] once all V's consumers have contributed
	GValue       float64
}

// Answer is the gradient of the output with respect to one node.
type Answer struct {
	Wrt   string // the name asked for
	Node  string // the node's name in the tables: "x#2" for a later assignment to x
	Input bool   // whether the node is an input
	Expr  string // symbolic, "12·cos(36)"
	Value float64
}

// kind is the consumer column of an answer's row in the calculation table.
func (a Answer) kind() string {
	if a.Input {
		return "(input)"
	}
	return "(wrt)"
}

// maxInline is the size beyond which a gradient table entry is referred to
// by name (G[u3]) instead of written out, so that expressions on big graphs
// stay readable and do not grow exponentially.
const maxInline = 24

// Backward explains the backward pass that computes pg's gradients.
func Backward(pg *program.Compiled, opt Options) *Explanation {
	return explainFrom(pg, pg.Output(), wrtNodes(pg), opt, false)
}

// SecondOrder explains the second pass: for each --wrt node x, the first
// derivative ∂y/∂x is recorded as nodes of the graph (its forward pass is
// the first backward pass), and backpropagated again to every --wrt node,
// giving ∂²y/∂x∂z. The forward rows are those ∂y/∂x depends on.
func SecondOrder(pg *program.Compiled, opt Options) []*Explanation {
	wrt := wrtNodes(pg)
	var out []*Explanation
	for i, d := range ad.Gradients(pg.Output(), wrt...) {
		e := explainFrom(pg, d, wrt, opt, true)
		e.First = pg.WrtNames[i]
		out = append(out, e)
	}
	return out
}

func wrtNodes(pg *program.Compiled) []ad.Node {
	wrt := make([]ad.Node, len(pg.Wrt))
	for i, w := range pg.Wrt {
		wrt[i] = pg.Nodes[w]
	}
	return wrt
}

// explainFrom explains the gradients of y with respect to wrt. With
// ancestors, the forward rows are only the nodes y depends on.
func explainFrom(pg *program.Compiled, y ad.Node, wrt []ad.Node, opt Options, ancestors bool) *Explanation {
	g := pg.G
	table := ad.Backward(y, wrt...)
	e := &Explanation{Of: pg.OutputName(), Value: y.Scalar()}
	var needed []bool
	if ancestors {
		needed = make([]bool, y.ID()+1)
		needed[y.ID()] = true
		for id := y.ID(); id >= 0; id-- {
			if needed[id] {
				for _, x := range inputs(g.Node(id)) {
					needed[x.ID()] = true
				}
			}
		}
	}

	// How every node is shown, and in the other mode its formula in the
	// inputs.
	nm := nameNodes(pg)
	ref := nm.ref
	formula := ref
	if opt.InTermsOfInputs {
		formula = make([]*sym, g.Len())
	}
	for id := range g.Len() {
		n := g.Node(id)
		in := inputs(n)
		if opt.InTermsOfInputs {
			formula[id] = ref[id]
			if !n.IsLeaf() {
				formula[id] = opExpr(n, symsOf(formula, in))
				if formula[id].size() > maxInline {
					// Too big to repeat: the formula refers to the node.
					formula[id] = ref[id]
				}
			}
		}
		switch {
		case needed != nil && (id >= len(needed) || !needed[id]):
		case n.IsVar():
			e.Forward = append(e.Forward, ForwardRow{Name: ref[id].String(), Op: "input", Value: n.Scalar()})
		case !n.IsLeaf():
			e.Forward = append(e.Forward, ForwardRow{
				Name:   ref[id].String(),
				Op:     nm.op[id],
				Inputs: inputValues(in, ref),
				Value:  n.Scalar(),
			})
		}
	}

	// The nodes on paths from the wrt nodes to y, and their consumers there.
	onPath := make([]bool, g.Len())
	for _, x := range wrt {
		onPath[x.ID()] = true // one pass, not a search per node: linear in the --wrt list
	}
	for id := range g.Len() {
		n := g.Node(id)
		for _, x := range inputs(n) {
			if onPath[x.ID()] {
				onPath[id] = true
			}
		}
	}
	reaches := make([]bool, g.Len()) // reaches y
	reaches[y.ID()] = true
	consumers := make([][]ad.Node, g.Len())
	for id := y.ID(); id >= 0; id-- {
		n := g.Node(id)
		if !reaches[id] {
			continue
		}
		for _, x := range inputs(n) {
			reaches[x.ID()] = true
		}
	}
	for id := range y.ID() + 1 {
		n := g.Node(id)
		if !onPath[id] || !reaches[id] {
			continue
		}
		for _, x := range inputs(n) {
			cs := consumers[x.ID()]
			if onPath[x.ID()] && reaches[x.ID()] && (len(cs) == 0 || cs[len(cs)-1] != n) {
				consumers[x.ID()] = append(cs, n) // once, even if n uses x twice
			}
		}
	}

	// The symbolic gradient table, filled as the engine fills the
	// numeric one: nodes in reverse order of creation (reverse topological
	// order), so every consumer's entry is complete before its inputs'
	// entries are summed. V's rows are its consumers in order of creation.
	gsym := make([]*sym, g.Len())
	gsym[y.ID()] = num(1)
	gref := func(c ad.Node) *sym { // G[C] as it appears inside other expressions
		s := gsym[c.ID()]
		if s.size() > maxInline {
			return name("G["+ref[c.ID()].String()+"]", table.Scalar(c))
		}
		return s
	}
	for id := y.ID() - 1; id >= 0; id-- {
		cs := consumers[id]
		if len(cs) == 0 {
			continue
		}
		v := g.Node(id)
		first := len(e.Rows)
		var sum []*sym
		for _, c := range cs {
			e.Rows = append(e.Rows, contribution(table, v, c, nm, formula, gref, opt, &sum))
		}
		gsym[id] = add(sum...)
		gs := display(gsym[id], table.Scalar(v))
		for k := first; k < len(e.Rows); k++ {
			e.Rows[k].G = gs
			e.Rows[k].GValue = table.Scalar(v)
		}
	}
	for i, x := range wrt {
		s := gsym[x.ID()]
		if s == nil {
			s = num(0) // y does not depend on x
		}
		e.Inputs = append(e.Inputs, Answer{
			Wrt:   pg.WrtNames[i],
			Node:  ref[x.ID()].String(),
			Input: x.IsVar(),
			Expr:  display(s, table.Scalar(x)),
			Value: table.Scalar(x),
		})
	}
	return e
}

// maxShown is the size beyond which a symbolic gradient is shown by its
// value alone: a node with thousands of consumers has a sum of thousands
// of terms, which helps nobody read the table.
const maxShown = 64

// display returns s as text, or the value alone when s is too big.
func display(s *sym, v float64) string {
	if s.size() > maxShown {
		return Number(v)
	}
	return s.String()
}

// contribution computes the row for node v and its consumer c and adds the
// symbolic contribution to sum.
func contribution(table *ad.Table, v, c ad.Node, nm *naming, formula []*sym, gref func(ad.Node) *sym, opt Options, sum *[]*sym) Row {
	ref := nm.ref
	in := inputs(c)
	names := symsOf(ref, in)
	vals := make([]*sym, len(in))
	for k, x := range in {
		vals[k] = num(x.Scalar())
		if opt.InTermsOfInputs {
			vals[k] = formula[x.ID()]
		}
	}
	var row Row
	row.V, row.C = ref[v.ID()].String(), ref[c.ID()].String()
	row.Op = nm.op[c.ID()]
	row.Inputs = inputValues(in, ref)
	// The same input may appear twice (x·x): C contributes once per use.
	var local, localVal *sym
	for k, x := range in {
		if x != v {
			continue
		}
		l := localDeriv(c, k, names)
		lv := localDeriv(c, k, vals)
		if local == nil {
			local, localVal = l, lv
		} else {
			local, localVal = add(local, l), add(localVal, lv)
		}
	}
	row.Local = local.String()
	upstream := table.Scalar(c)
	contrib := mul(localVal, gref(c))
	row.ContribValue = localNumeric(c, v) * upstream
	if upstream == 0 {
		// The engine's rule: a zero upstream gradient contributes zero,
		// whatever the local derivative (so 0·∞ is 0 here, not NaN).
		contrib, row.ContribValue = num(0), 0
	}
	*sum = append(*sum, contrib)
	row.Contribution = display(contrib, contrib.value)
	return row
}

// localNumeric returns ∂C/∂V at the inputs from the operation's own
// ScalarDeriv, summed over the positions where v is an input.
func localNumeric(c, v ad.Node) float64 {
	in := inputs(c)
	so, ok := c.Op().(ad.ScalarOp)
	if !ok || len(in) > 2 {
		d := 0.0
		for k, x := range in {
			if x == v {
				d += localAt(c, k)
			}
		}
		return d
	}
	x, y := in[0].Scalar(), 0.0
	if len(in) == 2 {
		y = in[1].Scalar()
	}
	dx, dy := so.ScalarDeriv(x, y, c.Scalar())
	d := 0.0
	if in[0] == v {
		d += dx
	}
	if len(in) == 2 && in[1] == v {
		d += dy
	}
	return d
}

func inputs(n ad.Node) []ad.Node { return n.Inputs() }

func symsOf(table []*sym, in []ad.Node) []*sym {
	out := make([]*sym, len(in))
	for i, x := range in {
		out[i] = table[x.ID()]
	}
	return out
}

// inputValues lists the named inputs of a node with their values:
// "u1 = 4, u2 = 2". Constants are left out: they show in the operation.
func inputValues(in []ad.Node, ref []*sym) string {
	var parts []string
	seen := map[ad.Node]bool{}
	for _, x := range in {
		if seen[x] || (x.IsLeaf() && !x.IsVar()) {
			continue
		}
		seen[x] = true
		parts = append(parts, fmt.Sprintf("%s = %s", ref[x.ID()], formatNum(x.Scalar())))
	}
	return strings.Join(parts, ", ")
}
