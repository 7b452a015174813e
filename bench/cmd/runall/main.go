// Command runall runs the benchmark suite of issue 4 — backprop, hand-written
// Go with gonum's BLAS, Gorgonia, GoMLX's pure-Go backend, PyTorch and numpy
// on the same workloads and bit-identical data — checks every result
// against a float64 reference and rewrites the region of ../BENCHMARKS.md
// between the markers <!-- bench:begin --> and <!-- bench:end -->.
//
// Run it from the bench directory:
//
//	go run ./cmd/runall
//
// It exits with status 1 if any result fails its check (the tables then
// say which).
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
)

var threadCounts = []int{1, 2}

func threadCase(th int) string {
	if th == 1 {
		return "1 thread"
	}
	return fmt.Sprintf("%d threads", th)
}

func gemmCase(n int, dtype string, th int) string {
	return fmt.Sprintf("%d×%d, %s, %s", n, n, dtype, threadCase(th))
}

// result is one system's measurement of one case of a workload.
type result struct {
	Workload string `json:"workload"`
	Case     string `json:"case"`
	System   string `json:"system"`
	Threads  int    `json:"threads"`
	stats
	Err  string `json:"error,omitempty"` // a failed check, a panic
	Skip string `json:"skip,omitempty"`  // why it did not run
}

type suite struct {
	d      *dataset
	ref    *references
	only   map[string]bool
	res    []result
	failed bool
	notes  []string // systems or workloads that did not run, and why
}

func (s *suite) wants(workload string) bool { return len(s.only) == 0 || s.only[workload] }

// add checks one system on one case and, if the check passes, times it.
func (s *suite) add(workload, cas, system string, threads int, chk func() check, timed func()) {
	if !s.wants(workload) {
		return
	}
	r := result{Workload: workload, Case: cas, System: system, Threads: threads}
	prev := runtime.GOMAXPROCS(threads)
	defer runtime.GOMAXPROCS(prev)
	fmt.Fprintf(os.Stderr, "%-6s %-28s %s ... ", workload, cas, system)
	err := catch(func() {
		c := chk()
		if err := s.ref.verify(s.d, workload, dtypeOf(cas), sizeOf(cas), c); err != nil {
			panic(fmt.Errorf("check failed: %v", err))
		}
		r.stats = measure(timed)
	})
	if err != nil {
		r.Err = err.Error()
		s.failed = true
		fmt.Fprintf(os.Stderr, "FAILED: %v\n", err)
	} else {
		fmt.Fprintf(os.Stderr, "median %s\n", fmtDur(r.Med))
	}
	s.res = append(s.res, r)
}

func catch(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	f()
	return nil
}

func dtypeOf(cas string) string {
	if strings.Contains(cas, "float32") {
		return "float32"
	}
	return "float64"
}

func sizeOf(cas string) int {
	var n int
	fmt.Sscanf(cas, "%d", &n)
	return n
}

func main() {
	out := flag.String("out", "../BENCHMARKS.md", "the file whose bench region is rewritten (empty: print to stdout)")
	python := flag.String("python", defaultPython(), "the Python interpreter with torch, numpy and threadpoolctl")
	only := flag.String("only", "", "comma-separated workloads to run (worked,chain,mlp,gemm,hvp); default all")
	systems := flag.String("systems", "backprop,hand,gorgonia,gomlx,python", "comma-separated systems to run")
	flag.IntVar(&reps, "reps", reps, "repetitions per measurement (at least 5 for published numbers)")
	flag.DurationVar(&minRep, "minrep", minRep, "shortest repetition; fast workloads repeat calls to fill it")
	flag.Parse()

	start := time.Now()
	d := makeData()
	s := &suite{d: d, ref: makeReferences(d), only: map[string]bool{}}
	if *only != "" {
		for _, w := range strings.Split(*only, ",") {
			s.only[w] = true
		}
	}
	sys := map[string]bool{}
	for _, x := range strings.Split(*systems, ",") {
		sys[x] = true
	}
	env := describeMachine()
	dir, err := os.MkdirTemp("", "backprop-bench-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "runall:", err)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)
	if err := d.write(dir); err != nil {
		fmt.Fprintln(os.Stderr, "runall:", err)
		os.Exit(1)
	}
	env.peak32, env.peak64, env.peak512 = measurePeak()

	if sys["python"] {
		runPython(s, *python, dir, env)
	}
	if sys["backprop"] {
		runBackprop(s)
	}
	if sys["hand"] {
		runHand(s)
	}
	if sys["gorgonia"] {
		runGorgonia(s)
	}
	if sys["gomlx"] {
		runGoMLX(s)
	}
	env.loadAfter = loadAverage()
	env.elapsed = time.Since(start)

	md := report(s, env)
	if *out == "" {
		fmt.Print(md)
	} else if err := rewriteRegion(*out, md); err != nil {
		fmt.Fprintln(os.Stderr, "runall:", err)
		os.Exit(1)
	}
	if s.failed {
		fmt.Fprintln(os.Stderr, "runall: some results failed their checks (see the tables)")
		os.Exit(1)
	}
}

func defaultPython() string {
	// Debian's python3-torch installs for the system interpreter, which a
	// pyenv or virtualenv python3 earlier in PATH would not see.
	if _, err := os.Stat("/usr/bin/python3"); err == nil {
		return "/usr/bin/python3"
	}
	return "python3"
}
