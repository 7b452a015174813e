package adtest

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// Func builds the function under test on nodes of a fresh graph, one node
// per input. The checker calls it many times, on float64 inputs, so it
// must be deterministic and build any constant it needs in its inputs'
// element type (ops.Const, or a tensor converted with AsType(xs[0].DType())).
type Func func(xs ...ad.Node) ad.Node

// Default tolerances of the checks: an analytic derivative a passes against
// a finite difference n when |a-n| ≤ AbsTol or |a-n| ≤ RelTol·|n|.
const (
	AbsTol = 1e-6
	RelTol = 1e-5
)

// Default sizes of the checks; see [Options].
const (
	DefaultMaxElements = 64
	DefaultDirections  = 8
)

// Options configure [Check]. The zero value, like a nil *Options, checks
// first derivatives with the defaults below; each zero field takes its
// default.
type Options struct {
	// Order is the order of the derivatives checked: 1 (the default)
	// compares the gradient with central differences of the function,
	// 2 compares second derivatives (Gradients of Gradients) with central
	// differences of the gradient, and so on: order k compares k-th
	// derivatives with central differences of the analytic (k-1)-th.
	Order int

	// Step is the relative step h of the central differences: an
	// element x is moved by h·max(1, |x|), and an input checked along
	// directions by h·max(1, max|x|) times the direction. The default
	// is 1e-6 at order 1 and 1e-5 above.
	Step float64

	// AbsTol and RelTol are the tolerances: a derivative passes when
	// |analytic - numeric| ≤ max(AbsTol, RelTol·|numeric|). The defaults
	// are the constants [AbsTol] and [RelTol].
	AbsTol, RelTol float64

	// MaxElements is the size threshold: an input of at most MaxElements
	// elements is checked element by element, a larger one along
	// Directions random directions. The default is DefaultMaxElements;
	// a negative value checks every input along directions.
	MaxElements int

	// Directions is the number of random directions per large input.
	// The default is DefaultDirections.
	Directions int

	// Seed seeds the random weights that reduce the output to a scalar
	// and the random directions. Zero is a seed like any other.
	Seed uint64
}

// withDefaults returns o with every zero field set to its default; a nil o
// is the zero Options. It panics on a negative Order, Step, AbsTol, RelTol
// or Directions (a negative MaxElements is a setting).
func (o *Options) withDefaults() Options {
	var c Options
	if o != nil {
		c = *o
	}
	if c.Order < 0 || c.Step < 0 || c.AbsTol < 0 || c.RelTol < 0 || c.Directions < 0 {
		panic(errors.New("adtest: Check: negative Options field"))
	}
	if c.Order == 0 {
		c.Order = 1
	}
	if c.Step == 0 {
		c.Step = 1e-5
		if c.Order == 1 {
			c.Step = 1e-6
		}
	}
	if c.AbsTol == 0 {
		c.AbsTol = AbsTol
	}
	if c.RelTol == 0 {
		c.RelTol = RelTol
	}
	if c.MaxElements == 0 {
		c.MaxElements = DefaultMaxElements
	}
	if c.Directions == 0 {
		c.Directions = DefaultDirections
	}
	return c
}

// Probe is one variable of a checked derivative: an element of an input,
// or a random direction in an input's space.
type Probe struct {
	Input     int   // the input's position in the list given to Check
	Index     []int // the element's multi-index; nil along a direction
	Direction int   // 1, 2, … for random direction u1, u2, … of the input; 0 for an element
}

// String formats p as "x1[0,2]" for an element (x1 for a scalar input) or
// "x1·u3" for a direction.
func (p Probe) String() string {
	var b strings.Builder
	b.WriteString("x")
	b.WriteString(strconv.Itoa(p.Input))
	if p.Direction > 0 {
		b.WriteString("·u")
		b.WriteString(strconv.Itoa(p.Direction))
		return b.String()
	}
	if len(p.Index) > 0 {
		b.WriteByte('[')
		for i, j := range p.Index {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(j))
		}
		b.WriteByte(']')
	}
	return b.String()
}

