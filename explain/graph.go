package explain

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/seed812a03d2/backprop/ad"
)

// Diagram is the graph of a program for drawing: one box per node on the
// path to the output (constants fold into their consumers' labels), one
// arrow per input.
type Diagram struct {
	Nodes []DiagramNode
	Edges []DiagramEdge
}

// DiagramNode is a node of the diagram.
type DiagramNode struct {
	ID         string  // a stable identifier: n0, n1, …
	Name       string  // the node's name or expression
	Op         string  // its operation, or "input"
	Value      float64 // its value, for a scalar
	Grad       float64 // grad_table entry: the output's gradient with respect to it, for a scalar
	Tensor     *Tensor // its value, for a tensor
	GradTensor *Tensor
	Node       ad.Node // the engine's node
}

// DiagramEdge is an arrow from an input to its consumer, labelled with the
// local derivative.
type DiagramEdge struct {
	From, To string  // node IDs
	Local    string  // ∂To/∂From as a formula: the operation's own local derivative; "" if it states a bprop rule instead
	Value    float64 // its value at the inputs, for a scalar
}

// NewDiagram returns the diagram of the nodes up to gr.Of (in order of
// creation) with the gradients of the output; gr.Wrt is not used: every
// node gets its gradient. The local derivatives on the edges are recorded
// on the graph, as the trace records them.
func NewDiagram(gr Graph) *Diagram { return NewDiagramSize(gr, maxInFormula) }

// NewDiagramSize is NewDiagram with tensors of up to maxElements elements
// shown whole (a heat map needs them), and bigger ones by a summary.
func NewDiagramSize(gr Graph, maxElements int) *Diagram {
	y := gr.Of
	g := y.Graph()
	n0 := y.ID() + 1
	table := ad.Backward(y, allNodes(g, n0)...)
	nm := nameNodes(g, n0, gr.name, nil)
	names := &printer{n0: n0, orig: func(id int) *sym { return nm.sym(g.Node(id)) }}
	d := &Diagram{}
	ids := map[int]string{}
	for id := range n0 {
		n := g.Node(id)
		if !drawn(n) {
			continue
		}
		in := n.Inputs()
		op := "input"
		if !n.IsLeaf() {
			op = nm.op[id]
		}
		ids[id] = fmt.Sprintf("n%d", len(d.Nodes))
		dn := DiagramNode{ID: ids[id], Name: nm.ref[id], Op: op, Node: n, Value: scalarOf(n), Tensor: tensorOf(n, maxElements)}
		if grad := table.Grad(n); len(grad.Shape()) == 0 {
			dn.Grad = grad.Item()
		} else {
			dn.Grad, dn.GradTensor = math.NaN(), newTensor(grad, maxElements)
		}
		d.Nodes = append(d.Nodes, dn)
		for k, x := range in {
			if from, ok := ids[x.ID()]; ok {
				e := DiagramEdge{From: from, To: ids[id], Value: math.NaN()}
				if l, ok := n.Op().(ad.LocalOp); ok {
					local := l.Local(n, k)
					e.Local, e.Value = names.formula(local).String(), scalarOf(local)
				}
				d.Edges = append(d.Edges, e)
			}
		}
	}
	return d
}

// drawn reports whether n has a box in a diagram: constants fold into
// their consumers' labels.
func drawn(n ad.Node) bool { return !n.IsLeaf() || n.IsVar() }

// DiagramEdges returns the number of edges NewDiagram(gr) would draw,
// without making it: the inputs of the nodes up to gr.Of that have boxes.
func DiagramEdges(gr Graph) int {
	g, e := gr.Of.Graph(), 0
	for id := range gr.Of.ID() + 1 {
		n := g.Node(id)
		if !drawn(n) {
			continue
		}
		for i := range n.NumInputs() {
			if drawn(n.Input(i)) {
				e++
			}
		}
	}
	return e
}

func allNodes(g *ad.Graph, n int) []ad.Node {
	out := make([]ad.Node, n)
	for i := range out {
		out[i] = g.Node(i)
	}
	return out
}

type jsonDiagram struct {
	Nodes []jsonDiagramNode `json:"nodes"`
	Edges []jsonDiagramEdge `json:"edges"`
}

type jsonDiagramNode struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Op    string `json:"op"`
	Value any    `json:"value"`
	Grad  any    `json:"grad"`
}

type jsonDiagramEdge struct {
	From  string     `json:"from"`
	To    string     `json:"to"`
	Local string     `json:"local"`
	Value jsonNumber `json:"value"`
}

