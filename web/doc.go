// Package web is backprop's browser page, which steps through the
// backward pass of a graph program, and its server.
//
// # The page
//
// [WritePage] writes the page for a [Page] as one self-contained HTML
// document: an editor for the program, its graph drawn in the page, the
// forward pass and the complete calculation table, and controls that step
// through them in the order the engine fills the gradient table. It works
// opened from disk, with no server and no network, and makes no request.
// It embeds (go:embed, from assets/):
//
//   - its style and its script, app.js;
//   - the worker script: Go's wasm_exec.js, then worker.js;
//   - the engine: package web/internal/engine, which is [eval.Evaluate],
//     compiled to WebAssembly, gzipped and written in base64.
//
// The script runs the engine in a Web Worker, on the request in
// Page.Start and again on every edit; a request that takes longer than
// 5 s stops the worker, which is made again. For readers without
// JavaScript the page shows Page.Tables and Page.Graph (or Page.Note)
// until its script runs.
//
// # Security
//
// The page's Content-Security-Policy, in a meta element, lets one script
// run: app.js, by its SHA-256 hash. The worker's script and the engine are
// script elements of types that do not run (text/plain and
// application/octet-stream), which app.js reads; the policy allows the
// worker from a blob URL and the compiling of WebAssembly, and no
// connection, form, base URL or other source. The start request is JSON in
// a script element of type application/json, with <, > and & escaped, so
// that no program text can end the element; the page shows programs and
// names as text, never as markup. Title and Note are escaped; Tables and
// Graph are HTML, written as given (explain.Explanation.WriteHTMLTables
// escapes every text it writes).
//
// # The server
//
// [Server] serves the page and the engine's API, and nothing else:
//
//	GET  /             the page, gzipped if the client accepts gzip
//	POST /api/explain  an eval.Request in JSON in, the eval.Response out
//
// Each API request is bounded: its body (Server.MaxBody, default 1 MiB;
// beyond it 413), the engine's work (Server.Limits, eval's defaults where
// zero), its time (Server.Timeout, default 5 s; beyond it 503, while the
// evaluation finishes in the background) and the evaluations running at
// once, those that timed out included (Server.MaxActive, default twice the
// processors; beyond it 503 busy). A body that is not an eval.Request, or
// has an unknown field, is answered 400; every answer of the API is an
// eval.Response, errors included. On a loopback address the server
// answers only to a loopback Host (localhost, a name under .localhost or
// a loopback address) and refuses others with 421, so that a page
// elsewhere cannot reach it by a name of its own that resolves to
// 127.0.0.1 (DNS rebinding).
//
// # Generated assets
//
// The engine and wasm_exec.js are generated: after a change to the
// library's Go, run
//
//	go generate ./web
//
// which runs command web/internal/build; run from this folder, go run
// ./internal/build -check reports whether the committed ones are up to
// date, as a test of this package does.
package web
