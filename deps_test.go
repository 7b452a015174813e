package backprop_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/seed812a03d2/backprop"

// layers lists, for each package of the module, the packages of the module
// it may import (see ../shared/STYLE.md): each imports only packages listed
// above it.
var layers = map[string][]string{
	"tensor":                 {},
	"lang":                   {},
	"ad":                     {"tensor"},
	"ops":                    {"ad", "tensor"},
	"adtest":                 {"ad", "ops", "tensor"},
	"functional":             {"ad", "ops", "tensor"},
	"program":                {"lang", "ad", "ops", "tensor"},
	"explain":                {"ad", "ops", "tensor"},
	"nn":                     {"ad", "ops", "tensor"},
	"optim":                  {"nn", "ad", "ops", "tensor"},
	"data":                   {"tensor"},
	"safetensors":            {"tensor"},
	"train":                  {"nn", "optim", "data", "safetensors", "ad", "ops", "tensor"},
	"export":                 {"export/internal/onnxpb", "nn", "optim", "ad", "ops", "tensor"},
	"export/internal/onnxpb": {}, // generated from export/internal/onnxpb/onnx.proto
	"web/eval":               {"explain", "program", "lang", "ad", "tensor"},
	"web":                    {"web/eval"},
	"web/internal/engine":    {"web/eval"}, // a command: the engine compiled to WebAssembly
	"web/internal/build":     {},           // a command: go generate ./web
	"internal/cli":           {"explain", "export", "program", "lang", "ad", "ops", "tensor", "internal/graphviz", "web", "web/eval"},
	// A copy of a third-party binding (see its doc.go), used by the command.
	"internal/graphviz":                 {"internal/graphviz/internal/cgraph", "internal/graphviz/internal/gvc", "internal/graphviz/internal/wasm"},
	"internal/graphviz/internal/gvc":    {"internal/graphviz/internal/cgraph", "internal/graphviz/internal/cdt", "internal/graphviz/internal/wasm"},
	"internal/graphviz/internal/cgraph": {"internal/graphviz/internal/cdt", "internal/graphviz/internal/wasm"},
	"internal/graphviz/internal/cdt":    {"internal/graphviz/internal/wasm"},
	"internal/graphviz/internal/wasm":   {},
	"cmd/backprop":                      {"internal/cli"},
	"examples/seed":                     {"ad", "ops", "tensor"},
	"examples/mnist":                    {"ad", "data", "export", "nn", "ops", "optim", "tensor", "train"},
	"ops/internal/rulegen":              {}, // a command: go generate ./ops
}

// forbidden are standard packages that only commands and examples use:
// library code never prints, exits or reads flags.
var forbidden = []string{"os", "flag", "log"}

// TestLayering checks the imports of every non-test Go file against
// layers, and that library packages do not use os, flag or log.
func TestLayering(t *testing.T) {
	fset := token.NewFileSet()
	seen := map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "bench") && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		pkg := filepath.ToSlash(filepath.Dir(path))
		if pkg == "." {
			return nil
		}
		allowed, ok := layers[pkg]
		if !ok {
			t.Errorf("%s: package %s is not in the layering table of deps_test.go", path, pkg)
			return nil
		}
		seen[pkg] = true
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		library := !strings.HasPrefix(pkg, "cmd/") && pkg != "ops/internal/rulegen" && pkg != "web/internal/build" && pkg != "web/internal/engine" && !strings.HasPrefix(pkg, "examples/") && !strings.HasPrefix(pkg, "internal/cli") &&
			!strings.HasPrefix(pkg, "internal/graphviz")
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if rel, ok := strings.CutPrefix(p, module+"/"); ok {
				if !slices.Contains(allowed, rel) {
					t.Errorf("%s imports %s; %s may import only %v", path, rel, pkg, allowed)
				}
				continue
			}
			if library && slices.Contains(forbidden, p) {
				t.Errorf("%s imports %s; only commands and examples may", path, p)
			}
		}
		if library {
			ast.Inspect(f, func(n ast.Node) bool {
				if sel, ok := n.(*ast.SelectorExpr); ok {
					if id, ok := sel.X.(*ast.Ident); ok && id.Name == "fmt" && strings.HasPrefix(sel.Sel.Name, "Print") {
						t.Errorf("%s: %s calls fmt.%s; library code writes to the io.Writer it is given", fset.Position(sel.Pos()), pkg, sel.Sel.Name)
					}
				}
				return true
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for pkg := range layers {
		if !seen[pkg] {
			t.Errorf("package %s of the layering table has no Go files", pkg)
		}
	}
}
