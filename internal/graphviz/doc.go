// Package graphviz lays out and renders graphs with Graphviz compiled to
// WebAssembly and run by wazero, in process: no Graphviz installation is
// needed.
//
// It is a copy of the binding of github.com/goccy/go-graphviz v0.2.10
// (its packages cgraph, cdt, gvc and internal/wasm, under internal/, MIT
// licence in LICENSE.go-graphviz; Graphviz 12.1.2 itself, in
// internal/wasm/graphviz.wasm, is under the Eclipse Public License 1.0,
// LICENSE.graphviz), changed in one way: the binding compiled the
// WebAssembly module in a package init function, so that every program
// linking it paid about a second of start-up with an empty cache, and
// panicked with a stack trace before main when the cache in the shared
// temporary directory was truncated or unreadable. Here nothing runs until
// the first [Render] or [Start]; the compiled code is cached in the user's
// own cache directory (os.UserCacheDir), a cache that fails is removed and
// built again, and without a cache directory the module is compiled
// without one. Every failure is an error, never a panic.
package graphviz
