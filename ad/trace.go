package ad

// Step is one step of the backward pass, as Trace hands it over: consumer
// C's bprop for its input Input, which is node V, applied to C's entry of
// the gradient table, and added to V's entry.
type Step struct {
	V, C     Node
	Input    int  // the position of V among C's inputs
	Upstream Node // the upstream gradient: grad_table[C], complete when the step is taken
	// Local is the local derivative ∂C/∂V, where C's operation states one
	// (a LocalOp, as the element-wise operations are), and the zero Node
	// otherwise: then the contribution is the bprop rule itself (g·xᵀ for
	// a product, say).
	Local        Node
	Contribution Node // what C's bprop adds to V's entry
	Total        Node // V's entry after the addition: the running sum over V's consumers so far
}

// LocalOp is an Op whose bprop is the upstream gradient times a local
// derivative (summed back to the input's shape where it was broadcast),
// as for the element-wise operations. Local returns ∂c/∂(input i) for
// consumer c as a node, broadcastable to c's shape. Trace reports it; the
// bprop must be the one that uses it.
type LocalOp interface {
	Op
	Local(c Node, i int) Node
}

// Trace is Gradients that hands each step of the backward pass to
// observe, as the engine takes it: consumers C in reverse order of
// creation (so each one's entry is complete), and for each C its inputs in
// order. Every node of the steps, local derivatives included, is a node of
// y's graph, so it can be printed, evaluated or differentiated. The
// results are those of Gradients; a nil observe makes Trace Gradients.
// Tracing costs the observer's time and, for LocalOps, a second recording
// of each local derivative; without a trace the engine checks one nil
// function per contribution.
func Trace(y Node, observe func(Step), xs ...Node) []Node {
	return gradients(y, Node{}, observe, xs)
}

// traceStep reports the step in which consumer c, with entry up, added
// contrib to the entry of its input i, node v.
func (t *Table) traceStep(c Node, i int, v, up, contrib Node) {
	s := Step{V: v, C: c, Input: i, Upstream: up, Contribution: contrib, Total: t.nodes[v.id-t.lo]}
	if l, ok := c.Op().(LocalOp); ok {
		s.Local = l.Local(c, i)
	}
	t.observe(s)
}
