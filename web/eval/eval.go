package eval

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/explain"
	"github.com/seed812a03d2/backprop/lang"
	"github.com/seed812a03d2/backprop/program"
	"github.com/seed812a03d2/backprop/tensor"
)

// Request is what the page asks the engine: a graph program with the
// choices of the command's flags. It is the page's state too, with Step,
// which the engine ignores, so that a link holds the whole view.
type Request struct {
	Program string             `json:"program"`
	Of      string             `json:"of,omitempty"`    // --of: "" means the last assignment
	Wrt     []string           `json:"wrt,omitempty"`   // --wrt: nil means every input
	Set     map[string]float64 `json:"set,omitempty"`   // --set: input values that replace the program's
	Order   int                `json:"order,omitempty"` // 1, or 2 for the second passes too; 0 means 1
	Step    int                `json:"step,omitempty"`  // the page's current step
	// Check, if not empty, asks for the check of one node's gradient
	// (Response.Check): the node's name as the tables show it.
	Check string  `json:"check,omitempty"`
	Eps   float64 `json:"eps,omitempty"` // the nudge of the check; 0 means DefaultEps
}

// DefaultEps is the nudge of a gradient check.
const DefaultEps = 1e-4

// Response is the engine's answer: the explanation of the backward pass
// as explain's JSON with the steps (explain.Options.Steps), the second
// passes for Order 2, the diagram with every node's value and gradient,
// and the program's scalar inputs; or an error at a position.
type Response struct {
	Error       *Error            `json:"error,omitempty"`
	Explanation json.RawMessage   `json:"explanation,omitempty"`
	Second      []json.RawMessage `json:"second,omitempty"`
	Diagram     json.RawMessage   `json:"diagram,omitempty"`
	Inputs      []Input           `json:"inputs,omitempty"`
	Check       *Check            `json:"check,omitempty"`
}

// AppendJSON appends the response as JSON to b, as json.Marshal writes
// it but with the explanations and the diagram as explain wrote them,
// without the second pass over them that json.Marshal makes.
func (r *Response) AppendJSON(b []byte) []byte {
	start := len(b)
	b = append(b, '{')
	sep := func(key string) {
		if len(b) > start+1 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, key...)
		b = append(b, '"', ':')
	}
	marshal := func(key string, v any) {
		sep(key)
		j, err := json.Marshal(v)
		if err != nil {
			j, _ = json.Marshal(err.Error())
		}
		b = append(b, j...)
	}
	if r.Error != nil {
		marshal("error", r.Error)
	}
	if r.Explanation != nil {
		sep("explanation")
		b = append(b, bytes.TrimSpace(r.Explanation)...)
	}
	if r.Second != nil {
		sep("second")
		b = append(b, '[')
		for i, s := range r.Second {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, bytes.TrimSpace(s)...)
		}
		b = append(b, ']')
	}
	if r.Diagram != nil {
		sep("diagram")
		b = append(b, bytes.TrimSpace(r.Diagram)...)
	}
	if r.Inputs != nil {
		marshal("inputs", r.Inputs)
	}
	if r.Check != nil {
		marshal("check", r.Check)
	}
	return append(b, '}')
}

// Error is an error in a request: Line and Col are where in the program
// it is, or 0 when it is not at a position (a wrong --of, say).
type Error struct {
	Message string `json:"message"`
	Line    int    `json:"line,omitempty"`
	Col     int    `json:"col,omitempty"`
}

// Input is one of the program's scalar inputs, which the page lets a user
// change.
type Input struct {
	Name  string `json:"name"`
	Value Number `json:"value"`
}

// Number is a float64 that JSON writes as a number, or as the string
// "NaN", "+Inf" or "-Inf", as explain's JSON does.
type Number float64

