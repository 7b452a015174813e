// Package web is backprop's browser page, which steps through the
// backward pass, and its server.
//
// [WritePage] writes the page as one self-contained HTML document: an
// editor for a graph program, the graph drawn in the page, the forward
// pass and the complete calculation table, and controls that step through
// them in the engine's order. It embeds (go:embed) its style and script
// (assets/), Go's wasm_exec.js, and the engine: package web/eval compiled
// to WebAssembly and gzipped, which the page runs in a Web Worker on every
// edit. It works opened from disk, with no server and no network: its
// Content-Security-Policy lets only its own script run (by its SHA-256
// hash), allows workers from blob URLs and WebAssembly, and no connection.
// Program text reaches the page as JSON inside a script element of type
// application/json (with <, > and & escaped) and is shown as text, never
// markup. For readers without JavaScript, the page shows the static tables
// and drawing given in [Page].
//
// [Server] serves the page (GET /) and the engine's API (POST
// /api/explain: an eval.Request in JSON, the eval.Response out), and
// nothing else. It bounds each request's body, its time and the
// evaluations running at once, and on a loopback address answers only to
// loopback host names.
//
// The engine and wasm_exec.js are generated: go generate ./web rebuilds
// them after a change to the library's Go (command web/internal/build;
// with -check it reports whether the committed ones are up to date, which
// CI runs).
package web
