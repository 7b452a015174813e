package program

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/lang"
	"github.com/seed812a03d2/backprop/ops"
)

// Setting overrides the value of an input, as --set NAME=VALUE does.
type Setting struct {
	Name  string
	Value float64
}

// Options choose the output and the nodes to differentiate with respect
// to, and override inputs.
type Options struct {
	Set    []Setting // input values that replace the program's literals
	Of     string    // the output: a name; "" means the last assigned name
	Wrt    []string  // names whose gradients are wanted; nil means every input
	Limits Limits    // bounds on the program's size and cost; zero means the defaults
}

// Compiled is a program built into a graph: one node per statement, plus the
// nodes of subexpressions and constants.
type Compiled struct {
	Prog *lang.Program // the parsed program; nil when built by Parse
	G    *ad.Graph

	Nodes  []ad.Node // the node of each statement
	Labels []string  // the display name of each statement: "c", or "c#2" for the second assignment to c

	Of  int   // the statement of the output
	Wrt []int // the statements whose gradients are wanted
	// WrtNames are the names the user gave for Wrt (or the inputs' names).
	WrtNames []string

	stmt       []int32            // by node id: the statement of a statement node, or -1
	consts     map[uint64]ad.Node // the node of each number literal, by its bits
	vars       []string           // the variable each statement assigns
	inputs     []bool             // whether each statement is an input
	set        map[string]float64 // --set values by name
	file       string             // the file name, for errors
	last       map[string]int     // the last statement assigning each variable, made by latest
	inputNames map[string]bool    // the variables assigned a number somewhere, made by isInput
	limits     Limits
}

// Build builds the graph of p with the options applied. Errors name the
// option at fault: "--of: no node named z".
func Build(p *lang.Program, opt Options) (*Compiled, error) {
	b := newGraph(opt, len(p.Stmts))
	for _, s := range p.Stmts {
		if err := b.add(s); err != nil {
			return nil, err
		}
	}
	if err := b.finish(opt); err != nil {
		return nil, err
	}
	b.Prog = p
	return b, nil
}

// Parse parses a program and builds its graph in one pass, without
// keeping the syntax tree (Compiled.Prog is nil): the memory of a long
// program is its graph's. Parse errors are *lang.Error values; option
// errors are as Build's.
func Parse(file string, src []byte, opt Options) (*Compiled, error) {
	if max := opt.Limits.maxBytes(); len(src) > max {
		return nil, &LimitError{File: file, What: "bytes of program text", Flag: "--max-input", Limit: max, Got: len(src)}
	}
	b := newGraph(opt, 0)
	b.file = file
	err := lang.ParseEach(file, src, b.grow, b.add)
	if err != nil {
		return nil, err
	}
	if err := b.finish(opt); err != nil {
		return nil, err
	}
	return b, nil
}

func newGraph(opt Options, n int) *Compiled {
	b := &Compiled{
		G:      new(ad.Graph),
		Nodes:  make([]ad.Node, 0, n),
		Labels: make([]string, 0, n),
		vars:   make([]string, 0, n),
		inputs: make([]bool, 0, n),
		set:    map[string]float64{},
		limits: opt.Limits,
	}
	for _, s := range opt.Set {
		b.set[s.Name] = s.Value // checked by finish
	}
	return b
}

// grow makes room for n statements.
func (b *Compiled) grow(n int) {
	b.Nodes = slices.Grow(b.Nodes, n)
	b.Labels = slices.Grow(b.Labels, n)
	b.vars = slices.Grow(b.vars, n)
	b.inputs = slices.Grow(b.inputs, n)
}

// add builds the node of the next statement. It returns a *LimitError if
// the graph then has more nodes than the limit.
func (b *Compiled) add(s *lang.Stmt) error {
	i := len(b.Nodes)
	name := s.Name
	if s.Def > 0 {
		name = s.Name + "#" + strconv.Itoa(s.Def+1)
	}
	var n ad.Node
	switch {
	case s.Input:
		v := literal(s.X)
		if o, ok := b.set[s.Name]; ok {
			v = o
		}
		n = b.G.ScalarVar(name, v)
	default:
		n = b.expr(s.X)
		if reused(b.Nodes[:i], n) || n.IsLeaf() {
			// y = x, y = (3): the statement still gets a node of its own.
			n = ops.Identity(n)
		}
	}
	b.Nodes = append(b.Nodes, n)
	b.Labels = append(b.Labels, name)
	b.vars = append(b.vars, s.Name)
	b.inputs = append(b.inputs, s.Input)
	if max := b.limits.maxNodes(); b.G.Len() > max {
		return &LimitError{File: b.file, Pos: s.NamePos, What: "nodes", Flag: "--max-nodes", Limit: max}
	}
	return nil
}

