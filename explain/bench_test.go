package explain

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/seed812a03d2/backprop/program"
)

// BenchmarkExplainSum explains y = x0 + x1 + … of n inputs, every one a
// --wrt node: the explanation must be linear in the number of --wrt nodes
// (a search of the --wrt list per node made 100,000 inputs take 24 s).
//
//	go test -run='^$' -bench=ExplainSum ./explain
func BenchmarkExplainSum(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		var src strings.Builder
		for i := range n {
			fmt.Fprintf(&src, "x%d = %d\n", i, i)
		}
		src.WriteString("y = x0\n")
		for i := 1; i < n; i++ {
			fmt.Fprintf(&src, "y = y + x%d\n", i)
		}
		pg, err := program.Parse("sum.bp", []byte(src.String()), program.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("inputs=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Backward(graphOf(pg), Options{})
			}
		})
	}
}

// BenchmarkExplainChain explains and writes, as text, the chain of the
// engine's benchmarks cut to n statements of x = sin(x)*0.9 + x*0.1 (4n
// operations). The text is written as it goes, not built first.
//
//	go test -run='^$' -bench=ExplainChain -benchmem ./explain
func BenchmarkExplainChain(b *testing.B) {
	for _, n := range []int{2500, 25000} {
		var src strings.Builder
		src.WriteString("x = 0.5\n")
		for range n {
			src.WriteString("x = sin(x)*0.9 + x*0.1\n")
		}
		pg, err := program.Parse("chain.bp", []byte(src.String()), program.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("statements=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := Backward(graphOf(pg), Options{}).WriteText(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkExplainChainStreamed is BenchmarkExplainChain written as JSON
// and Markdown, which stream: each row is written as the engine completes
// it and then let go.
//
//	go test -run='^$' -bench=ExplainChainStreamed -benchmem ./explain
func BenchmarkExplainChainStreamed(b *testing.B) {
	var src strings.Builder
	src.WriteString("x = 0.5\n")
	for range 25000 {
		src.WriteString("x = sin(x)*0.9 + x*0.1\n")
	}
	pg, err := program.Parse("chain.bp", []byte(src.String()), program.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := WriteJSONStreamed(io.Discard, graphOf(pg), Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("markdown", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := WriteMarkdownStreamed(io.Discard, graphOf(pg), Options{}, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}
