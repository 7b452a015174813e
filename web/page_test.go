package web_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"os/exec"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/seed812a03d2/backprop/explain"
	"github.com/seed812a03d2/backprop/internal/cli"
	"github.com/seed812a03d2/backprop/web"
	"github.com/seed812a03d2/backprop/web/eval"
)

// worked is the worked example: u1 = 4, u2 = 2, u3 = u1 + u2, u4 = u3²,
// u5 = sin(u4).
const worked = "u1 = 4\nu2 = 2\nu3 = u1 + u2\nu4 = u3^2\nu5 = sin(u4)\n"

// hostile is text that would run a script, open a comment or end a
// CDATA section if it reached the page raw, with the line separator
// U+2028, which ends a line in older JavaScript.
const hostile = "</script><script>alert(1)</script><!-- ]]> \u2028 <img src=x onerror=alert(1)>"

// writePage returns the page WritePage writes for p.
func writePage(t *testing.T, p web.Page) string {
	t.Helper()
	var b bytes.Buffer
	if err := web.WritePage(&b, p); err != nil {
		t.Fatalf("WritePage: %v", err)
	}
	return b.String()
}

// cliPage returns the page of the worked example as backprop explain
// --format html writes it: with its tables and its graph drawn in SVG.
func cliPage(t *testing.T) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := cli.Run([]string{"explain", "-", "--format", "html"}, strings.NewReader(worked), &out, &errOut); code != 0 {
		t.Fatalf("backprop explain - --format html: exit %d: %s", code, errOut.String())
	}
	return out.String()
}

// pages are the pages the tests below look at: a bare one, and the
// worked example's as the command writes it.
func pages(t *testing.T) map[string]string {
	t.Helper()
	return map[string]string{
		"bare":           writePage(t, web.Page{Start: eval.Request{Program: "x = 1\n"}}),
		"worked example": cliPage(t),
	}
}

var (
	scriptTag = regexp.MustCompile(`(?i)<script\b[^>]*>`)
	cspMeta   = regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)">`)
	startJSON = regexp.MustCompile(`(?s)<script type="application/json" id="bp-start">(.*?)</script>`)
)

// policy parses a Content-Security-Policy into its directives' sources.
func policy(csp string) map[string][]string {
	m := map[string][]string{}
	for _, d := range strings.Split(csp, ";") {
		f := strings.Fields(d)
		if len(f) > 0 {
			m[f[0]] = f[1:]
		}
	}
	return m
}

// The security policy lets one script run, the page's own, by the hash
// of its text as it stands in the page: the last script element, the
// only one without a type. It allows no connection, no other source and
// no inline script but that one.
func TestPagePolicy(t *testing.T) {
	for name, page := range pages(t) {
		t.Run(name, func(t *testing.T) {
			tags := scriptTag.FindAllStringIndex(page, -1)
			var run [][]int // the executable script elements: those with no type
			for _, tag := range tags {
				if !strings.Contains(page[tag[0]:tag[1]], "type=") {
					run = append(run, tag)
				}
			}
			if len(run) != 1 || run[0][0] != tags[len(tags)-1][0] {
				t.Fatalf("%d executable script elements among %d, want 1, the last", len(run), len(tags))
			}
			body := page[run[0][1]:]
			end := strings.Index(body, "</script>")
			if end < 0 {
				t.Fatal("the last script element is not closed")
			}
			if strings.Contains(body[:end], "\r") {
				// The HTML parser makes each CR or CR LF a LF before the
				// browser hashes the script: the hashes would differ.
				t.Error("the script has a carriage return (a checkout with CRLF line ends?)")
			}
			sum := sha256.Sum256([]byte(body[:end]))
			hash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"

			m := cspMeta.FindStringSubmatchIndex(page)
			if m == nil {
				t.Fatal("no Content-Security-Policy meta element")
			}
			if head := strings.Index(page, "</head>"); m[0] > head || m[0] > tags[0][0] {
				t.Errorf("the policy, at byte %d, is not in the head (ends at %d) before the first script (%d)", m[0], head, tags[0][0])
			}
			p := policy(html.UnescapeString(page[m[2]:m[3]]))
			for _, tt := range []struct {
				directive string
				want      []string
			}{
				{"script-src", []string{hash, "'wasm-unsafe-eval'"}},
				{"default-src", []string{"'none'"}},
				{"connect-src", []string{"'none'"}},
				{"worker-src", []string{"blob:"}},
				{"base-uri", []string{"'none'"}},
				{"form-action", []string{"'none'"}},
			} {
				if got := p[tt.directive]; !reflect.DeepEqual(got, tt.want) {
					t.Errorf("%s %q, want %q", tt.directive, got, tt.want)
				}
			}
		})
	}
}