// finish checks the options against the whole program and resolves --of
// and --wrt.
func (b *Compiled) finish(opt Options) error {
	for _, s := range opt.Set {
		if !b.isInput(s.Name) {
			if b.latest(s.Name) >= 0 {
				return fmt.Errorf("--set %s: %s is not an input (it is not assigned a number)", lang.Quote(s.Name), lang.Quote(s.Name))
			}
			return fmt.Errorf("--set %s: no input named %s", lang.Quote(s.Name), lang.Quote(s.Name))
		}
	}
	b.stmt = make([]int32, b.G.Len())
	for i := range b.stmt {
		b.stmt[i] = -1
	}
	for i, n := range b.Nodes {
		b.stmt[n.ID()] = int32(i)
	}
	b.Of = len(b.Nodes) - 1
	if opt.Of != "" {
		if b.Of = b.latest(opt.Of); b.Of < 0 {
			return fmt.Errorf("--of: no node named %s", lang.Quote(opt.Of))
		}
	}
	if opt.Wrt == nil {
		seen := map[string]bool{}
		for i := len(b.vars) - 1; i >= 0; i-- {
			if b.inputs[i] && !seen[b.vars[i]] {
				seen[b.vars[i]] = true
				b.Wrt = append(b.Wrt, i)
			}
		}
		// In program order.
		slices.Reverse(b.Wrt)
		for _, i := range b.Wrt {
			b.WrtNames = append(b.WrtNames, b.vars[i])
		}
		return nil
	}
	seen := map[string]bool{}
	for _, name := range opt.Wrt {
		if seen[name] {
			continue // --wrt a,a asks once
		}
		seen[name] = true
		i := b.latest(name)
		if i < 0 {
			return fmt.Errorf("--wrt: no node named %s", lang.Quote(name))
		}
		b.Wrt = append(b.Wrt, i)
		b.WrtNames = append(b.WrtNames, name)
	}
	return nil
}

// latest returns the index of the last statement assigning name, or -1.
func (b *Compiled) latest(name string) int {
	if b.last == nil {
		// One pass over the statements, so that many names (--wrt with
		// thousands) cost linear time, not a search each.
		b.last = make(map[string]int, len(b.vars))
		for i, v := range b.vars {
			b.last[v] = i
		}
	}
	if i, ok := b.last[name]; ok {
		return i
	}
	return -1
}

func (b *Compiled) isInput(name string) bool {
	if b.inputNames == nil {
		b.inputNames = map[string]bool{}
		for i, n := range b.vars {
			if b.inputs[i] {
				b.inputNames[n] = true
			}
		}
	}
	return b.inputNames[name]
}

// literal returns the value of a signed or unsigned number literal.
func literal(x lang.Expr) float64 {
	if u, ok := x.(*lang.Unary); ok {
		v := literal(u.X)
		if u.Op == '-' {
			return -v
		}
		return v
	}
	return x.(*lang.Num).Value
}

// expr builds the nodes of x and returns the node of its value.
func (b *Compiled) expr(x lang.Expr) ad.Node {
	var n ad.Node
	switch x := x.(type) {
	case *lang.Num:
		// One node per distinct number: a program that writes 0.9 in every
		// statement records it once.
		k := math.Float64bits(x.Value)
		if c, ok := b.consts[k]; ok {
			return c
		}
		c := b.G.ScalarConst(x.Value)
		if b.consts == nil {
			b.consts = map[uint64]ad.Node{}
		}
		b.consts[k] = c
		return c
	case *lang.Ref:
		return b.Nodes[x.Stmt]
	case *lang.Unary:
		if x.Op == '+' {
			return b.expr(x.X)
		}
		n = ops.Neg(b.expr(x.X))
	case *lang.Binary:
		l, r := b.expr(x.X), b.expr(x.Y)
		switch x.Op {
		case '+':
			n = ops.Add(l, r)
		case '-':
			n = ops.Sub(l, r)
		case '*':
			n = ops.Mul(l, r)
		case '/':
			n = ops.Div(l, r)
		default:
			n = ops.Pow(l, r)
		}
	case *lang.Call:
		var buf [2]ad.Node // the built-in functions take one or two arguments
		args := buf[:0]
		if len(x.Args) > len(buf) {
			args = make([]ad.Node, 0, len(x.Args))
		}
		args = args[:len(x.Args)]
		for i, a := range x.Args {
			args[i] = b.expr(a)
		}
		n = call(x.Func, args)
	}
	return n
}

// reused reports whether n is the node of an earlier statement: only a
// bare reference (y = x, y = +x) evaluates to one.
func reused(earlier []ad.Node, n ad.Node) bool {
	if len(earlier) == 0 {
		return false
	}
	// Statement nodes are created in order, so an earlier statement's node
	// has an id no greater than the last one's.
	return n.ID() <= earlier[len(earlier)-1].ID() && slices.Contains(earlier, n)
}

