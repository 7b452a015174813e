package main

import (
	"bytes"
	"os"
	"testing"
)

// The generated file is what the table gives: edit ops/rules.go, then run
// go generate ./ops.
func TestGeneratedFileIsUpToDate(t *testing.T) {
	src, err := os.ReadFile("../../rules.go")
	if err != nil {
		t.Fatal(err)
	}
	want, err := Generate("rules.go", src)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../elementwise_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("ops/elementwise_gen.go is out of date: run go generate ./ops")
	}
}

// Mistakes in the table are errors that name the operation.
func TestBadRules(t *testing.T) {
	for _, tc := range []struct{ name, rule, want string }{
		{"unknown name", `{Func: "F", Name: "f", Args: "x", Scalar: "x", Kernel: "K", D: []string{"w"}}`, "unknown name w"},
		{"unknown op", `{Func: "F", Name: "f", Args: "x", Scalar: "x", Kernel: "K", D: []string{"frob(x)"}}`, "unknown operation frob"},
		{"arity", `{Func: "F", Name: "f", Args: "x, y", Scalar: "x", Kernel: "K", D: []string{"1"}}`, "2 inputs and 1 derivatives"},
		{"syntax", `{Func: "F", Name: "f", Args: "x", Scalar: "x", Kernel: "K", D: []string{"x +"}}`, "D[0] of f"},
		{"condition", `{Func: "F", Name: "f", Args: "x", Scalar: "x", Kernel: "K", D: []string{"where(x, 1, 0)"}}`, "a condition must compare"},
	} {
		src := "package ops\n\nvar rules = []Rule{\n" + tc.rule + ",\n}\n"
		_, err := Generate("rules.go", []byte(src))
		if err == nil || !bytes.Contains([]byte(err.Error()), []byte(tc.want)) {
			t.Errorf("%s: error %v; want one containing %q", tc.name, err, tc.want)
		}
	}
}
