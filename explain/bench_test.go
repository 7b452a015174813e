package explain

import (
	"fmt"
	"io"
	"os"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

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

// BenchmarkExplainMillion explains the engine's 1M-operation chain
// (250,000 statements of x = sin(x)*0.9 + x*0.1) in each format that the
// CLI streams, as `backprop explain chain.bp --format F > /dev/null`
// does (text with a temporary file as scratch storage), and reports the most heap its objects took (peak-heap-MiB,
// sampled every 10 ms), garbage not yet collected included.
//
//	go test -run='^$' -bench=ExplainMillion -benchtime=1x ./explain
func BenchmarkExplainMillion(b *testing.B) {
	var src strings.Builder
	src.WriteString("x = 0.5\n")
	for range 250000 {
		src.WriteString("x = sin(x)*0.9 + x*0.1\n")
	}
	for _, f := range []struct {
		name  string
		write func(io.Writer, Graph) error
	}{
		{"text", func(w io.Writer, gr Graph) error {
			return WriteTextStreamed(w, gr, Options{Scratch: func() (io.ReadWriteSeeker, error) {
				f, err := os.CreateTemp(b.TempDir(), "spool") // as the command's, but removed with the folder
				return f, err
			}})
		}},
		{"markdown", func(w io.Writer, gr Graph) error { return WriteMarkdownStreamed(w, gr, Options{}, nil) }},
		{"json", func(w io.Writer, gr Graph) error { return WriteJSONStreamed(w, gr, Options{}) }},
	} {
		b.Run(f.name, func(b *testing.B) {
			peak := peakHeap()
			for b.Loop() {
				pg, err := program.Parse("chain.bp", []byte(src.String()), program.Options{})
				if err != nil {
					b.Fatal(err)
				}
				if err := f.write(io.Discard, graphOf(pg)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MiB")
		})
	}
}

// peakHeap samples the bytes of heap objects every 10 ms until the
// function it returns is called, which returns the most it saw.
func peakHeap() func() uint64 {
	var most uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			most = max(most, s[0].Value.Uint64())
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(stop)
		<-done // most is written before
		return most
	}
}
