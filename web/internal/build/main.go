// Command build makes the generated assets of package web: the engine,
// package web/internal/engine compiled to WebAssembly and gzipped
// (assets/engine.wasm.gz), and the Go runtime's loader for it
// (assets/wasm_exec.js, copied from the Go installation). Run it with go
// generate ./web; with -check it builds into a temporary folder and
// reports whether the committed assets are those it makes.
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

func main() {
	check := flag.Bool("check", false, "compare the committed assets with a fresh build instead of writing them")
	flag.Parse()
	if err := run(*check); err != nil {
		fmt.Fprintln(os.Stderr, "web/internal/build:", err)
		os.Exit(1)
	}
}

// The files made, relative to package web's folder.
const (
	engineFile   = "assets/engine.wasm.gz"
	wasmExecFile = "assets/wasm_exec.js"
	versionFile  = "assets/engine.version" // the Go version that built them
)

func run(check bool) error {
	made, err := build()
	if err != nil {
		return err
	}
	if !check {
		for name, data := range made {
			if err := os.WriteFile(name, data, 0o644); err != nil {
				return err
			}
		}
		return nil
	}
	var stale []string
	for name, data := range made {
		old, err := os.ReadFile(name)
		if err != nil || !bytes.Equal(old, data) {
			stale = append(stale, name)
		}
	}
	if len(stale) > 0 {
		old, _ := os.ReadFile(versionFile)
		return fmt.Errorf("%s out of date (committed: built by %s; this is %s): run go generate ./web and commit them",
			strings.Join(stale, ", "), strings.TrimSpace(string(old)), strings.TrimSpace(string(made[versionFile])))
	}
	return nil
}

// build makes the assets, from the current folder (package web's).
func build() (map[string][]byte, error) {
	dir, err := os.MkdirTemp("", "backprop-engine-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	wasm := filepath.Join(dir, "engine.wasm")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w -buildid=", "-o", wasm, "./internal/engine")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("building the engine: %v", err)
	}
	raw, err := os.ReadFile(wasm)
	if err != nil {
		return nil, err
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression) // no name, no time: the same bytes each time
	zw.Write(raw)
	if err := zw.Close(); err != nil {
		return nil, err
	}
	out, err := exec.Command("go", "env", "GOROOT", "GOVERSION").Output()
	if err != nil {
		return nil, fmt.Errorf("go env: %v", err)
	}
	env := strings.Fields(string(out))
	if len(env) != 2 {
		return nil, fmt.Errorf("go env GOROOT GOVERSION: unexpected %q", out)
	}
	loader, err := os.ReadFile(filepath.Join(env[0], "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		return nil, err
	}
	return map[string][]byte{engineFile: gz.Bytes(), wasmExecFile: loader, versionFile: []byte(env[1] + "\n")}, nil
}
