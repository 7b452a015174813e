package cgraph

import (
	_ "unsafe"

	"github.com/seed812a03d2/backprop/internal/graphviz/internal/cdt"
	"github.com/seed812a03d2/backprop/internal/graphviz/internal/wasm"
)

//go:linkname toDict github.com/seed812a03d2/backprop/internal/graphviz/internal/cdt.toDict
func toDict(*wasm.Dict) *cdt.Dict

//go:linkname toDictWasm github.com/seed812a03d2/backprop/internal/graphviz/internal/cdt.toDictWasm
func toDictWasm(*cdt.Dict) *wasm.Dict

//go:linkname toDictLink github.com/seed812a03d2/backprop/internal/graphviz/internal/cdt.toLink
func toDictLink(*wasm.DictLink) *cdt.Link

//go:linkname toDictLinkWasm github.com/seed812a03d2/backprop/internal/graphviz/internal/cdt.toLinkWasm
func toDictLinkWasm(*cdt.Link) *wasm.DictLink

func toGraphWasm(v *Graph) *wasm.Graph {
	if v == nil {
		return nil
	}
	return v.wasm
}
