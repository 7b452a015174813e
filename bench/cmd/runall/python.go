package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
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
		Notes    []string `json:"notes"` // what the script did about OpenBLAS's kernels (bench/openblas.py)
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
	for _, n := range rep.Notes {
		s.notes = append(s.notes, "PyTorch and numpy: "+n)
		fmt.Fprintln(os.Stderr, "python:", n)
	}
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