// hostileTables is explain's HTML of an explanation whose every name and
// formula is hostile, as WriteHTMLTables writes it: escaped.
func hostileTables(t *testing.T) string {
	t.Helper()
	e := explain.Explanation{
		Of:      hostile,
		Forward: []explain.ForwardRow{{Name: hostile, Op: hostile, Inputs: hostile, Value: 1}},
		Rows:    []explain.Row{{V: hostile, C: hostile, Op: hostile, Local: hostile, Inputs: hostile, Contribution: hostile, G: hostile}},
		Inputs:  []explain.Answer{{Wrt: hostile, Node: hostile, Input: true, Expr: hostile, Value: 1}},
	}
	var b strings.Builder
	if err := e.WriteHTMLTables(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// The start request round-trips through the page, whatever its text; and
// hostile text in it, the title, the note and explain's tables stays
// text: nothing of it appears as markup.
func TestPageStart(t *testing.T) {
	tests := []struct {
		name  string
		start eval.Request
	}{
		{"worked example", eval.Request{Program: worked}},
		{"every field", eval.Request{Program: worked, Of: "u4", Wrt: []string{"u1", "u3"}, Set: map[string]float64{"u1": -0.5}, Order: 2, Step: 3, Check: "u3", Eps: 1e-6}},
		{"hostile", eval.Request{Program: "# " + hostile + "\nx = 1 # \u2029\n", Of: hostile, Wrt: []string{hostile}, Set: map[string]float64{hostile: 1}, Check: hostile}},
	}
	given := `<img alt="given by the caller">` // Tables is the caller's HTML, written as given
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tables := hostileTables(t) + given
			page := writePage(t, web.Page{Start: tt.start, Title: hostile, Note: hostile, Tables: tables})
			m := startJSON.FindStringSubmatch(page)
			if m == nil {
				t.Fatal("no start request in the page")
			}
			for _, raw := range []string{"</script", "<script", "<!--", "]]>", "<img", "\u2028", "\u2029"} {
				if strings.Contains(strings.ToLower(m[1]), raw) {
					t.Errorf("the start request holds a raw %q: %s", raw, m[1])
				}
			}
			var got eval.Request
			if err := json.Unmarshal([]byte(m[1]), &got); err != nil {
				t.Fatalf("the start request: %v: %s", err, m[1])
			}
			if !reflect.DeepEqual(got, tt.start) {
				t.Errorf("the start request came back as %+v, want %+v", got, tt.start)
			}

			esc := html.EscapeString(hostile)
			for _, want := range []string{"<title>" + esc + "</title>", "<h1>" + esc + "</h1>", `<p class="note">` + esc + "</p>"} {
				if !strings.Contains(page, want) {
					t.Errorf("the page lacks %s", want)
				}
			}
			if n, want := strings.Count(page, "<img"), strings.Count(tables, "<img"); n != want || want != 1 {
				t.Errorf("%d <img in the page, want %d, the one Tables was given", n, want)
			}
			if n := strings.Count(strings.ToLower(page), "<script"); n != 4 {
				t.Errorf("%d script elements, want 4 (start, worker, engine, app)", n)
			}
			if n := strings.Count(strings.ToLower(page), "</script"); n != 4 {
				t.Errorf("%d </script, want 4, one for each script element", n)
			}
		})
	}
}

// A Graph is drawn inline: its XML prologue goes.
func TestPageGraph(t *testing.T) {
	svg := `<?xml version="1.0" encoding="UTF-8" standalone="no"?>` + "\n" +
		`<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">` + "\n" +
		`<svg xmlns="http://www.w3.org/2000/svg"><g id="graph0"></g></svg>`
	page := writePage(t, web.Page{Start: eval.Request{Program: worked}, Graph: svg, Note: "not shown"})
	if !strings.Contains(page, "<h2>Graph</h2>\n<svg xmlns=") || strings.Contains(page, "<?xml") || strings.Contains(page, "<!DOCTYPE svg") {
		t.Error("the graph is not inline without its prologue")
	}
	if strings.Contains(page, "not shown") {
		t.Error("the page has the note as well as the graph")
	}
}

