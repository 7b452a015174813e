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
	Set []Setting // input values that replace the program's literals
	Of  string    // the output: a name; "" means the last assigned name
	Wrt []string  // names whose gradients are wanted; nil means every input
}

// Graph is a program built into a graph: one node per statement, plus the
// nodes of subexpressions and constants.
type Graph struct {
	Prog *lang.Program
	G    *ad.Graph

	Nodes []ad.Node // the node of each statement
	Names []string  // the display name of each statement: "c", or "c#2" for the second assignment to c

	Of  int   // the statement of the output
	Wrt []int // the statements whose gradients are wanted
	// WrtNames are the names the user gave for Wrt (or the inputs' names).
	WrtNames []string

	stmt   []int32            // by node id: the statement of a statement node, or -1
	consts map[uint64]ad.Node // the node of each number literal, by its bits
}

// Build builds the graph of p with the options applied. Errors name the
// option at fault: "--of: no node named z".
func Build(p *lang.Program, opt Options) (*Graph, error) {
	b := &Graph{
		Prog:  p,
		G:     new(ad.Graph),
		Nodes: make([]ad.Node, len(p.Stmts)),
		Names: make([]string, len(p.Stmts)),
	}
	set := map[string]float64{}
	for _, s := range opt.Set {
		if !b.isInput(s.Name) {
			if b.latest(s.Name) >= 0 {
				return nil, fmt.Errorf("--set %s: %s is not an input (it is not assigned a number)", s.Name, s.Name)
			}
			return nil, fmt.Errorf("--set %s: no input named %s", s.Name, s.Name)
		}
		set[s.Name] = s.Value
	}
	for i, s := range p.Stmts {
		b.Names[i] = s.Name
		if s.Def > 0 {
			b.Names[i] = s.Name + "#" + strconv.Itoa(s.Def+1)
		}
		var n ad.Node
		switch {
		case s.Input:
			v := literal(s.X)
			if o, ok := set[s.Name]; ok {
				v = o
			}
			n = b.G.ScalarVar(b.Names[i], v)
		default:
			n = b.expr(s.X)
			if reused(b.Nodes[:i], n) || n.IsLeaf() {
				// y = x, y = (3): the statement still gets a node of its own.
				n = ops.Identity(n)
			}
		}
		b.Nodes[i] = n
	}
	b.stmt = make([]int32, b.G.Len())
	for i := range b.stmt {
		b.stmt[i] = -1
	}
	for i, n := range b.Nodes {
		b.stmt[n.ID()] = int32(i)
	}
	b.Of = len(p.Stmts) - 1
	if opt.Of != "" {
		if b.Of = b.latest(opt.Of); b.Of < 0 {
			return nil, fmt.Errorf("--of: no node named %s", opt.Of)
		}
	}
	if opt.Wrt == nil {
		seen := map[string]bool{}
		for i := len(p.Stmts) - 1; i >= 0; i-- {
			if s := p.Stmts[i]; s.Input && !seen[s.Name] {
				seen[s.Name] = true
				b.Wrt = append(b.Wrt, i)
			}
		}
		// In program order.
		for l, r := 0, len(b.Wrt)-1; l < r; l, r = l+1, r-1 {
			b.Wrt[l], b.Wrt[r] = b.Wrt[r], b.Wrt[l]
		}
		for _, i := range b.Wrt {
			b.WrtNames = append(b.WrtNames, p.Stmts[i].Name)
		}
		return b, nil
	}
	seen := map[string]bool{}
	for _, name := range opt.Wrt {
		if seen[name] {
			continue // --wrt a,a asks once
		}
		seen[name] = true
		i := b.latest(name)
		if i < 0 {
			return nil, fmt.Errorf("--wrt: no node named %s", name)
		}
		b.Wrt = append(b.Wrt, i)
		b.WrtNames = append(b.WrtNames, name)
	}
	return b, nil
}

// latest returns the index of the last statement assigning name, or -1.
func (b *Graph) latest(name string) int {
	for i := len(b.Prog.Stmts) - 1; i >= 0; i-- {
		if b.Prog.Stmts[i].Name == name {
			return i
		}
	}
	return -1
}

func (b *Graph) isInput(name string) bool {
	for _, s := range b.Prog.Stmts {
		if s.Name == name && s.Input {
			return true
		}
	}
	return false
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
func (b *Graph) expr(x lang.Expr) ad.Node {
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
		args := make([]ad.Node, len(x.Args))
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
func (b *Graph) Output() ad.Node { return b.Nodes[b.Of] }

// OutputName returns the display name of the output.
func (b *Graph) OutputName() string { return b.Prog.Stmts[b.Of].Name }

// Gradients returns the gradient of the output with respect to each Wrt
// node, in order.
func (b *Graph) Gradients() []float64 {
	xs := b.wrtNodes()
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
// backpropagated again.
func (b *Graph) Hessian() [][]float64 {
	xs := b.wrtNodes()
	h := make([][]float64, len(xs))
	for i, d := range ad.Gradients(b.Output(), xs...) {
		t := ad.Backward(d, xs...)
		h[i] = make([]float64, len(xs))
		for j, x := range xs {
			h[i][j] = t.Scalar(x)
		}
	}
	return h
}

func (b *Graph) wrtNodes() []ad.Node {
	xs := make([]ad.Node, len(b.Wrt))
	for i, w := range b.Wrt {
		xs[i] = b.Nodes[w]
	}
	return xs
}

// Label returns a display name for any node of the graph: the statement
// name for statement nodes, the number for constants, and the engine's
// name (such as add#7) for the nodes of subexpressions.
func (b *Graph) Label(n ad.Node) string {
	if i, ok := b.Statement(n); ok {
		return b.Names[i]
	}
	if n.IsLeaf() && !n.IsVar() {
		return strconv.FormatFloat(n.Scalar(), 'g', -1, 64)
	}
	return n.String()
}

// Statement returns the statement index of a statement node.
func (b *Graph) Statement(n ad.Node) (int, bool) {
	if n.ID() >= len(b.stmt) || b.stmt[n.ID()] < 0 {
		return 0, false
	}
	return int(b.stmt[n.ID()]), true
}