// call applies the built-in function name (checked by the parser).
func call(name string, a []ad.Node) ad.Node {
	switch name {
	case "abs":
		return ops.Abs(a[0])
	case "cos":
		return ops.Cos(a[0])
	case "exp":
		return ops.Exp(a[0])
	case "log":
		return ops.Log(a[0])
	case "max":
		return ops.Maximum(a[0], a[1])
	case "min":
		return ops.Minimum(a[0], a[1])
	case "pow":
		return ops.Pow(a[0], a[1])
	case "relu":
		return ops.ReLU(a[0])
	case "sigmoid":
		return ops.Sigmoid(a[0])
	case "sin":
		return ops.Sin(a[0])
	case "sqrt":
		return ops.Sqrt(a[0])
	case "square":
		return ops.Square(a[0])
	case "tan":
		return ops.Tan(a[0])
	case "tanh":
		return ops.Tanh(a[0])
	}
	panic("program: function " + name + " has no operation")
}

// Output returns the output node.
func (b *Compiled) Output() ad.Node { return b.Nodes[b.Of] }

// File returns the file name the program was read from, or "".
func (b *Compiled) File() string { return b.file }

// MaxNodes returns the node limit the program was built under (see
// Limits.MaxNodes), with the default in place of zero.
func (b *Compiled) MaxNodes() int { return b.limits.maxNodes() }

// OutputName returns the display name of the output.
func (b *Compiled) OutputName() string { return b.vars[b.Of] }

// Gradients returns the gradient of the output with respect to each Wrt
// node, in order.
func (b *Compiled) Gradients() []float64 {
	xs := b.WrtNodes()
	t := ad.Backward(b.Output(), xs...)
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = t.Scalar(x)
	}
	return out
}

// Hessian returns the second derivatives of the output with respect to
// the Wrt nodes: h[i][j] = ∂²y/∂x_i∂x_j. The first derivatives are
// recorded as nodes of the graph (ad.Gradients), and each is
// backpropagated again. It returns a *LimitError, before computing
// anything, if the Hessian has more entries than Limits.MaxHessian.
func (b *Compiled) Hessian() ([][]float64, error) {
	if err := b.CheckSecondOrder(); err != nil {
		return nil, err
	}
	xs := b.WrtNodes()
	h := make([][]float64, len(xs))
	for i, d := range ad.Gradients(b.Output(), xs...) {
		t := ad.Backward(d, xs...)
		h[i] = make([]float64, len(xs))
		for j, x := range xs {
			h[i][j] = t.Scalar(x)
		}
	}
	return h, nil
}

// CheckSecondOrder returns a *LimitError if second derivatives with
// respect to the Wrt nodes would have more entries than Limits.MaxHessian,
// or their backward passes, one for each Wrt node, would visit more than
// SecondOrderWork·MaxNodes nodes in all.
func (b *Compiled) CheckSecondOrder() error {
	n := len(b.Wrt)
	if n == 0 {
		return nil
	}
	if max := b.limits.maxHessian(); n > max/n {
		return &LimitError{File: b.file, What: fmt.Sprintf("Hessian entries (%d --wrt nodes squared)", n), Flag: "--max-hessian", Limit: max, Got: n * n}
	}
	// The recorded first backward pass makes about twice the graph's
	// nodes again, and each of the n passes visits them.
	visits, max := n*3*b.G.Len(), b.limits.maxNodes()
	if max <= int(^uint(0)>>1)/SecondOrderWork {
		max *= SecondOrderWork
	}
	if visits/n != 3*b.G.Len() || visits > max {
		return &LimitError{File: b.file, What: fmt.Sprintf("node visits (%d backward passes, one per --wrt node, over about %d nodes)", n, 3*b.G.Len()), Flag: "--max-nodes", Limit: max, Got: visits}
	}
	return nil
}

// Label returns a display name for any node of the graph: the statement
// name for statement nodes, the number for constants, and the engine's
// name (such as add#7) for the nodes of subexpressions.
func (b *Compiled) Label(n ad.Node) string {
	if i, ok := b.Statement(n); ok {
		return b.Labels[i]
	}
	if n.IsLeaf() && !n.IsVar() {
		return strconv.FormatFloat(n.Scalar(), 'g', -1, 64)
	}
	return n.String()
}

// Statement returns the statement index of a statement node.
func (b *Compiled) Statement(n ad.Node) (int, bool) {
	if n.ID() >= len(b.stmt) || b.stmt[n.ID()] < 0 {
		return 0, false
	}
	return int(b.stmt[n.ID()]), true
}

// Name returns the name of a statement's node, as the tables show it
// ("c", or "c#2" for the second assignment to c), and "" for any other
// node: the names explain.Graph.Name asks for.
func (b *Compiled) Name(n ad.Node) string {
	if i, ok := b.Statement(n); ok {
		return b.Labels[i]
	}
	return ""
}

// WrtNodes returns the nodes whose gradients are wanted, in the order of
// WrtNames.
func (b *Compiled) WrtNodes() []ad.Node {
	out := make([]ad.Node, len(b.Wrt))
	for i, w := range b.Wrt {
		out[i] = b.Nodes[w]
	}
	return out
}
