package web_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/seed812a03d2/backprop/web"
	"github.com/seed812a03d2/backprop/web/eval"
)

const hostile = "</script><script>alert(1)</script><!-- ]]> \u2028 <img src=x onerror=alert(1)>"

func writePage(t *testing.T, p web.Page) string {
	t.Helper()
	var b bytes.Buffer
	if err := web.WritePage(&b, p); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// The security policy names the hash of the page's one script, and
// allows no connection.
func TestPagePolicy(t *testing.T) {
	page := writePage(t, web.Page{Start: eval.Request{Program: "x = 1\n"}})
	scripts := regexp.MustCompile(`(?s)<script>(.*?)</script>`).FindAllStringSubmatch(page, -1)
	if len(scripts) != 1 {
		t.Fatalf("%d executable scripts, want 1", len(scripts))
	}
	sum := sha256.Sum256([]byte(scripts[0][1]))
	want := "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
	csp := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)">`).FindStringSubmatch(page)
	if csp == nil {
		t.Fatal("no Content-Security-Policy")
	}
	policy := strings.ReplaceAll(csp[1], "&#39;", "'")
	for _, w := range []string{"'" + want + "'", "default-src 'none'", "connect-src 'none'", "worker-src blob:"} {
		if !strings.Contains(policy, w) {
			t.Errorf("the policy %q lacks %q", policy, w)
		}
	}
	if strings.Contains(policy, "unsafe-inline' ;") || strings.Contains(policy, "script-src 'unsafe-inline'") {
		t.Errorf("the policy lets any inline script run: %q", policy)
	}
}

// Hostile text in the program and the title stays text: the start JSON
// round-trips, and no markup of it appears raw.
func TestPageHostile(t *testing.T) {
	start := eval.Request{Program: "# " + hostile + "\nx = 1\n", Of: hostile, Wrt: []string{hostile}, Set: map[string]float64{hostile: 1}}
	page := writePage(t, web.Page{Start: start, Title: hostile, Note: hostile})
	m := regexp.MustCompile(`(?s)<script type="application/json" id="bp-start">(.*?)</script>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no start request")
	}
	for _, bad := range []string{"</script", "<!--", "<img", "\u2028"} {
		if strings.Contains(m[1], bad) {
			t.Errorf("the start JSON holds a raw %q", bad)
		}
	}
	var got eval.Request
	if err := json.Unmarshal([]byte(m[1]), &got); err != nil {
		t.Fatal(err)
	}
	if got.Program != start.Program || got.Of != hostile || got.Wrt[0] != hostile || got.Set[hostile] != 1 {
		t.Errorf("the start request came back as %+v", got)
	}
	if n := strings.Count(page, "<img"); n != 0 {
		t.Errorf("%d raw <img in the page", n)
	}
	if n := strings.Count(page, "<script"); n != 4 {
		t.Errorf("%d script elements, want 4 (start, worker, engine, app)", n)
	}
}

// The page asks for nothing outside itself: no URL but the SVG namespace
// and one in a comment of Go's wasm_exec.js. (The browser tests check
// that it makes no request.)
func TestPageOffline(t *testing.T) {
	page := writePage(t, web.Page{Start: eval.Request{Program: "x = 1\n"}})
	for _, u := range regexp.MustCompile(`https?://[^\s"'<>)]+`).FindAllString(page, -1) {
		if u != "http://www.w3.org/2000/svg" && u != "https://github.com/golang/go/issues/28975" {
			t.Errorf("the page names %s", u)
		}
	}
	for _, attr := range []string{` src="`, ` href="`, "@import", "url(http", "url(//"} {
		if strings.Contains(page, attr) {
			t.Errorf("the page has %q", attr)
		}
	}
}

// The page is under 1.5 MB gzipped (the target).
func TestPageSize(t *testing.T) {
	page := writePage(t, web.Page{Start: eval.Request{Program: "u1 = 4\nu2 = 2\nu3 = u1 + u2\nu4 = u3^2\nu5 = sin(u4)\n"}})
	var z bytes.Buffer
	w, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
	w.Write([]byte(page))
	w.Close()
	t.Logf("the page: %d bytes, %d gzipped", len(page), z.Len())
	if z.Len() >= 1_500_000 {
		t.Errorf("the page is %d bytes gzipped, over 1.5 MB", z.Len())
	}
}

// The committed engine is the one the library's Go builds.
func TestEngineUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the engine (about 20 s)")
	}
	out, err := exec.Command("go", "run", "./internal/build", "-check").CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
}
