package ad

import (
	"fmt"
	"math"
	"runtime"
	"strings"

	"github.com/seed812a03d2/backprop/tensor"
)

// DetectAnomalies turns anomaly mode on or off for g. In anomaly mode
// every operation records where it was created, and the first NaN or ±Inf
// that an operation produces from finite inputs, in the forward pass or
// in a bprop rule of the backward pass, panics with an *AnomalyError that
// names the operation, summarises its inputs and gives the file:line of
// the code that created the node. Values that are already NaN or ±Inf
// pass on silently: the error points at their origin.
//
// Anomaly mode costs a stack walk per operation and a scan of every
// value; leave it off outside debugging. It affects g only.
func (g *Graph) DetectAnomalies(on bool) {
	if g == nil {
		nilGraph("DetectAnomalies")
	}
	switch {
	case on && g.anomaly == nil:
		g.anomaly = &anomalyState{sites: map[int32]uintptr{}}
	case !on:
		g.anomaly = nil
	}
}

type anomalyState struct {
	sites    map[int32]uintptr // creation site by node id
	backward int               // > 0 during a backward pass
}

// AnomalyError reports the first NaN or ±Inf produced in anomaly mode (see
// Graph.DetectAnomalies).
type AnomalyError struct {
	Pass   string   // "forward" or "backward"
	Op     string   // the operation, and in the backward pass which input's bprop
	Value  string   // what it produced: "NaN", "+Inf" or "-Inf"
	Inputs []string // summaries of the operation's inputs (and the upstream gradient in the backward pass)
	Site   string   // file:line where the node was created, if known
}

// Error formats e as "ad: anomaly: log produced -Inf in the forward pass
// at main.go:12; inputs: x = 0".
func (e *AnomalyError) Error() string {
	site := ""
	if e.Site != "" {
		site = " at " + e.Site
	}
	return fmt.Sprintf("ad: anomaly: %s produced %s in the %s pass%s; inputs: %s", e.Op, e.Value, e.Pass, site, strings.Join(e.Inputs, ", "))
}

// noteSite records where node id was created: the first caller outside
// backprop's own packages.
func (a *anomalyState) noteSite(id int32) {
	var pcs [16]uintptr
	n := runtime.Callers(3, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if !internalFrame(f.Function) {
			a.sites[id] = f.PC
			return
		}
		if !more {
			return
		}
	}
}

const modulePrefix = "github.com/seed812a03d2/backprop/"

func internalFrame(fn string) bool {
	for _, p := range []string{"ad.", "ops.", "functional."} {
		if strings.HasPrefix(fn, modulePrefix+p) {
			return true
		}
	}
	return false
}

func (a *anomalyState) site(id int32) string {
	pc, ok := a.sites[id]
	if !ok {
		return ""
	}
	f, _ := runtime.CallersFrames([]uintptr{pc}).Next()
	file := f.File
	if i := strings.LastIndexByte(file, '/'); i >= 0 {
		file = file[i+1:]
	}
	return fmt.Sprintf("%s:%d", file, f.Line)
}

// checkForward is called for every new node n in anomaly mode.
func (g *Graph) checkForward(n Node) {
	a := g.anomaly
	a.noteSite(n.id)
	r := n.rec()
	if a.backward > 0 || r.nin == 0 {
		return // the backward pass checks contributions itself
	}
	bad := nonFinite(n.Value())
	if bad == "" {
		return
	}
	in := n.Inputs()
	for _, x := range in {
		if nonFinite(x.Value()) != "" {
			return // passed on, not produced here
		}
	}
	panic(&AnomalyError{Pass: "forward", Op: n.Op().String(), Value: bad, Inputs: summaries(in), Site: a.site(n.id)})
}

// checkContribution is called in anomaly mode for the contribution v of
// consumer c to its input i, given the upstream gradient gc.
func (g *Graph) checkBackward(c Node, i int, upstream, v *tensor.Tensor) {
	bad := nonFinite(v)
	if bad == "" || nonFinite(upstream) != "" {
		return
	}
	in := c.Inputs()
	for _, x := range in {
		if nonFinite(x.Value()) != "" {
			return
		}
	}
	panic(&AnomalyError{
		Pass:   "backward",
		Op:     fmt.Sprintf("the bprop of %s for input %d", c.Op(), i),
		Value:  bad,
		Inputs: append(summaries(in), "upstream gradient "+summary(upstream)),
		Site:   g.anomaly.site(c.id),
	})
}

// nonFinite returns "NaN", "+Inf" or "-Inf" for the first such element of
// x, or "".
func nonFinite(x *tensor.Tensor) string {
	for _, v := range x.Data() {
		switch {
		case math.IsNaN(v):
			return "NaN"
		case math.IsInf(v, 1):
			return "+Inf"
		case math.IsInf(v, -1):
			return "-Inf"
		}
	}
	return ""
}

func summaries(xs []Node) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = x.String() + " = " + summary(x.Value())
	}
	return out
}

// summary describes a value: the number for a single element, otherwise
// its shape and range.
func summary(x *tensor.Tensor) string {
	d := x.Data()
	if len(d) == 1 {
		return fmt.Sprint(d[0])
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range d {
		lo, hi = min(lo, v), max(hi, v)
	}
	return fmt.Sprintf("%v %v in [%v, %v]", x.Shape(), x.DType(), lo, hi)
}
