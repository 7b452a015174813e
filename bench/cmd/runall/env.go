package main

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
)

type machine struct {
	cpu        string
	cores      int
	memory     string
	loadBefore string
	loadAfter  string
	goVersion  string
	modules    []string // path version
	backprop   string   // git commit of the working tree
	python     []string // versions from the Python script
	peak32     float64  // measured AVX2 FMA GFLOP/s per core, 0 if not measured
	peak64     float64
	peak512    float64 // measured AVX-512 FMA float32 GFLOP/s per core, 0 if not measured
	elapsed    time.Duration
}

// Nominal per-core peaks of the development machines (issue 4): AVX2 FMA,
// two 256-bit FMA pipes on Zen 4.
const (
	nominalPeak32 = 117.0
	nominalPeak64 = 58.7
)

func describeMachine() *machine {
	m := &machine{cores: runtime.NumCPU(), goVersion: runtime.Version(), loadBefore: loadAverage()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		if r := regexp.MustCompile(`(?m)^model name\s*:\s*(.*)$`).FindSubmatch(b); r != nil {
			m.cpu = string(r[1])
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		if r := regexp.MustCompile(`MemTotal:\s*(\d+) kB`).FindSubmatch(b); r != nil {
			kb, _ := strconv.Atoi(string(r[1]))
			m.memory = fmt.Sprintf("%.0f GiB", float64(kb)/(1<<20))
		}
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range bi.Deps {
			switch dep.Path {
			case "gonum.org/v1/gonum", "gorgonia.org/gorgonia", "gorgonia.org/tensor",
				"github.com/gomlx/gomlx", "go4.org/unsafe/assume-no-moving-gc":
				m.modules = append(m.modules, dep.Path+" "+dep.Version)
			}
		}
	}
	if out, err := exec.Command("git", "-C", "..", "rev-parse", "--short", "HEAD").Output(); err == nil {
		m.backprop = strings.TrimSpace(string(out))
		// The suite measures the working tree: name what differs from HEAD
		// (outside bench/ and BENCHMARKS.md, which do not change the code).
		if st, err := exec.Command("git", "-C", "..", "status", "--porcelain", "--untracked-files=all").Output(); err == nil {
			var dirty []string
			for _, l := range strings.Split(strings.TrimRight(string(st), "\n"), "\n") {
				if len(l) < 4 {
					continue
				}
				p := strings.TrimSpace(l[3:])
				if strings.HasPrefix(p, "bench/") || p == "BENCHMARKS.md" {
					continue
				}
				dirty = append(dirty, "`"+p+"`")
			}
			if len(dirty) > 0 {
				m.backprop += " plus uncommitted changes (other work in the same tree) to " + strings.Join(dirty, ", ")
			}
		}
	}
	return m
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func load1(s string) float64 {
	f := strings.Fields(s)
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}

// measurePeak runs the tensor package's FMA-loop benchmarks (one core, no
// memory traffic) and returns the best GFLOP per CPU-second of AVX2 float32
// and float64 and of AVX-512 float32, zeros for what cannot run.
func measurePeak() (p32, p64, p512 float64) {
	fmt.Fprintln(os.Stderr, "peak: go test -run '^$' -bench PeakFMA -count 3 -cpu 1 ./tensor")
	cmd := exec.Command("go", "test", "-run", "^$", "-bench", "PeakFMA", "-count", "3", "-cpu", "1", "./tensor")
	cmd.Dir = ".."
	out, err := cmd.Output()
	if err != nil {
		fmt.Fprintln(os.Stderr, "peak: not measured:", err)
		return 0, 0, 0
	}
	re := regexp.MustCompile(`PeakFMA(/float32|/float64|512)\s.*?([\d.]+) GFLOP/cpu-s`)
	for _, l := range re.FindAllStringSubmatch(string(out), -1) {
		v, _ := strconv.ParseFloat(l[2], 64)
		switch l[1] {
		case "/float32":
			p32 = max(p32, v)
		case "/float64":
			p64 = max(p64, v)
		default:
			p512 = max(p512, v)
		}
	}
	return p32, p64, p512
}

const (
	beginMarker = "<!-- bench:begin -->"
	endMarker   = "<!-- bench:end -->"
)

// rewriteRegion replaces what lies between the markers in path with md,
// appending the markers at the end if they are missing. Nothing else in
// the file changes.
func rewriteRegion(path, md string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s := string(b)
	i, j := strings.Index(s, beginMarker), strings.Index(s, endMarker)
	switch {
	case i < 0 && j < 0:
		if !strings.HasSuffix(s, "\n") {
			s += "\n"
		}
		s += "\n" + beginMarker + "\n" + md + endMarker + "\n"
	case i < 0 || j < i:
		return fmt.Errorf("%s: markers %s and %s out of order or one missing", path, beginMarker, endMarker)
	default:
		s = s[:i+len(beginMarker)] + "\n" + md + s[j:]
	}
	return os.WriteFile(path, []byte(s), 0o644)
}
