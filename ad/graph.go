package ad

import (
	"math/bits"

	"github.com/seed812a03d2/backprop/tensor"
)

// Graph is a tape of nodes, recorded as operations are applied (define by
// run). Nodes are numbered in the order they are created, which is a
// topological order: a node's inputs always come before it. The zero value
// is an empty graph ready to use.
//
// A Graph is not safe for concurrent use; independent graphs may be built
// and differentiated from different goroutines at once.
type Graph struct {
	chunks   [][]Node // node storage; see chunk sizes below
	cur      int      // the chunk being filled
	fill     int      // nodes used in chunk cur
	n        int32    // number of recorded nodes
	lists    []int32  // inputs of nodes with more than two inputs
	names    []string // names by node id, where given
	noRecord int      // > 0 while operations must not be recorded
}

// Nodes live in chunks that never move, so a *Node stays valid as the graph
// grows and no node costs an allocation of its own. Chunk k holds 16<<k
// nodes up to maxChunk, then every chunk holds maxChunk nodes, so a small
// graph stays small and a large one wastes little.
const (
	minChunkLog = 4
	maxChunkLog = 12
	maxChunk    = 1 << maxChunkLog
	// geomNodes is the number of nodes held by the geometric chunks
	// 16, 32, …, maxChunk.
	geomNodes  = 1<<(maxChunkLog+1) - 1<<minChunkLog
	geomChunks = maxChunkLog - minChunkLog + 1
)

// at returns the node with the given id.
func (g *Graph) at(id int32) *Node {
	c, off := g.locate(id)
	return &c[off]
}

// locate returns the chunk that holds node id and the node's offset in it.
func (g *Graph) locate(id int32) ([]Node, int) {
	i := int(id)
	if i < geomNodes {
		k := bits.Len(uint(i>>minChunkLog+1)) - 1
		return g.chunks[k], i - (1<<minChunkLog)*(1<<k-1)
	}
	j := i - geomNodes
	return g.chunks[geomChunks+j>>maxChunkLog], j & (maxChunk - 1)
}

// Len returns the number of nodes recorded in g.
func (g *Graph) Len() int { return int(g.n) }

// Node returns the node with the given id, 0 ≤ id < g.Len(). It panics if id
// is out of range.
func (g *Graph) Node(id int) *Node {
	if id < 0 || id >= int(g.n) {
		panic(&GraphError{Op: "Node", Reason: "node id out of range"})
	}
	return g.at(int32(id))
}

// push records a new node and returns it, or returns an unrecorded node
// while recording is off.
func (g *Graph) push(op Op) *Node {
	if g.noRecord > 0 {
		return &Node{g: g, op: op, id: -1}
	}
	if len(g.chunks) == 0 || g.fill == len(g.chunks[g.cur]) {
		g.grow()
	}
	n := &g.chunks[g.cur][g.fill]
	g.fill++
	n.g, n.op, n.id = g, op, g.n
	g.n++
	return n
}

// grow moves on to the next chunk, allocating it unless Reset kept it.
func (g *Graph) grow() {
	if len(g.chunks) > 0 {
		g.cur++
	}
	g.fill = 0
	if g.cur < len(g.chunks) {
		return
	}
	size := maxChunk
	if k := len(g.chunks); k < geomChunks {
		size = 1 << (minChunkLog + k)
	}
	g.chunks = append(g.chunks, make([]Node, size))
}

// Reset empties g for reuse, keeping its memory: building the same graph
// again then allocates nothing. Nodes of g created before Reset must not
// be used after it.
func (g *Graph) Reset() {
	for _, c := range g.chunks[:min(g.cur+1, len(g.chunks))] {
		clear(c)
	}
	g.cur, g.fill, g.n = 0, 0, 0
	g.lists = g.lists[:0]
	g.names = g.names[:0]
}

// Var records a variable: an input of the graph whose gradient is wanted.
// A 0-d float64 value is held in the node itself. Var panics if x is nil.
func (g *Graph) Var(name string, x *tensor.Tensor) *Node {
	n := g.leaf(x, flagVar|flagNeedsGrad)
	if name != "" {
		n.SetName(name)
	}
	return n
}

// Const records a constant: an input of the graph that gradients do not
// flow into unless it is named in Backward's or Gradients' list of nodes.
// Const panics if x is nil.
func (g *Graph) Const(x *tensor.Tensor) *Node {
	return g.leaf(x, 0)
}

// ScalarVar is Var for a float64 scalar; it allocates nothing.
func (g *Graph) ScalarVar(name string, v float64) *Node {
	n := g.push(nil)
	n.flags, n.x = flagVar|flagNeedsGrad|flagInline, v
	if name != "" {
		n.SetName(name)
	}
	return n
}

// ScalarConst is Const for a float64 scalar; it allocates nothing.
func (g *Graph) ScalarConst(v float64) *Node {
	n := g.push(nil)
	n.flags, n.x = flagInline, v
	return n
}

func (g *Graph) leaf(x *tensor.Tensor, flags uint8) *Node {
	if x == nil {
		panic(&GraphError{Op: "Var", Reason: "nil tensor"})
	}
	n := g.push(nil)
	n.flags = flags
	n.setValue(x)
	return n
}

// NoRecord runs f with recording turned off on g: operations applied to
// g's nodes inside f compute their values but are not added to the tape,
// so nothing can be differentiated through them. It is how Backward runs
// bprop rules that are only needed as values.
func (g *Graph) NoRecord(f func()) {
	g.noRecord++
	defer func() { g.noRecord-- }()
	f()
}

// Recording reports whether operations on g are being recorded.
func (g *Graph) Recording() bool { return g.noRecord == 0 }
