package gvc

import (
	_ "unsafe"

	"github.com/seed812a03d2/backprop/internal/graphviz/internal/cdt"
	"github.com/seed812a03d2/backprop/internal/graphviz/internal/cgraph"
	"github.com/seed812a03d2/backprop/internal/graphviz/internal/wasm"
)

//go:linkname toGraph github.com/seed812a03d2/backprop/internal/graphviz/internal/cgraph.toGraph
func toGraph(*wasm.Graph) *cgraph.Graph

//go:linkname toGraphWasm github.com/seed812a03d2/backprop/internal/graphviz/internal/cgraph.toGraphWasm
func toGraphWasm(*cgraph.Graph) *wasm.Graph

//go:linkname toNode github.com/seed812a03d2/backprop/internal/graphviz/internal/cgraph.toNode
func toNode(*wasm.Node) *cgraph.Node

//go:linkname toEdge github.com/seed812a03d2/backprop/internal/graphviz/internal/cgraph.toEdge
func toEdge(*wasm.Edge) *cgraph.Edge

//go:linkname toDictLink github.com/seed812a03d2/backprop/internal/graphviz/internal/cdt.toLink
func toDictLink(*wasm.DictLink) *cdt.Link

//go:linkname toDictLinkWasm github.com/seed812a03d2/backprop/internal/graphviz/internal/cdt.toLinkWasm
func toDictLinkWasm(*cdt.Link) *wasm.DictLink
