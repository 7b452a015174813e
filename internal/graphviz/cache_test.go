package graphviz_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seed812a03d2/backprop/internal/graphviz"
)

// TestBrokenCache starts Graphviz in fresh processes (it starts once per
// process) on a cache that is new, truncated, overwritten with garbage, or
// impossible to create. The binding this package copies panicked before
// main on a truncated cache (issue: no Go trace, ever); here every case
// renders.
func TestBrokenCache(t *testing.T) {
	if os.Getenv("BACKPROP_GRAPHVIZ_HELPER") == "1" {
		svg, err := graphviz.Render([]byte("digraph { a -> b }"), "svg")
		if err != nil || !bytes.Contains(svg, []byte("<svg")) {
			t.Fatalf("Render: %v", err)
		}
		return
	}
	if testing.Short() {
		t.Skip("starts Graphviz four times")
	}
	home := t.TempDir()
	render := func(cacheHome string) {
		t.Helper()
		cmd := exec.Command(os.Args[0], "-test.run=^TestBrokenCache$")
		cmd.Env = append(os.Environ(), "BACKPROP_GRAPHVIZ_HELPER=1", "XDG_CACHE_HOME="+cacheHome)
		out, err := cmd.CombinedOutput()
		if err != nil || strings.Contains(string(out), "panic") {
			t.Fatalf("rendering with the cache in %s: %v\n%s", cacheHome, err, out)
		}
	}
	files := func() []string {
		var fs []string
		filepath.WalkDir(home, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				fs = append(fs, path)
			}
			return nil
		})
		return fs
	}
	render(home) // a new cache
	cached := files()
	if len(cached) == 0 {
		t.Fatalf("no cache was written under %s", home)
	}
	for _, f := range cached {
		if err := os.Truncate(f, 100); err != nil {
			t.Fatal(err)
		}
	}
	render(home) // truncated
	for _, f := range files() {
		if fi, _ := os.Stat(f); fi.Size() <= 100 {
			t.Errorf("the truncated cache file %s was not rebuilt", f)
		}
		if err := os.WriteFile(f, bytes.Repeat([]byte{0xAB}, 4096), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	render(home) // garbage
	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	render(notADir) // no cache directory can be made: compiled without one
}
