package explain

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"

	"github.com/seed812a03d2/backprop/program"
)

func TestZZProf(t *testing.T) {
	f := os.Getenv("ZZFORMAT")
	if f == "" {
		t.Skip()
	}
	var src strings.Builder
	src.WriteString("x = 0.5\n")
	for range 250000 {
		src.WriteString("x = sin(x)*0.9 + x*0.1\n")
	}
	pg, err := program.Parse("chain.bp", []byte(src.String()), program.Options{})
	if err != nil {
		t.Fatal(err)
	}
	switch f {
	case "json":
		err = WriteJSONStreamed(io.Discard, graphOf(pg), Options{})
	case "markdown":
		err = WriteMarkdownStreamed(io.Discard, graphOf(pg), Options{}, nil)
	case "text":
		err = WriteTextStreamed(io.Discard, graphOf(pg), Options{})
	}
	if err != nil {
		t.Fatal(err)
	}
}

func TestZZHeap(t *testing.T) {
	if os.Getenv("ZZHEAP") == "" {
		t.Skip()
	}
	var src strings.Builder
	src.WriteString("x = 0.5\n")
	for range 250000 {
		src.WriteString("x = sin(x)*0.9 + x*0.1\n")
	}
	pg, err := program.Parse("chain.bp", []byte(src.String()), program.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	var ms runtime.MemStats
	Streamed(graphOf(pg), Options{}, func(*Explanation) {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		t.Logf("after forward: heap %d MB", ms.HeapAlloc>>20)
	}, func(r *Row) {
		rows++
		if rows == 100000 || rows == 600000 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			t.Logf("row %d: heap %d MB", rows, ms.HeapAlloc>>20)
			f, _ := os.Create(fmt.Sprintf("/tmp/bp/heap%d.prof", rows))
			pprof.WriteHeapProfile(f)
			f.Close()
		}
	})
	runtime.GC()
	runtime.ReadMemStats(&ms)
	t.Logf("end: heap %d MB, rows %d", ms.HeapAlloc>>20, rows)
}