// The page names no URL it could load, and nothing in it loads anything:
// no element or attribute that fetches, no url() or @import in its style,
// no call of the network in its scripts. It asks for nothing outside
// itself. (The browser tests check that it makes no request.)
func TestPageOffline(t *testing.T) {
	// The URLs the page may hold, none of them loaded.
	allowed := map[string]string{
		"http://www.w3.org/2000/svg":                "the SVG namespace: of the graph's svg element, and app.js's createElementNS",
		"http://www.w3.org/1999/xlink":              "the XLink namespace, declared by Graphviz's svg element",
		"https://github.com/golang/go/issues/28975": "in a comment of Go's wasm_exec.js",
	}
	url := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^\s"'<>)]*`)
	tag := regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>`)
	attr := regexp.MustCompile(`([^\s=/"']+)\s*=`)
	style := regexp.MustCompile(`(?i)\burl\(\s*['"]?[^#'"\s)]|@import`) // url(#arrow) names a marker of the page
	// The ways a script reaches the network or loads a document.
	network := regexp.MustCompile(`\bfetch\(|XMLHttpRequest|importScripts|\bimport\(|WebSocket|EventSource|sendBeacon|\.(src|href|action)\s*=|window\.open|location\.(href|assign|replace)`)
	elements := map[string]bool{"a": true, "base": true, "link": true, "iframe": true, "frame": true, "object": true, "embed": true, "img": true, "image": true,
		"use": true, "form": true, "audio": true, "video": true, "source": true, "track": true, "portal": true}
	attrs := map[string]bool{"src": true, "href": true, "xlink:href": true, "srcset": true, "action": true, "formaction": true, "poster": true,
		"data": true, "background": true, "ping": true, "manifest": true, "codebase": true}
	for name, page := range pages(t) {
		t.Run(name, func(t *testing.T) {
			markup, scripts := splitScripts(t, page)
			if len(scripts) != 4 {
				t.Fatalf("%d script elements, want 4 (start, worker, engine, app)", len(scripts))
			}
			// The engine is base64, which names nothing; the rest is
			// searched (leaving the engine's 1.8 MB out keeps the test
			// fast under the race detector).
			if _, err := base64.StdEncoding.DecodeString(scripts[2]); err != nil {
				t.Errorf("the engine is not base64: %v", err)
			}
			scripts = slices.Delete(scripts, 2, 3)
			for _, text := range append([]string{markup}, scripts...) {
				for _, u := range url.FindAllString(text, -1) {
					if _, ok := allowed[u]; !ok {
						t.Errorf("the page names %s", u)
					}
				}
			}
			for _, m := range tag.FindAllStringSubmatch(markup, -1) {
				if elements[strings.ToLower(m[1])] {
					t.Errorf("the page has the element %s", m[0])
				}
				for _, a := range attr.FindAllStringSubmatch(m[2], -1) {
					if attrs[strings.ToLower(a[1])] {
						t.Errorf("the page has the attribute %s= in %s", a[1], m[0])
					}
				}
				if strings.EqualFold(m[1], "meta") && strings.Contains(strings.ToLower(m[2]), "refresh") {
					t.Errorf("the page has %s", m[0])
				}
			}
			for _, m := range style.FindAllStringIndex(markup, -1) {
				t.Errorf("the page's markup has %q", markup[max(0, m[0]-40):min(len(markup), m[1]+40)])
			}
			for _, s := range scripts {
				for _, re := range []*regexp.Regexp{network, style} {
					for _, m := range re.FindAllStringIndex(s, -1) {
						t.Errorf("a script has %q", s[max(0, m[0]-40):min(len(s), m[1]+40)])
					}
				}
			}
		})
	}
}

// splitScripts returns the page without the text of its script elements,
// and those texts.
func splitScripts(t *testing.T, page string) (markup string, scripts []string) {
	t.Helper()
	var b strings.Builder
	for {
		i := strings.Index(page, "<script")
		if i < 0 {
			b.WriteString(page)
			return b.String(), scripts
		}
		j := i + strings.IndexByte(page[i:], '>') + 1
		k := strings.Index(page[j:], "</script>")
		if j <= i || k < 0 {
			t.Fatalf("a script element is not closed: %.80q", page[i:])
		}
		b.WriteString(page[:j])
		scripts = append(scripts, page[j:j+k])
		page = page[j+k:]
	}
}

// The page is under 1.5 MB gzipped, the size the page is meant to stay
// within; it is the worked example's, as the command writes it.
func TestPageSize(t *testing.T) {
	page := cliPage(t)
	var z bytes.Buffer
	w, _ := gzip.NewWriterLevel(&z, gzip.BestCompression) // as Server serves it
	w.Write([]byte(page))
	w.Close()
	t.Logf("the worked example's page: %d bytes, %d gzipped", len(page), z.Len())
	if z.Len() >= 1_500_000 {
		t.Errorf("the page is %d bytes gzipped, want under 1.5 MB", z.Len())
	}
}

// The committed engine and wasm_exec.js are those go generate ./web makes
// from the library's Go now.
func TestEngineUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the engine (about 20 s on two cores)")
	}
	out, err := exec.Command("go", "run", "./internal/build", "-check").CombinedOutput()
	if err != nil {
		t.Fatalf("go run ./internal/build -check: %v\n%s", err, out)
	}
}
