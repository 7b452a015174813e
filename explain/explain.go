package explain

import (
	"io"
	"math"
	"slices"
	"strings"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// Graph is a computation to explain: its output, the nodes to
// differentiate it with respect to, and how to call its nodes.
type Graph struct {
	Of  ad.Node   // the output
	Wrt []ad.Node // the nodes whose gradients are wanted
	// Name returns the name to show for node n, or "" when it has none:
	// the node is then shown by its expression as written (sin(x)), or,
	// when that is long or taken, by the engine's name for it (sin#7).
	// Nil means each node's own name (ad.Node.Name).
	Name func(n ad.Node) string
	// OfName and WrtNames are what the answers call the output and the
	// Wrt nodes, ∂OfName/∂WrtNames[i]; empty means the names the nodes are
	// shown by.
	OfName   string
	WrtNames []string
}

func (gr Graph) name(n ad.Node) string {
	if gr.Name != nil {
		return gr.Name(n)
	}
	return n.Name()
}

func (gr Graph) ofName() string {
	if gr.OfName != "" {
		return gr.OfName
	}
	return shownName(gr, gr.Of)
}

func (gr Graph) wrtName(i int) string {
	if i < len(gr.WrtNames) && gr.WrtNames[i] != "" {
		return gr.WrtNames[i]
	}
	return shownName(gr, gr.Wrt[i])
}

// shownName is n's name, or the engine's.
func shownName(gr Graph, n ad.Node) string {
	if s := gr.name(n); s != "" {
		return s
	}
	return n.String()
}

// DefaultMaxElements is the number of elements up to which a tensor is
// shown whole; a bigger one is shown by its shape and the minimum,
// maximum and mean of its elements.
const DefaultMaxElements = 16

// Options choose how expressions and values are shown.
type Options struct {
	// InTermsOfInputs shows gradients as formulas in the input names
	// (∂u5/∂u1 = 2·(u1 + u2)·cos((u1 + u2)^2)) instead of with the values
	// substituted (12·cos(36)).
	InTermsOfInputs bool
	// MaxElements is the number of elements up to which a tensor is shown
	// whole; 0 means DefaultMaxElements.
	MaxElements int
	// Scratch, if not nil, makes the storage where WriteTextStreamed (and
	// Pass.WriteText) keeps the rows of its table beyond the first 32 MiB
	// until the columns are measured: a temporary file, say (the command
	// gives one that is unlinked). It is closed, if it is an io.Closer,
	// once the table is written. Nil, or an error, keeps the rows in
	// memory.
	Scratch func() (io.ReadWriteSeeker, error)
	// Steps adds to each row of the table what stepping through the
	// engine's trace needs (Row.Step, LocalAt, LocalValue and Partial),
	// and to its JSON the members step, local_at, local_value and partial.
	Steps bool
}

func (o Options) maxElements() int {
	if o.MaxElements > 0 {
		return o.MaxElements
	}
	return DefaultMaxElements
}

// Explanation is the step-by-step account of one backpropagation: the
// forward pass, the complete calculation table and the answers. Values of
// scalar nodes are float64 fields; a tensor node's value is in the Tensor
// field beside, which is nil for scalars.
type Explanation struct {
	Of      string  // the output's name
	First   string  // for the second pass (SecondOrder): the first Wrt node, whose derivative ∂Of/∂First is backpropagated
	Value   float64 // the value of the node backpropagated: the output, or ∂Of/∂First
	Tensor  *Tensor
	Forward []ForwardRow
	Rows    []Row    // the complete calculation table, in the order the engine fills it
	Inputs  []Answer // a row per Wrt node with its final gradient

	steps bool // made with Options.Steps: the rows have their steps
}

// ForwardRow is one node of the forward pass.
type ForwardRow struct {
	Name   string  // the node: a statement's name or a subexpression
	Op     string  // the operation on the inputs' names, "u1 + u2"; "input" for an input
	Inputs string  // the inputs' values, "u1 = 4, u2 = 2"
	Value  float64 // the node's value
	Tensor *Tensor

	valueText string  // Value as formulas write it, when made with the row
	valueFor  float64 // the Value valueText was made for
}

// valueString returns the value column: the value as Number writes it,
// or the tensor.
func (r *ForwardRow) valueString() string {
	if r.valueText != "" && r.Tensor == nil && r.valueFor == r.Value && !math.IsInf(r.Value, 0) {
		return r.valueText // formatNum, which differs from Number only at the infinities
	}
	return shown(r.Value, r.Tensor)
}

// Row is one (node V, consumer C) row of the complete calculation table:
// one step of the engine's trace (two for a consumer that uses V twice).
type Row struct {
	V, C string // the node and its consumer
	Op   string // C's operation, "sin(u4)"
	// Local is ∂C/∂V, the operation's own local derivative, in node names:
	// "cos(u4)". It is empty for an operation that states its bprop rule
	// instead (matmul, the shape operations): then Contribution is that rule.
	Local         string
	Inputs        string  // C's input values, "u4 = 36"
	Contribution  string  // ∂C/∂V at the inputs times grad_table[C], "12·cos(36)"; "0 (G[C] is 0)" or "0 (∂C/∂V is 0)" where either is 0, even if the other is ∞ or NaN
	ContribValue  float64 // its value: the engine's
	ContribTensor *Tensor
	G             string  // grad_table[V] once all V's consumers have contributed
	GValue        float64 // the engine's
	GTensor       *Tensor

	// With Options.Steps, the engine's step: Step is the index of the
	// trace step that made the row (its first, for a consumer that uses V
	// twice), counting from 0, which is the order the engine fills the
	// table in; the rows of one V are listed together, in a different
	// order. LocalAt is Local with the values put in ("12" for 2·u3 at
	// u3 = 6), and LocalValue its value, NaN where Local is empty or a
	// tensor. Partial is the engine's running sum grad_table[V] just after
	// the step: the contributions of V's consumers so far; it equals G at
	// V's last step.
	Step          int
	LocalAt       string
	LocalValue    float64
	Partial       float64
	PartialTensor *Tensor

	// The contribution and G columns with their values, as the tables
	// show them (withValue), when made with the row: Contribution and G
	// share their memory.
	contribCell, gCell string
}

// contribText returns the contribution with its value, as the tables
// show it.
func (r *Row) contribText() string {
	if r.contribCell != "" {
		return r.contribCell
	}
	return withValue(r.Contribution, r.ContribValue, r.ContribTensor)
}

// gText returns G with its value, as the tables show it.
func (r *Row) gText() string {
	if r.gCell != "" {
		return r.gCell
	}
	return withValue(r.G, r.GValue, r.GTensor)
}

// cell returns expr with its value as withValue writes it, and expr
// itself sharing the cell's memory where the cell begins with it.
func cell(expr string, v float64, t *Tensor) (string, string) {
	c := withValue(expr, v, t)
	if len(c) > len(expr) && c[:len(expr)] == expr {
		return c[:len(expr)], c
	}
	return expr, c
}

// building is a row while the table is built.
type building struct {
	Row
	local, contrib *sym           // its formulas
	contribT       *tensor.Tensor // the engine's contribution, for a tensor
	why            string         // why a contribution is 0 whatever the formula
	localAt        *sym           // with Options.Steps: the local derivative with the values put in
	partial        ad.Node        // with Options.Steps: the engine's running total after the step
}

// Answer is the gradient of the output with respect to one node.
type Answer struct {
	Wrt    string // the name asked for
	Node   string // the node's name in the tables: "x#2" for a later assignment to x
	Input  bool   // whether the node is an input
	Expr   string // symbolic, "12·cos(36)"
	Value  float64
	Tensor *Tensor
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

// Backward explains the backward pass from gr.Of to gr.Wrt, as the engine
// takes it: the rows are the steps of ad.Trace, and every number is the
// engine's. The trace is recorded on gr.Of's graph, as ad.Gradients would
// record it.
func Backward(gr Graph, opt Options) *Explanation {
	return firstPass(gr, opt).Explain()
}

// Streamed explains the backward pass as Backward does, for a graph whose
// calculation table is too big to hold: start, if not nil, is called with
// the explanation once its forward rows are made (Rows is empty), then each
// row of the table is handed to row as soon as the engine's trace has
// completed it, in the table's order, and is kept nowhere (the *Row is
// reused: copy it to keep it); the
// explanation returned has the answers. The rows are those Backward would
// give. The streamed writers (WriteTextStreamed, WriteMarkdownStreamed,
// WriteJSONStreamed and a Pass's methods) work this way.
func Streamed(gr Graph, opt Options, start func(*Explanation), row func(*Row)) *Explanation {
	return firstPass(gr, opt).explain(&stream{start: start, row: row})
}

// stream is where Pass.explain hands its parts as they are made.
type stream struct {
	start func(*Explanation)
	row   func(*Row)
	cells bool // make the rows' table cells, contribution and G with their values
}

// SecondOrder explains the second pass: for each node x of gr.Wrt, the
// first derivative ∂y/∂x is recorded as nodes of the graph (its forward
// pass is the first backward pass), and backpropagated again to every
// node of gr.Wrt, giving ∂²y/∂x∂z. The forward rows are those ∂y/∂x
// depends on.
func SecondOrder(gr Graph, opt Options) []*Explanation {
	var out []*Explanation
	SecondOrderEach(gr, opt, func(e *Explanation) error {
		out = append(out, e)
		return nil
	})
	return out
}

// SecondOrderEach is SecondOrder handing each explanation to f as soon as
// it is made, so that one is held at a time. It stops at f's first error
// and returns it.
func SecondOrderEach(gr Graph, opt Options, f func(*Explanation) error) error {
	return SecondOrderPasses(gr, opt, func(p *Pass) error { return f(p.Explain()) })
}

// SecondOrderPasses hands f the second passes that SecondOrder explains,
// one per node of gr.Wrt, each to be explained or written as the engine
// goes, so that not even one explanation is held. It stops at f's first
// error and returns it.
func SecondOrderPasses(gr Graph, opt Options, f func(*Pass) error) error {
	for i, d := range ad.Gradients(gr.Of, gr.Wrt...) {
		if err := f(&Pass{gr: gr, y: d, opt: opt, ancestors: true, first: gr.wrtName(i)}); err != nil {
			return err
		}
	}
	return nil
}

// Pass is one backward pass to explain, one of a graph's second passes
// (SecondOrderPasses hands them out; the streamed writers explain the
// first pass this way too). Its methods explain it, or write it as the
// engine goes, as the streamed writers write the first.
type Pass struct {
	gr        Graph
	y         ad.Node // the node backpropagated
	opt       Options
	ancestors bool   // the forward rows are only those y depends on
	first     string // for a second pass: the Wrt node of the first derivative
}

func firstPass(gr Graph, opt Options) *Pass { return &Pass{gr: gr, y: gr.Of, opt: opt} }

// Explain returns the pass's explanation, held whole.
func (p *Pass) Explain() *Explanation { return p.explain(nil) }

// explain explains the gradients of p.y with respect to p.gr.Wrt. With
// p.ancestors, the forward rows are only the nodes y depends on. With st,
// the rows go to st.row instead of e.Rows.
func (p *Pass) explain(st *stream) *Explanation {
	gr, y, opt, ancestors := p.gr, p.y, p.opt, p.ancestors
	g := y.Graph()
	wrt := gr.Wrt
	maxEl := opt.maxElements()
	e := &Explanation{Of: gr.ofName(), First: p.first, Value: scalarOf(y), Tensor: tensorOf(y, maxEl), steps: opt.Steps}
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
	// inputs. The nodes are those up to y, which is all the trace visits,
	// and the Wrt nodes, which may come after it (their gradient is then
	// 0): the trace records its own after them, and nodes an earlier
	// explanation recorded are left out, so that explaining again costs
	// the same.
	fw := y.ID() + 1 // the forward rows
	n0 := fw         // the nodes named: those up to y, and the Wrt nodes
	for _, x := range wrt {
		n0 = max(n0, x.ID()+1)
	}
	var skip func(int) bool
	if needed != nil {
		skip = func(id int) bool { return id >= len(needed) || !needed[id] }
	}
	nm := nameNodes(g, n0, gr.name, skip)
	refOf := func(id int) string { return nm.ref[id] }
	// The symbols of the nodes, made when a formula first needs them and
	// let go with the node's rows: refs by name (nm.sym), values with the
	// values put in (numbers, and names for tensors).
	refSym := func(id int) *sym { return nm.sym(g.Node(id)) }
	valText := make([]string, n0) // by scalar node: its value as formulas and inputs columns write it
	values := make([]*sym, n0)
	var formula []*sym // the nodes' formulas in the inputs, for InTermsOfInputs
	valueSym := func(id int) *sym {
		if formula != nil {
			return formula[id]
		}
		if values[id] == nil {
			if n := g.Node(id); isScalar(n) {
				values[id] = num(n.Scalar())
				values[id].text = valText[id]
			} else {
				values[id] = refSym(id)
			}
		}
		return values[id]
	}
	if opt.InTermsOfInputs {
		formula = make([]*sym, n0)
	}
	var inBuf []ad.Node // a node's inputs
	e.Forward = make([]ForwardRow, 0, fw)
	for id := range n0 {
		n := g.Node(id)
		inBuf = inBuf[:0]
		for i := range n.NumInputs() {
			inBuf = append(inBuf, n.Input(i))
		}
		in := inBuf
		if isScalar(n) {
			valText[id] = formatNum(n.Scalar())
		}
		if formula != nil {
			formula[id] = refSym(id)
			if !n.IsLeaf() {
				formula[id] = opExpr(n, symsOf(formula, in))
				if formula[id].size() > maxInline {
					// Too big to repeat: the formula refers to the node.
					formula[id] = refSym(id)
				}
			}
		}
		switch {
		case id >= fw || needed != nil && !needed[id]:
		case n.IsVar():
			e.Forward = append(e.Forward, ForwardRow{Name: refOf(id), Op: "input", Value: scalarOf(n), Tensor: tensorOf(n, maxEl), valueText: valText[id], valueFor: scalarOf(n)})
		case !n.IsLeaf():
			e.Forward = append(e.Forward, ForwardRow{
				Name:      refOf(id),
				Op:        nm.op[id],
				Inputs:    inputValues(in, refOf, valText),
				Value:     scalarOf(n),
				Tensor:    tensorOf(n, maxEl),
				valueText: valText[id],
				valueFor:  scalarOf(n),
			})
		}
	}

	// The backward pass, as the engine takes it: consumers C in reverse
	// order of creation, each one's entry complete. Each step becomes part
	// of a row; a consumer that uses V twice (x·x) takes two steps for one
	// row. The symbolic G of a consumer is the sum of its rows, complete
	// when its first step as a consumer comes.
	//
	// V's rows are complete once the trace has passed below V (its
	// consumers were all made after it): they are then written out as
	// text and what was kept to build them is let go, so that memory
	// follows the nodes whose rows are still open, not the whole table.
	// The order is the same: V in reverse order of creation.
	isWrt := make([]bool, n0)
	for _, x := range wrt {
		isWrt[x.ID()] = true
	}
	open := make([][]building, n0) // by V: its rows so far, in the order the steps came
	var spare [][]building         // slices of flushed rows, emptied, for the rows of other nodes
	var r Row                      // the row handed to st.row, made again for each
	total := make([]ad.Node, n0)   // by V: the engine's running total
	gsym := make([]*sym, n0)       // by node: its symbolic G, once complete
	gsym[y.ID()] = num(1)
	gOf := func(id int) *sym {
		if gsym[id] == nil {
			gsym[id] = sumOfContribs(open[id])
		}
		return gsym[id]
	}
	gref := func(c ad.Node) *sym { // G[C] as it appears inside other expressions
		id := c.ID()
		s := gOf(id)
		if s.size() > maxInline || total[id].Valid() && !isScalar(total[id]) {
			return name("G["+refOf(id)+"]", scalarOf(total[id]))
		}
		return s
	}
	// flush writes out V's rows, now complete.
	flush := func(id int) {
		rs := open[id]
		if len(rs) == 0 {
			return
		}
		gv, gt := scalarOf(total[id]), tensorOf(total[id], maxEl)
		gs, gc := display(gOf(id), gv), ""
		cells := st == nil || st.cells
		if cells {
			gs, gc = cell(gs, gv, gt)
		}
		for k := len(rs) - 1; k >= 0; k-- {
			b := &rs[k]
			r = b.Row
			if b.local != nil {
				r.Local = b.local.String()
			}
			if opt.Steps {
				if b.localAt != nil {
					r.LocalAt = b.localAt.String()
				}
				r.Partial, r.PartialTensor = scalarOf(b.partial), tensorOf(b.partial, maxEl)
			}
			if b.contribT != nil {
				r.ContribTensor = newTensor(b.contribT, maxEl)
			}
			if b.contrib == nil {
				r.Contribution = "0 (" + b.why + ")"
			} else {
				r.Contribution = display(b.contrib, r.ContribValue)
			}
			r.G, r.GValue, r.GTensor = gs, gv, gt
			if cells {
				// For the tables; a held text table writes each cell twice.
				r.Contribution, r.contribCell = cell(r.Contribution, r.ContribValue, r.ContribTensor)
				r.gCell = gc
			}
			if st != nil {
				st.row(&r)
				continue
			}
			e.Rows = append(e.Rows, r)
		}
		clear(rs)
		spare, open[id] = append(spare, rs[:0]), nil
		if !isWrt[id] {
			// Every later step is of nodes made before this one, so
			// nothing refers to it by name again; an answer still does.
			total[id] = ad.Node{}
			nm.forget(id)
			values[id], valText[id] = nil, ""
		}
	}
	next := n0 - 1 // the nodes above next have had their rows written
	if st == nil {
		edges := 0 // a bound on the rows: one per input that needs a gradient
		for id := range fw {
			n := g.Node(id)
			for i := range n.NumInputs() {
				if n.Input(i).NeedsGrad() {
					edges++
				}
			}
		}
		e.Rows = make([]Row, 0, edges)
	} else if st.start != nil {
		st.start(e) // which may write the forward rows and let them go
	}
	names := &printer{n0: n0, orig: refSym}
	vals := &printer{n0: n0, orig: valueSym}
	var last ad.Step
	var lastC = -1
	var cInputs string // the inputs column of consumer lastC
	step := -1         // the index of the trace step
	grads := ad.Trace(y, func(s ad.Step) {
		step++
		v, c := s.V.ID(), s.C.ID()
		if c != lastC {
			// The trace moved on to a new consumer: every node above it
			// is complete, and the last consumer's G is no longer needed
			// except as an answer or inside the rows still open.
			for ; next > c; next-- {
				flush(next)
			}
			if lastC >= 0 && !isWrt[lastC] {
				gsym[lastC] = nil
			}
			lastC = c
			cInputs = inputValues(inputs(s.C), refOf, valText)
		}
		total[v] = s.Total
		up := gref(s.C)
		local, localVal := names.local(s), vals.local(s)
		var contrib *sym
		why := ""
		switch {
		case isScalar(s.Upstream) && s.Upstream.Scalar() == 0:
			why = "G[" + refOf(c) + "] is 0" // said in words: 0·∞ would read NaN
		case s.Local.Valid() && isScalar(s.Local) && s.Local.Scalar() == 0:
			why = "∂C/∂V is 0" // a zero local derivative passes nothing on, not even a NaN
		case s.Local.Valid() && !isScalar(s.Local) && !isScalar(s.Upstream):
			contrib = infix(localVal, " ⊙ ", up, pProduct)
		case s.Local.Valid():
			contrib = mul(localVal, up)
		default:
			contrib = vals.contribution(s, up)
		}
		if contrib != nil && s.Local.Valid() && !s.V.Shape().Equal(s.C.Shape()) {
			// The bprop sums the product back to V's shape, where V was
			// broadcast.
			contrib = sumBack(contrib, s.C.Shape(), s.V.Shape(), scalarOf(s.Contribution))
		}
		rs := open[v]
		if rs == nil && len(spare) > 0 {
			rs, spare = spare[len(spare)-1], spare[:len(spare)-1]
		}
		if k := len(rs) - 1; k >= 0 && last.V == s.V && last.C == s.C {
			// The second use of V by C: one row, the uses summed.
			r := &rs[k]
			if r.local != nil && local != nil {
				r.local = add(r.local, local)
			} else {
				r.local = nil // a bprop rule: the contribution says it
			}
			r.contrib = addMaybe(r.contrib, contrib)
			if r.contribT != nil {
				r.contribT = tensor.Add(r.contribT, s.Contribution.Value())
			} else {
				r.ContribValue += s.Contribution.Scalar()
			}
			if r.contrib != nil {
				r.why = ""
			}
			if opt.Steps {
				r.partial = s.Total
				if r.localAt != nil && localVal != nil {
					r.localAt = add(r.localAt, localVal)
					r.LocalValue += scalarOf(s.Local)
				} else {
					r.localAt, r.LocalValue = nil, math.NaN()
				}
			}
			last = s
			return
		}
		last = s
		b := building{
			Row: Row{
				V: refOf(v), C: refOf(c), Op: nm.op[c],
				Inputs:       cInputs,
				ContribValue: scalarOf(s.Contribution),
			},
			local: local, contrib: contrib, why: why,
		}
		if opt.Steps {
			b.Step, b.partial = step, s.Total
			b.LocalValue = math.NaN()
			if local != nil {
				b.localAt, b.LocalValue = localVal, scalarOf(s.Local)
			}
		}
		if !isScalar(s.Contribution) {
			b.contribT = s.Contribution.Value()
		}
		open[v] = append(rs, b)
	}, wrt...)
	for ; next >= 0; next-- {
		flush(next)
	}
	for i, x := range wrt {
		s := gsym[x.ID()]
		if s == nil {
			s = num(0) // y does not depend on x
		}
		e.Inputs = append(e.Inputs, Answer{
			Wrt:    gr.wrtName(i),
			Node:   nm.ref[x.ID()],
			Input:  x.IsVar(),
			Expr:   display(s, scalarOf(grads[i])),
			Value:  scalarOf(grads[i]),
			Tensor: tensorOf(grads[i], maxEl),
		})
	}
	return e
}

// sumOfContribs adds the symbolic contributions of a node's rows; nil
// ones are zero.
func sumOfContribs(rows []building) *sym {
	var ts []*sym
	for i := range rows {
		if t := rows[i].contrib; t != nil {
			ts = append(ts, t)
		}
	}
	return add(ts...)
}

// addMaybe adds two contributions, either of which may be nil (zero, said
// in words).
func addMaybe(a, b *sym) *sym {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return add(a, b)
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

func inputs(n ad.Node) []ad.Node { return n.Inputs() }

func symsOf(table []*sym, in []ad.Node) []*sym {
	out := make([]*sym, len(in))
	for i, x := range in {
		out[i] = table[x.ID()]
	}
	return out
}

// inputValues lists the named inputs of a node with their values:
// "u1 = 4, u2 = 2", and a tensor's shape: "W: [2 3]". Constants are left
// out: they show in the operation. valText holds the scalar nodes' values
// as text.
func inputValues(in []ad.Node, ref func(id int) string, valText []string) string {
	var b strings.Builder
	var seen map[ad.Node]bool // for many inputs; a few are searched
	if len(in) > 16 {
		seen = make(map[ad.Node]bool, len(in))
	}
	for i, x := range in {
		if x.IsLeaf() && !x.IsVar() {
			continue
		}
		if seen != nil {
			if seen[x] {
				continue
			}
			seen[x] = true
		} else if slices.Contains(in[:i], x) {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(ref(x.ID()))
		if isScalar(x) {
			b.WriteString(" = ")
			b.WriteString(valText[x.ID()])
		} else {
			b.WriteString(": ")
			b.WriteString(x.Shape().String())
		}
	}
	return b.String()
}
