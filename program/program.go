package program

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/lang"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// Setting overrides the value of an input, as --set NAME=VALUE does: a
// scalar (tensor.Scalar) or a tensor of any shape.
type Setting struct {
	Name  string
	Value *tensor.Tensor
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

	stmt       []int32                   // by node id: the statement of a statement node, or -1
	consts     map[uint64]ad.Node        // the node of each number literal, by its bits
	vars       []string                  // the variable each statement assigns
	inputs     []bool                    // whether each statement is an input
	set        map[string]*tensor.Tensor // --set values by name
	file       string                    // the file name, for errors
	last       map[string]int            // the last statement assigning each variable, made by latest
	inputNames map[string]bool           // the variables assigned a number somewhere, made by isInput
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
	err := Syntax.ParseEach(file, src, b.grow, b.add)
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
		set:    map[string]*tensor.Tensor{},
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

// add builds the node of the next statement. It returns a *lang.Error
// for a statement whose operands do not fit (shapes, arguments), and a
// *LimitError if the graph then has more nodes than the limit.
func (b *Compiled) add(s *lang.Stmt) (err error) {
	i := len(b.Nodes)
	name := s.Name
	if s.Def > 0 {
		name = s.Name + "#" + strconv.Itoa(s.Def+1)
	}
	defer func() {
		if r := recover(); r != nil {
			f, ok := r.(failure)
			if !ok {
				panic(r)
			}
			err = f.err
		}
	}()
	var n ad.Node
	switch {
	case s.Input:
		v, ok := b.set[s.Name]
		if t, lit := s.X.(*lang.Tensor); !ok && lit {
			v, ok = tensorOf(t), true
		}
		if ok {
			b.checkSize(s.NamePos, "the input "+lang.Quote(s.Name), v.Size())
			n = b.G.Var(name, v)
		} else {
			n = b.G.ScalarVar(name, literal(s.X))
		}
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

// failure is what the builder panics with to unwind from an expression
// whose operands do not fit; add recovers it.
type failure struct{ err error }

// fail reports an error at pos.
func (b *Compiled) fail(pos lang.Pos, format string, args ...any) {
	panic(failure{&lang.Error{File: b.file, Pos: pos, Msg: fmt.Sprintf(format, args...)}})
}

// tensorOf returns the value of a tensor literal.
func tensorOf(t *lang.Tensor) *tensor.Tensor {
	return tensor.FromFloat64s(slices.Clone(t.Values), t.Shape...)
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
	if s := b.Output().Shape(); s.Size() != 1 {
		what := "the output"
		if opt.Of != "" {
			what = "--of"
		}
		return fmt.Errorf("%s: %s has shape %v, and gradients are of a single number: reduce it (sum(%s), mean(%s)) or choose another with --of", what, lang.Quote(b.vars[b.Of]), s, b.vars[b.Of], b.vars[b.Of])
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

// expr builds the nodes of x and returns the node of its value. It
// panics with a failure, for add to report, where the operands do not fit.
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
	case *lang.Tensor:
		return b.G.Const(tensorOf(x))
	case *lang.Ref:
		return b.Nodes[x.Stmt]
	case *lang.Unary:
		if x.Op == '+' {
			return b.expr(x.X)
		}
		n = ops.Neg(b.expr(x.X))
	case *lang.Binary:
		l, r := b.expr(x.X), b.expr(x.Y)
		if x.Op == '@' {
			return b.matmul(x.OpPos, l, r)
		}
		what := operatorNames[x.Op]
		if err := ops.Broadcastable(what, l.Shape(), r.Shape()); err != nil {
			b.fail(x.OpPos, "%v", err)
		}
		b.checkSize(x.OpPos, "the result of the "+what, broadcastSize(l.Shape(), r.Shape()))
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
		n = b.call(x)
	}
	return n
}

// operatorNames name the element-wise operators in errors.
var operatorNames = map[byte]string{'+': "addition", '-': "subtraction", '*': "multiplication", '/': "division", '^': "power"}

// broadcastSize returns the number of elements of x and y broadcast
// together, saturating at MaxInt.
func broadcastSize(x, y tensor.Shape) int { return mulSat(broadcastShape(x, y)...) }

// broadcastShape returns the shape of x and y broadcast together, where
// they do: on each axis from the last, the size that is not 1.
func broadcastShape(x, y tensor.Shape) tensor.Shape {
	out := make(tensor.Shape, max(len(x), len(y)))
	for i := 1; i <= len(out); i++ {
		d := 1
		if i <= len(x) {
			d = x[len(x)-i]
		}
		if i <= len(y) && y[len(y)-i] != 1 {
			d = y[len(y)-i]
		}
		out[len(out)-i] = d
	}
	return out
}

// mulSat returns the product of sizes, saturating at MaxInt.
func mulSat(sizes ...int) int {
	n := 1
	for _, d := range sizes {
		switch {
		case d == 0:
			return 0
		case n > math.MaxInt/d:
			n = math.MaxInt
		default:
			n *= d
		}
	}
	return n
}

// checkSize fails if an operation would make a tensor of more elements
// than the limit.
func (b *Compiled) checkSize(pos lang.Pos, what string, n int) {
	if max := b.limits.maxElements(); n > max {
		panic(failure{&LimitError{File: b.file, Pos: pos, What: "elements in " + what, Flag: "--max-elements", Limit: max, Got: n}})
	}
}

// matmul records x @ y as NumPy reads it: matrices (and batches of them)
// multiply over their last two axes, a vector on the left is a row and
// on the right a column, and two vectors give their inner product.
func (b *Compiled) matmul(pos lang.Pos, x, y ad.Node) ad.Node {
	xs, ys := x.Shape(), y.Shape()
	if len(xs) == 0 || len(ys) == 0 {
		b.fail(pos, "matrix product of %v and %v: a scalar has no rows or columns (multiply by it with *)", xs, ys)
	}
	if len(xs) == 1 && len(ys) == 1 {
		if xs[0] != ys[0] {
			b.fail(pos, "matrix product of %v and %v: vector lengths %d and %d differ", xs, ys, xs[0], ys[0])
		}
		return ops.Sum(ops.Mul(x, y))
	}
	mx, my := xs, ys
	if len(xs) == 1 {
		mx = tensor.Shape{1, xs[0]}
	}
	if len(ys) == 1 {
		my = tensor.Shape{ys[0], 1}
	}
	k, ky := mx[len(mx)-1], my[len(my)-2]
	if k != ky {
		b.fail(pos, "matrix product of %v and %v: inner sizes %d and %d differ", xs, ys, k, ky)
	}
	bx, by := mx[:len(mx)-2], my[:len(my)-2]
	if err := ops.Broadcastable("batch", bx, by); err != nil {
		b.fail(pos, "matrix product of %v and %v: batch shapes %v and %v do not broadcast", xs, ys, bx, by)
	}
	rows, cols := mx[len(mx)-2], my[len(my)-1]
	batch := broadcastSize(bx, by)
	b.checkSize(pos, "the result of the matrix product", mulSat(batch, rows, cols))
	if len(bx) > 0 || len(by) > 0 {
		// The gradients are products over the whole broadcast batch,
		// summed back to each operand's shape afterwards.
		b.checkSize(pos, "the gradient of the matrix product's first operand, before its batch is summed", mulSat(batch, rows, k))
		b.checkSize(pos, "the gradient of the matrix product's second operand, before its batch is summed", mulSat(batch, k, cols))
	}
	if len(xs) == 1 {
		x = ops.Reshape(x, 1, xs[0])
	}
	if len(ys) == 1 {
		y = ops.Reshape(y, ys[0], 1)
	}
	z := ops.MatMul(x, y)
	switch {
	case len(xs) == 1:
		// [1 n] rows: drop the row axis.
		s := z.Shape()
		z = ops.Reshape(z, append(s[:len(s)-2:len(s)-2], s[len(s)-1])...)
	case len(ys) == 1:
		s := z.Shape()
		z = ops.Reshape(z, s[:len(s)-1]...)
	}
	return z
}

// call records a call of a built-in function from the table of ops.
func (b *Compiled) call(c *lang.Call) ad.Node {
	f := funcByName[c.Func] // the parser checked the name and the count
	var buf [2]ad.Node
	a := ops.Args{X: buf[:0]}
	nx := min(len(c.Args), f.MaxArgs)
	for i, e := range c.Args {
		if i < nx {
			a.X = append(a.X, b.expr(e))
			continue
		}
		a.Ints = append(a.Ints, b.intArg(c, e))
	}
	if f.Ints > 0 && len(a.Ints) < f.Ints {
		b.fail(c.At, "%s takes at least %d integer %s after %s", f.Name, f.Ints, plural(f.Ints, "argument"), plural(nx, "its operand"))
	}
	for _, na := range c.Named {
		a.Axis, a.HasAxis = b.intArg(c, na.X), true
	}
	if len(a.X) >= 2 {
		// Functions of several operands (pow, max, clamp, …) broadcast
		// them together, as the operators do.
		shape := a.X[0].Shape()
		for _, x := range a.X[1:] {
			shape = broadcastShape(shape, x.Shape())
		}
		args := [...]string{2: "(a, b)", 3: "(a, b, c)"}[len(a.X)]
		b.checkSize(c.At, "the result of "+f.Name+args, mulSat(shape...))
	}
	var n ad.Node
	err := catch(func() {
		var err error
		if n, err = f.Apply(a); err != nil {
			b.fail(c.At, "%v", err)
		}
	})
	if err != nil {
		b.fail(c.At, "%s: %v", f.Name, err)
	}
	return n
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// intArg returns the value of an integer argument of a call: a number
// literal, optionally signed, with an integer value.
func (b *Compiled) intArg(c *lang.Call, x lang.Expr) int {
	u, neg := x, false
	if un, ok := x.(*lang.Unary); ok {
		u, neg = un.X, un.Op == '-'
	}
	num, ok := u.(*lang.Num)
	if !ok || num.Value != math.Trunc(num.Value) || math.Abs(num.Value) > 1<<40 {
		b.fail(x.Pos(), "%s: this argument must be an integer, written as a number (such as 1 or -1)", c.Func)
	}
	if neg {
		return -int(num.Value)
	}
	return int(num.Value)
}

// catch runs f and returns the shape or type error of the tensor package
// that it panics with, if any: a safety net under the checks of expr,
// which should find every such fault first.
func catch(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(error)
			var se *tensor.ShapeError
			var de *tensor.DTypeError
			if !ok || !errors.As(e, &se) && !errors.As(e, &de) {
				panic(r)
			}
			err = e
		}
	}()
	f()
	return nil
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
// node, in order: a tensor of the node's shape each (a scalar for a
// number).
func (b *Compiled) Gradients() []*tensor.Tensor {
	xs := b.WrtNodes()
	t := ad.Backward(b.Output(), xs...)
	out := make([]*tensor.Tensor, len(xs))
	for i, x := range xs {
		out[i] = t.Grad(x)
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

// CheckSecondOrder returns an error if a Wrt node is a tensor (second
// derivatives are with respect to numbers), and a *LimitError if second
// derivatives with respect to the Wrt nodes would have more entries than
// Limits.MaxHessian,
// or their backward passes, one for each Wrt node, would visit more than
// SecondOrderWork·MaxNodes nodes in all.
func (b *Compiled) CheckSecondOrder() error {
	n := len(b.Wrt)
	if n == 0 {
		return nil
	}
	for i, w := range b.Wrt {
		if s := b.Nodes[w].Shape(); len(s) > 0 {
			return fmt.Errorf("--order 2: %s has shape %v, and second derivatives are with respect to numbers: choose them with --wrt", lang.Quote(b.WrtNames[i]), s)
		}
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
	if n.IsLeaf() && !n.IsVar() && len(n.Shape()) == 0 {
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

// Inputs returns the program's inputs, the statements that assign a
// number or a tensor literal (or a --set value), in program order, with
// their labels (see Labels).
func (b *Compiled) Inputs() (labels []string, nodes []ad.Node) {
	for i, in := range b.inputs {
		if in && b.Nodes[i].IsLeaf() {
			labels = append(labels, b.Labels[i])
			nodes = append(nodes, b.Nodes[i])
		}
	}
	return labels, nodes
}