// Mismatch is the error [Check] returns when derivatives differ from
// finite differences: it describes the worst of them, the one that
// exceeds its tolerance by the largest factor, and counts the others.
type Mismatch struct {
	Order int // the order of the derivative

	// Wrt are the variables of the derivative ∂ᵏL/∂Wrt[0]…∂Wrt[k-1] of
	// L = Σ f(x)·w. The last one is moved by the finite difference; the
	// others select the entry of the (k-1)-th derivative that is
	// differentiated. At order 1, Wrt[0] is the element of the gradient.
	Wrt []Probe

	// Pass is the backward pass that computed Analytic: "Backward" (the
	// value path, with ad.ScalarOp's fast path) or "Gradients" (the
	// recorded path that higher derivatives use).
	Pass string

	Analytic float64 // the derivative by backpropagation
	Numeric  float64 // the derivative by central differences
	Err      float64 // |Analytic - Numeric|; +Inf where only one of them is NaN
	Tol      float64 // the tolerance there: max(AbsTol, RelTol·|Numeric|)

	Failed  int // comparisons out of tolerance, this one included
	Checked int // comparisons made: two per derivative, one per pass
}

// Error formats m on one line, for example
//
//	adtest: ∂L/∂x0[1] by Gradients = 0.928, finite difference 0.919 (error 0.00919 > tolerance 9.19e-06; 4 of 4 comparisons failed)
func (m *Mismatch) Error() string {
	var b strings.Builder
	b.WriteString("adtest: ∂")
	if m.Order > 1 {
		b.WriteString(superscript(m.Order))
	}
	b.WriteString("L/")
	for _, p := range m.Wrt {
		b.WriteString("∂")
		b.WriteString(p.String())
	}
	fmt.Fprintf(&b, " by %s = %.6g, finite difference %.6g (error %.3g > tolerance %.3g; %d of %d comparisons failed)",
		m.Pass, m.Analytic, m.Numeric, m.Err, m.Tol, m.Failed, m.Checked)
	return b.String()
}

func superscript(n int) string {
	const digits = "⁰¹²³⁴⁵⁶⁷⁸⁹"
	var b strings.Builder
	for _, r := range strconv.Itoa(n) {
		b.WriteString(string([]rune(digits)[r-'0']))
	}
	return b.String()
}

// Check compares the derivatives of f at the points xs with central
// differences in float64 and returns a *[Mismatch] describing the worst
// one out of tolerance, or nil if all agree. A nil opts means the
// defaults: first derivatives, element by element for inputs of up to
// DefaultMaxElements elements and along DefaultDirections random
// directions for larger ones. Float32 inputs are converted to float64 and
// f is checked there. See the package documentation for what is compared.
//
// Check panics on a negative Order, Step, AbsTol, RelTol or Directions in
// opts, and with whatever f panics with.
func Check(f Func, opts *Options, xs ...*tensor.Tensor) error {
	c := newChecker(f, opts.withDefaults(), xs)
	c.run()
	if c.worst == nil {
		return nil
	}
	c.worst.Failed, c.worst.Checked = c.failed, c.checked
	return c.worst
}

// Grad is Check with the default options: it compares the gradient of f
// at xs, from both ad.Backward and ad.Gradients, with central differences.
func Grad(f Func, xs ...*tensor.Tensor) error {
	return Check(f, nil, xs...)
}

// Grad2 is Check of second derivatives with otherwise default options:
// it compares gradients of gradients with central differences of the
// gradient.
func Grad2(f Func, xs ...*tensor.Tensor) error {
	return Check(f, &Options{Order: 2}, xs...)
}

// CheckGrad fails t if the gradient of f at xs differs from central
// differences (see [Grad]).
func CheckGrad(t testing.TB, f Func, xs ...*tensor.Tensor) {
	t.Helper()
	if err := Grad(f, xs...); err != nil {
		t.Error(err)
	}
}

// CheckGrad2 fails t if the second derivatives of f at xs differ from
// central differences of the gradient (see [Grad2]).
func CheckGrad2(t testing.TB, f Func, xs ...*tensor.Tensor) {
	t.Helper()
	if err := Grad2(f, xs...); err != nil {
		t.Error(err)
	}
}

