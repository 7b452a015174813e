package cli_test

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/seed812a03d2/backprop/internal/cli"
)

// chainProgram returns a program of n statements: x0 = 0.5 and then
// x_i = sin(x_{i-1})*0.9 + x_{i-1}*0.1.
func chainProgram(n int) string {
	var b strings.Builder
	b.WriteString("x0 = 0.5\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "x%d = sin(x%d)*0.9 + x%d*0.1\n", i, i-1, i-1)
	}
	return b.String()
}

// fanProgram returns a program of n statements where every statement uses
// the input b, so b has n-2 consumers: t_i = tanh(t_{i-1}) * b + t_{i-1}.
func fanProgram(n int) string {
	var b strings.Builder
	b.WriteString("a = 0.5\nb = 1.5\nt0 = a\n")
	for i := 1; i < n-2; i++ {
		fmt.Fprintf(&b, "t%d = tanh(t%d) * b + t%d\n", i, i-1, i-1)
	}
	return b.String()
}

// The command's speed on big programs: grad on 200,000 statements and
// explain on 10,000, whole runs from source text to output.
//
//	go test -run='^$' -bench=Command -count=5 ./internal/cli
func BenchmarkCommand(b *testing.B) {
	for _, bc := range []struct {
		name string
		src  string
		args []string
	}{
		{"grad-200000", chainProgram(200_000), []string{"grad", "-"}},
		{"grad-json-200000", chainProgram(200_000), []string{"grad", "-", "--format", "json"}},
		{"explain-10000", fanProgram(10_000), []string{"explain", "-"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if code := cli.Run(bc.args, strings.NewReader(bc.src), io.Discard, io.Discard); code != 0 {
					b.Fatalf("exit %d", code)
				}
			}
		})
	}
}