// MarshalJSON writes n as Number's documentation says.
func (n Number) MarshalJSON() ([]byte, error) {
	f := float64(n)
	switch {
	case math.IsNaN(f):
		return []byte(`"NaN"`), nil
	case math.IsInf(f, 1):
		return []byte(`"+Inf"`), nil
	case math.IsInf(f, -1):
		return []byte(`"-Inf"`), nil
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

// Check compares the output's change, when node Node is nudged by Eps
// (every element of a tensor), with what its gradient predicts: Predicted
// is G·Eps (the sum of G's elements times Eps for a tensor), Actual is
// y(Node + Eps) − y(Node), the forward pass run again with the node's
// value nudged. Both are the engine's; nothing is derived again.
type Check struct {
	Node      string `json:"node"`
	Eps       Number `json:"eps"`
	Grad      Number `json:"grad"`
	Predicted Number `json:"predicted"`
	Actual    Number `json:"actual"`
}

// Limits bound what one request may cost. A zero field means the default.
type Limits struct {
	MaxBytes    int // bytes of program text; default DefaultMaxBytes
	MaxNodes    int // nodes of the graph; default DefaultMaxNodes
	MaxElements int // elements of one tensor; default DefaultMaxElements
	// MaxDiagram is the number of nodes up to which the diagram is made;
	// a bigger graph gets its tables only. Default DefaultMaxDiagram.
	MaxDiagram int
}

// The default limits of a request: enough for the programs a learner
// types, small enough that the page answers within a second.
const (
	DefaultMaxBytes    = 256 << 10
	DefaultMaxNodes    = 20_000
	DefaultMaxElements = 1 << 16
	DefaultMaxDiagram  = 2_000
	heatMapElements    = 4096 // the tensors shown whole, as heat maps
)

func (l Limits) or(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

// Evaluate runs the engine on a request and returns its answer. Errors
// are in the Response, never panics: a program that would pass a limit is
// refused before the work it would cost.
func Evaluate(req Request, lim Limits) (resp Response) {
	defer func() {
		if r := recover(); r != nil {
			resp = Response{Error: &Error{Message: fmt.Sprint("backprop: internal error: ", r)}}
		}
	}()
	opt := program.Options{
		Of:  strings.TrimSpace(req.Of),
		Wrt: req.Wrt,
		Limits: program.Limits{
			MaxBytes:    lim.or(lim.MaxBytes, DefaultMaxBytes),
			MaxNodes:    lim.or(lim.MaxNodes, DefaultMaxNodes),
			MaxElements: lim.or(lim.MaxElements, DefaultMaxElements),
		},
	}
	for name, v := range req.Set {
		opt.Set = append(opt.Set, program.Setting{Name: name, Value: tensor.Scalar(v)})
	}
	pg, err := program.Parse("", []byte(req.Program), opt)
	if err != nil {
		return Response{Error: errorOf(err)}
	}
	gr := explain.Graph{Of: pg.Output(), Wrt: pg.WrtNodes(), Name: pg.Name, OfName: pg.OutputName(), WrtNames: pg.WrtNames}
	eopt := explain.Options{Steps: true}
	e := explain.Backward(gr, eopt)
	var b bytes.Buffer
	if err := e.WriteJSON(&b); err != nil {
		return Response{Error: errorOf(err)}
	}
	resp.Explanation = bytes.Clone(b.Bytes())
	for _, f := range e.Forward {
		if f.Op == "input" && f.Tensor == nil && !strings.Contains(f.Name, "#") {
			resp.Inputs = append(resp.Inputs, Input{f.Name, Number(f.Value)})
		}
	}
	if req.Order == 2 {
		if err := pg.CheckSecondOrder(); err != nil {
			return Response{Error: errorOf(err)}
		}
		err := explain.SecondOrderPasses(gr, eopt, func(p *explain.Pass) error {
			b.Reset()
			if err := p.WriteJSON(&b); err != nil {
				return err
			}
			resp.Second = append(resp.Second, bytes.Clone(b.Bytes()))
			return nil
		})
		if err != nil {
			return Response{Error: errorOf(err)}
		}
	}
	if pg.Output().ID() < lim.or(lim.MaxDiagram, DefaultMaxDiagram) {
		d := explain.NewDiagramSize(gr, heatMapElements)
		b.Reset()
		if err := d.WriteJSON(&b); err != nil {
			return Response{Error: errorOf(err)}
		}
		resp.Diagram = bytes.Clone(b.Bytes())
		if req.Check != "" {
			c, err := check(d, pg.Output(), req.Check, req.Eps)
			if err != nil {
				return Response{Error: errorOf(err)}
			}
			resp.Check = c
		}
	} else if req.Check != "" {
		return Response{Error: &Error{Message: fmt.Sprintf("check: the graph has %d nodes, more than the %d the page draws and checks", pg.Output().ID()+1, lim.or(lim.MaxDiagram, DefaultMaxDiagram))}}
	}
	return resp
}

// errorOf turns an error into the Response's form, with its position
// where it has one.
func errorOf(err error) *Error {
	var le *lang.Error
	if errors.As(err, &le) {
		return &Error{Message: le.Msg, Line: int(le.Pos.Line), Col: int(le.Pos.Col)}
	}
	var lim *program.LimitError
	if errors.As(err, &lim) {
		e := &Error{Message: lim.Error(), Line: int(lim.Pos.Line), Col: int(lim.Pos.Col)}
		if e.Line > 0 {
			e.Message = strings.TrimPrefix(e.Message, lim.Pos.String()+": ")
		}
		return e
	}
	return &Error{Message: err.Error()}
}

// check nudges the node named name by eps and runs the forward pass again
// from it, comparing the output's change with its gradient times eps.
func check(d *explain.Diagram, y ad.Node, name string, eps float64) (*Check, error) {
	if eps == 0 {
		eps = DefaultEps
	}
	if math.IsNaN(eps) || math.IsInf(eps, 0) {
		return nil, fmt.Errorf("check: the nudge must be a finite number, not %v", eps)
	}
	var v ad.Node
	var grad float64
	for _, n := range d.Nodes {
		if n.Name == name {
			v, grad = n.Node, n.Grad
			if n.GradTensor != nil {
				grad = sum(ad.Backward(y, v).Grad(v))
			}
		}
	}
	if !v.Valid() {
		return nil, fmt.Errorf("check: no node named %s in the graph", lang.Quote(name))
	}
	nudged := replay(y, v, func(t *tensor.Tensor) *tensor.Tensor {
		return tensor.Add(t, tensor.Scalar(eps).AsType(t.DType()))
	})
	return &Check{Node: name, Eps: Number(eps), Grad: Number(grad), Predicted: Number(grad * eps), Actual: Number(sum(nudged) - sum(y.Value()))}, nil
}

// replay runs the forward pass of y again, on a graph of its own, with
// node v's value changed by f: each node after v is its operation applied
// again to its inputs' new values.
func replay(y, v ad.Node, f func(*tensor.Tensor) *tensor.Tensor) *tensor.Tensor {
	g, h := y.Graph(), new(ad.Graph)
	nodes := make([]ad.Node, y.ID()+1)
	for id := range nodes {
		n := g.Node(id)
		switch {
		case id == v.ID():
			nodes[id] = h.Const(f(n.Value()))
		case n.IsLeaf():
			nodes[id] = h.Const(n.Value())
		default:
			in := make([]ad.Node, n.NumInputs())
			for i := range in {
				in[i] = nodes[n.Input(i).ID()]
			}
			nodes[id] = ad.Apply(n.Op(), in...)
		}
	}
	return nodes[y.ID()].Value()
}

func sum(t *tensor.Tensor) float64 {
	s := 0.0
	for _, x := range t.Data() {
		s += x
	}
	return s
}