// WriteJSON writes the diagram as one JSON object, {"nodes": [...],
// "edges": [...]}: each node with id, name, op, value and grad (a number,
// or a tensor as Tensor's JSON), each edge with from, to, local and value.
func (d *Diagram) WriteJSON(w io.Writer) error {
	j := jsonDiagram{Nodes: make([]jsonDiagramNode, len(d.Nodes)), Edges: make([]jsonDiagramEdge, len(d.Edges))}
	for i, n := range d.Nodes {
		j.Nodes[i] = jsonDiagramNode{n.ID, n.Name, n.Op, jsonValue(n.Value, n.Tensor), jsonValue(n.Grad, n.GradTensor)}
	}
	for i, e := range d.Edges {
		j.Edges[i] = jsonDiagramEdge{e.From, e.To, e.Local, jsonNumber(e.Value)}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(j)
}

// Mermaid returns the diagram as a Mermaid flowchart.
func (d *Diagram) Mermaid() string {
	var b strings.Builder
	d.WriteMermaid(&b)
	return b.String()
}

// WriteMermaid writes the diagram as a Mermaid flowchart, as Mermaid
// returns it.
func (d *Diagram) WriteMermaid(w io.Writer) error {
	b := bufio.NewWriter(w)
	b.WriteString("flowchart LR\n")
	for _, n := range d.Nodes {
		label := n.Name
		if n.Op != "input" && n.Op != n.Name {
			label += " = " + n.Op
		}
		label = mermaidEscape(label)
		if n.Tensor != nil {
			label += "<br/>shape " + fmt.Sprint(n.Tensor.Shape)
		}
		fmt.Fprintf(b, "  %s[\"%s<br/>value %s<br/>grad %s\"]\n", n.ID, label, shown(n.Value, n.Tensor), shown(n.Grad, n.GradTensor))
	}
	for _, e := range d.Edges {
		fmt.Fprintf(b, "  %s -- \"%s\" --> %s\n", e.From, mermaidEscape(e.Local), e.To)
	}
	return b.Flush()
}

func mermaidEscape(s string) string {
	return strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;").Replace(s)
}

// DOT returns the diagram in Graphviz's DOT language: each node labelled
// with name, operation, value and gradient, each edge with its local
// derivative.
//
// The attributes keep dot's layout fast on big graphs. Edge labels are
// xlabels, placed after the layout: a plain label is a node of its own
// in the layout, and the layout time grows far faster than the graph with
// it (a 52-statement program whose input has 50 consumers took minutes).
// nslimit and nslimit1 bound dot's network simplex passes, where it
// spends most of its time on long edges.
func (d *Diagram) DOT() string {
	var b strings.Builder
	b.WriteString("digraph backprop {\n  rankdir=LR;\n  ranksep=0.8;\n  nslimit=1;\n  nslimit1=1;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n")
	for _, n := range d.Nodes {
		label := n.Name
		if n.Op != "input" && n.Op != n.Name {
			label += " = " + n.Op
		} else if n.Op == "input" {
			label += " (input)"
		}
		if n.Tensor != nil {
			label += "\nshape = " + fmt.Sprint(n.Tensor.Shape)
		}
		fmt.Fprintf(&b, "  %s [label=%s];\n", n.ID, dotQuote(fmt.Sprintf("%s\nvalue = %s\ngrad = %s", label, shown(n.Value, n.Tensor), shown(n.Grad, n.GradTensor))))
	}
	for _, e := range d.Edges {
		fmt.Fprintf(&b, "  %s -> %s [xlabel=%s];\n", e.From, e.To, dotQuote(e.Local))
	}
	b.WriteString("}\n")
	return b.String()
}

// LayoutSize estimates the work of laying the diagram out with Graphviz's
// dot: the number of nodes plus the virtual nodes dot puts on long edges,
// one for each rank an edge passes between its ends. dot chooses the ranks
// that make the edges shortest; LayoutSize takes the better of two
// rankings: each node as early as its inputs allow (and each input just
// before its nearest consumer), or each as late as its consumers allow. A
// chain has about as many virtual nodes as statements; an input used by
// each of n statements in a chain has about n²/2 of them.
func (d *Diagram) LayoutSize() int {
	if len(d.Nodes) == 0 {
		return 0
	}
	index := make(map[string]int, len(d.Nodes))
	for i, n := range d.Nodes {
		index[n.ID] = i
	}
	from := make([]int, len(d.Edges))
	to := make([]int, len(d.Edges))
	for i, e := range d.Edges {
		from[i], to[i] = index[e.From], index[e.To]
	}
	// Edges come in the order of their consumers, and nodes in order of
	// creation, so one pass forwards gives the longest paths from the
	// inputs, and one backwards those to the outputs.
	early := make([]int, len(d.Nodes))
	hasInput := make([]bool, len(d.Nodes))
	last := 0
	for i := range d.Edges {
		early[to[i]] = max(early[to[i]], early[from[i]]+1)
		hasInput[to[i]] = true
		last = max(last, early[to[i]])
	}
	nearest := make([]int, len(d.Nodes))
	for i := range nearest {
		nearest[i] = -1
	}
	for i := range d.Edges {
		if f := from[i]; !hasInput[f] && (nearest[f] < 0 || early[to[i]] < nearest[f]) {
			nearest[f] = early[to[i]]
		}
	}
	for i, r := range nearest {
		if r > 0 {
			early[i] = r - 1
		}
	}
	late := make([]int, len(d.Nodes))
	for i := range late {
		late[i] = last
	}
	for i := len(d.Edges) - 1; i >= 0; i-- {
		late[from[i]] = min(late[from[i]], late[to[i]]-1)
	}
	virtual := func(rank []int) int {
		n := 0
		for i := range d.Edges {
			if span := rank[to[i]] - rank[from[i]]; span > 1 {
				n += span - 1
			}
		}
		return n
	}
	return len(d.Nodes) + min(virtual(early), virtual(late))
}

func dotQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}