// probe is a Probe with the vector u it stands for, shaped like its input
// (one-hot for an element), and the step taken along u.
type probe struct {
	Probe
	u *tensor.Tensor
	h float64
}

type checker struct {
	f      Func
	o      Options
	xs     []*tensor.Tensor // the points, in float64
	w      *tensor.Tensor   // weights that reduce f's output to L
	probes []*probe

	worst           *Mismatch
	worstRatio      float64 // worst.Err / worst.Tol
	failed, checked int
}

func newChecker(f Func, o Options, xs []*tensor.Tensor) *checker {
	c := &checker{f: f, o: o, xs: make([]*tensor.Tensor, len(xs))}
	for i, x := range xs {
		c.xs[i] = x.AsType(tensor.Float64)
	}
	var g ad.Graph
	y := f(c.vars(&g, c.xs)...)
	rng := tensor.NewRand(o.Seed)
	c.w = tensor.RandUniform(rng, tensor.Float64, 0.5, 1.5, y.Shape()...)
	for i, x := range c.xs {
		scale := 1.0
		for _, v := range x.Float64s() {
			scale = math.Max(scale, math.Abs(v))
		}
		if o.MaxElements >= 0 && x.Size() <= o.MaxElements {
			for j, v := range x.Float64s() {
				u := tensor.New(tensor.Float64, x.Shape()...)
				u.Float64s()[j] = 1
				c.probes = append(c.probes, &probe{
					Probe: Probe{Input: i, Index: unravel(j, x.Shape())},
					u:     u,
					h:     o.Step * math.Max(1, math.Abs(v)),
				})
			}
			continue
		}
		if x.Size() == 0 {
			continue
		}
		for k := range o.Directions {
			c.probes = append(c.probes, &probe{
				Probe: Probe{Input: i, Direction: k + 1},
				u:     tensor.RandUniform(rng, tensor.Float64, -1, 1, x.Shape()...),
				h:     o.Step * scale,
			})
		}
	}
	return c
}

// unravel returns the multi-index of flat index j in a row-major shape.
func unravel(j int, shape tensor.Shape) []int {
	idx := make([]int, len(shape))
	for a := len(shape) - 1; a >= 0; a-- {
		idx[a] = j % shape[a]
		j /= shape[a]
	}
	return idx
}

func (c *checker) vars(g *ad.Graph, xs []*tensor.Tensor) []ad.Node {
	nodes := make([]ad.Node, len(xs))
	for i, x := range xs {
		nodes[i] = g.Var("x"+strconv.Itoa(i), x)
	}
	return nodes
}

// phi records φ_S on g: L = Σ f(x)·w for an empty S, and for S = (s1, …,
// sm) the contraction Σ ∂φ_(s1…sm-1)/∂x · sm of the recorded gradient
// with the last selector.
func (c *checker) phi(g *ad.Graph, nodes []ad.Node, sel []*probe) ad.Node {
	l := ops.Sum(ops.Mul(c.f(nodes...), g.Const(c.w)))
	for _, s := range sel {
		d := ad.Gradients(l, nodes[s.Input])[0]
		l = ops.Sum(ops.Mul(d, g.Const(s.u)))
	}
	return l
}

// moved returns the points with input u.Input moved by sign·h·u.
func (c *checker) moved(u *probe, sign float64) []*tensor.Tensor {
	pts := slices.Clone(c.xs)
	pts[u.Input] = tensor.Add(c.xs[u.Input], tensor.Mul(u.u, tensor.Scalar(sign*u.h)))
	return pts
}

// value returns φ_sel at pts.
func (c *checker) value(pts []*tensor.Tensor, sel []*probe) float64 {
	var g ad.Graph
	return c.phi(&g, c.vars(&g, pts), sel).Scalar()
}

