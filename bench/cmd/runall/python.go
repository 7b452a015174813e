package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
)

// runPython runs torch_bench.py on the data in dir and adds its results,
// each checked like the Go systems'.
func runPython(s *suite, python, dir string, m *machine) {
	var workloads []string
	for _, wl := range workloads0() {
		if s.wants(wl) {
			workloads = append(workloads, wl)
		}
	}
	args := []string{"torch_bench.py", "--data", dir, "--reps", strconv.Itoa(reps),
		"--minrep", strconv.FormatFloat(minRep.Seconds(), 'g', -1, 64),
		"--workloads", strings.Join(workloads, ",")}
	fmt.Fprintf(os.Stderr, "python: %s %s\n", python, strings.Join(args, " "))
	cmd := exec.Command(python, args...)
	if env, note := openBLASCore(python); env != "" {
		cmd.Env = append(os.Environ(), env)
		s.notes = append(s.notes, note)
		fmt.Fprintln(os.Stderr, "python:", note)
	}
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		note := fmt.Sprintf("PyTorch and numpy: `%s torch_bench.py` failed (%v); see bench/README.md for the packages it needs.", python, err)
		s.notes = append(s.notes, note)
		fmt.Fprintln(os.Stderr, "python:", note)
		return
	}
	var rep struct {
		Versions []string `json:"versions"`
		Skip     string   `json:"skip"`
		Results  []struct {
			Workload string  `json:"workload"`
			Case     string  `json:"case"`
			System   string  `json:"system"`
			Threads  int     `json:"threads"`
			Min      float64 `json:"min"`
			Med      float64 `json:"med"`
			Max      float64 `json:"max"`
			Calls    int     `json:"calls"`
			Reps     int     `json:"reps"`
			Check    check   `json:"check"`
			Error    string  `json:"error"`
		} `json:"results"`
	}
	if err := json.NewDecoder(bytes.NewReader(out)).Decode(&rep); err != nil {
		s.notes = append(s.notes, fmt.Sprintf("PyTorch and numpy: cannot read the output of torch_bench.py: %v", err))
		s.failed = true
		return
	}
	m.python = rep.Versions
	if rep.Skip != "" {
		s.notes = append(s.notes, "PyTorch and numpy: "+rep.Skip)
		fmt.Fprintln(os.Stderr, "python: skipped:", rep.Skip)
		return
	}
	for _, pr := range rep.Results {
		r := result{Workload: pr.Workload, Case: pr.Case, System: pr.System, Threads: pr.Threads,
			stats: stats{Min: pr.Min, Med: pr.Med, Max: pr.Max, Calls: pr.Calls, Reps: pr.Reps}}
		if pr.Error != "" {
			r.Err = pr.Error
			s.failed = true
		} else if err := s.ref.verify(s.d, pr.Workload, dtypeOf(pr.Case), sizeOf(pr.Case), pr.Check); err != nil {
			r.Err = "check failed: " + err.Error()
			s.failed = true
		}
		if r.Err != "" {
			fmt.Fprintf(os.Stderr, "%-6s %-28s %s FAILED: %s\n", r.Workload, r.Case, r.System, r.Err)
		}
		s.res = append(s.res, r)
	}
}

func workloads0() []string { return []string{"worked", "chain", "mlp", "gemm", "hvp"} }

// openBLASCore returns OPENBLAS_CORETYPE=… for torch_bench.py where
// OpenBLAS, as PyTorch loads it, does not know this CPU, and a note saying
// so. OpenBLAS picks its
// kernels by CPU model; one newer than its release (0.3.21, Debian 12's,
// does not know Emerald Rapids) falls back to its Prescott (SSE3) kernels,
// at a quarter of the speed, which would flatter every other system. The
// note then names the kernels the run asked for instead: SkylakeX on a CPU
// with AVX-512, Haswell on one with AVX2. Nothing changes where the user
// set OPENBLAS_CORETYPE, or where OpenBLAS or /proc/cpuinfo cannot be read.
func openBLASCore(python string) (env, note string) {
	if os.Getenv("OPENBLAS_CORETYPE") != "" {
		return "", ""
	}
	out, err := exec.Command(python, "-c", `import torch, threadpoolctl
print(*[i.get("architecture") for i in threadpoolctl.threadpool_info() if i.get("internal_api") == "openblas"])`).Output()
	if err != nil || strings.TrimSpace(string(out)) != "Prescott" {
		return "", ""
	}
	info, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "", ""
	}
	var flags []string
	for _, line := range strings.Split(string(info), "\n") {
		if f, ok := strings.CutPrefix(line, "flags"); ok {
			flags = strings.Fields(strings.TrimLeft(f, " \t:"))
			break
		}
	}
	core := ""
	switch {
	case slices.Contains(flags, "avx512f") && slices.Contains(flags, "avx512bw") && slices.Contains(flags, "avx512dq") && slices.Contains(flags, "avx512vl"):
		core = "SkylakeX"
	case slices.Contains(flags, "avx2") && slices.Contains(flags, "fma"):
		core = "Haswell"
	default:
		return "", ""
	}
	return "OPENBLAS_CORETYPE=" + core, fmt.Sprintf("OpenBLAS does not know this CPU and would run its Prescott (SSE3) kernels, which would make PyTorch and numpy look slow; "+
		"torch_bench.py ran with OPENBLAS_CORETYPE=%s, the newest of its kernels that the CPU runs (runall leaves a variable that is already set alone).", core)
}
