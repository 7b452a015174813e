package web

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/seed812a03d2/backprop/web/eval"
)

// The page's parts, embedded: its style, its script, the worker that
// runs the engine (Go's wasm_exec.js, then worker.js) and the engine
// itself, this module's Go compiled to WebAssembly and gzipped
// (go generate ./web makes the last two; a test checks that they are up
// to date).
var (
	//go:embed assets/style.css
	styleCSS string
	//go:embed assets/app.js
	appJS string
	//go:embed assets/worker.js
	workerJS string
	//go:embed assets/app.html
	appHTML string
	//go:embed assets/wasm_exec.js
	wasmExecJS string
	//go:embed assets/engine.wasm.gz
	engineWasmGz []byte
)

//go:generate go run ./internal/build

// Page is what a page starts on.
type Page struct {
	// Start is the program and the view the page opens on: the request
	// its engine runs first.
	Start eval.Request
	// Tables, for readers without JavaScript, is the explanation of Start
	// as an HTML fragment (explain.Explanation.WriteHTMLTables); Graph is
	// an SVG drawing of its graph, or "" for none, and Note what to say
	// in its place. The page shows them until its script runs.
	Tables, Graph, Note string
	// Title is the page's heading: "Backpropagation of u5".
	Title string
}

// WritePage writes the page as one self-contained HTML document: it
// needs no server and no network, opened from disk, and makes no request.
// Its Content-Security-Policy lets only its own script run (by hash),
// runs the engine in a worker, and allows no connection.
func WritePage(w io.Writer, p Page) error {
	start, err := json.Marshal(p.Start) // escapes <, > and &: safe inside a script element
	if err != nil {
		return err
	}
	worker := wasmExecJS + "\n" + workerJS
	if strings.Contains(strings.ToLower(worker+appJS), "</script") {
		return fmt.Errorf("web: a script contains </script")
	}
	sum := sha256.Sum256([]byte(appJS))
	csp := "default-src 'none'; script-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "' 'wasm-unsafe-eval'; " +
		"worker-src blob:; style-src 'unsafe-inline'; img-src data: blob:; connect-src 'none'; base-uri 'none'; form-action 'none'"
	title := p.Title
	if title == "" {
		title = "backprop"
	}
	var b bytes.Buffer
	b.Grow(len(engineWasmGz)*4/3 + len(worker) + len(appJS) + len(p.Tables) + len(p.Graph) + 8192)
	fmt.Fprintf(&b, `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="%s">
<title>%s</title>
<style>
%s</style>
</head><body>
<noscript><p class="nojs">This page steps through the backward pass with JavaScript; without it, here are the tables.</p></noscript>
<main id="static">
<h1>%s</h1>
`, html.EscapeString(csp), html.EscapeString(title), styleCSS, html.EscapeString(title))
	b.WriteString(p.Tables)
	switch {
	case p.Graph != "":
		g := p.Graph
		if i := strings.Index(g, "<svg"); i >= 0 {
			g = g[i:] // drop the XML prologue: the SVG element goes inline
		}
		b.WriteString("<h2>Graph</h2>\n")
		b.WriteString(g)
		b.WriteString("\n")
	case p.Note != "":
		fmt.Fprintf(&b, "<h2>Graph</h2>\n<p class=\"note\">%s</p>\n", html.EscapeString(p.Note))
	}
	b.WriteString("</main>\n")
	b.WriteString(appHTML)
	b.WriteString(`<script type="application/json" id="bp-start">`)
	b.Write(start)
	b.WriteString("</script>\n<script type=\"text/plain\" id=\"bp-worker\">")
	b.WriteString(worker)
	b.WriteString("</script>\n<script type=\"application/octet-stream\" id=\"bp-engine\">")
	b.WriteString(base64.StdEncoding.EncodeToString(engineWasmGz))
	b.WriteString("</script>\n<script>")
	b.WriteString(appJS)
	b.WriteString("</script>\n</body></html>\n")
	_, err = w.Write(b.Bytes())
	return err
}