// gradient returns ∂φ_sel/∂x at pts by Backward, one slice per input.
func (c *checker) gradient(pts []*tensor.Tensor, sel []*probe) [][]float64 {
	var g ad.Graph
	nodes := c.vars(&g, pts)
	table := ad.Backward(c.phi(&g, nodes, sel), nodes...)
	out := make([][]float64, len(nodes))
	for i, n := range nodes {
		out[i] = table.Grad(n).Float64s()
	}
	return out
}

// rows returns ∂φ_sel/∂x at the points by Backward and by Gradients.
func (c *checker) rows(sel []*probe) (fast, rec [][]float64) {
	var g ad.Graph
	nodes := c.vars(&g, c.xs)
	l := c.phi(&g, nodes, sel)
	table := ad.Backward(l, nodes...)
	grads := ad.Gradients(l, nodes...)
	fast = make([][]float64, len(nodes))
	rec = make([][]float64, len(nodes))
	for i, n := range nodes {
		fast[i] = table.Grad(n).Float64s()
		rec[i] = grads[i].Value().Float64s()
	}
	return fast, rec
}

// dot returns the derivative along p from a gradient.
func dot(grad [][]float64, p *probe) float64 {
	s := 0.0
	for j, v := range p.u.Float64s() {
		if v != 0 {
			s += grad[p.Input][j] * v
		}
	}
	return s
}

// run makes every comparison of order c.o.Order. At order 1 the gradient
// along each probe u is compared with the central difference of L along u.
// At order k ≥ 2, for every k-2 selectors S and every pair of probes s,
// u, the gradient of φ_(S,s) along u is compared with the central
// difference along u of the gradient of φ_S along s.
func (c *checker) run() {
	if c.o.Order == 1 {
		fast, rec := c.rows(nil)
		for _, u := range c.probes {
			n := (c.value(c.moved(u, 1), nil) - c.value(c.moved(u, -1), nil)) / (2 * u.h)
			c.compare([]*probe{u}, dot(fast, u), dot(rec, u), n)
		}
		return
	}
	ps := c.probes
	if len(ps) == 0 {
		return
	}
	pick := make([]int, c.o.Order-2) // an odometer over the selectors S
	sel := make([]*probe, len(pick), c.o.Order)
	for {
		for a, k := range pick {
			sel[a] = ps[k]
		}
		// numeric[iu][is]: the central difference along u of ∂φ_S/∂s.
		numeric := make([][]float64, len(ps))
		for iu, u := range ps {
			plus, minus := c.gradient(c.moved(u, 1), sel), c.gradient(c.moved(u, -1), sel)
			numeric[iu] = make([]float64, len(ps))
			for is, s := range ps {
				numeric[iu][is] = (dot(plus, s) - dot(minus, s)) / (2 * u.h)
			}
		}
		for is, s := range ps {
			fast, rec := c.rows(append(sel, s))
			for iu, u := range ps {
				c.compare(append(sel, s, u), dot(fast, u), dot(rec, u), numeric[iu][is])
			}
		}
		a := len(pick) - 1
		for ; a >= 0; a-- {
			if pick[a]++; pick[a] < len(ps) {
				break
			}
			pick[a] = 0
		}
		if a < 0 {
			return
		}
	}
}

// compare checks the derivative along wrt from both passes against n.
func (c *checker) compare(wrt []*probe, fast, rec, n float64) {
	for k, a := range [2]float64{fast, rec} {
		c.checked++
		tol := math.Max(c.o.AbsTol, c.o.RelTol*math.Abs(n))
		var e float64
		switch {
		case a == n || math.IsNaN(a) && math.IsNaN(n):
			continue
		case math.IsNaN(a) || math.IsNaN(n):
			e = math.Inf(1)
		default:
			e = math.Abs(a - n)
		}
		if e <= tol {
			continue
		}
		c.failed++
		if r := e / tol; c.worst == nil || r > c.worstRatio {
			c.worstRatio = r
			m := &Mismatch{
				Order:    c.o.Order,
				Pass:     [2]string{"Backward", "Gradients"}[k],
				Analytic: a,
				Numeric:  n,
				Err:      e,
				Tol:      tol,
			}
			for _, p := range wrt {
				m.Wrt = append(m.Wrt, p.Probe)
			}
			c.worst = m
		}
	}
}
