package ops_test

import (
	"bufio"
	"flag"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

var soak = flag.Int("soak", 0, "run TestSoak for this many training steps (opt-in; 100000 for the hardening issue's soak run)")

// TestSoak is the soak run of the hardening issue, opt-in because it
// takes minutes: the benchmark MLP trained for -soak steps, Reset each
// step, with resident memory sampled 20 times. After a warm-up of a tenth
// of the steps it must stay flat: the peak of the last half no more than
// 16 MiB over the peak of the warm-up's end.
//
//	go test ./ops -run=Soak -v -timeout=1h -args -soak=100000
func TestSoak(t *testing.T) {
	if *soak <= 0 {
		t.Skip("opt-in: go test ./ops -run=Soak -v -timeout=1h -args -soak=100000")
	}
	rss := func() int {
		f, err := os.Open("/proc/self/status")
		if err != nil {
			t.Skipf("no /proc/self/status: %v", err)
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
				kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
				return kb << 10
			}
		}
		t.Skip("no VmRSS in /proc/self/status")
		return 0
	}
	s := newMLPStep()
	steps := *soak
	every := max(steps/20, 1)
	warm := steps / 10
	start := time.Now()
	var warmPeak, latePeak int
	var loss float32
	for i := 1; i <= steps; i++ {
		loss = s.step()
		if i%every != 0 && i != warm {
			continue
		}
		r := rss()
		t.Logf("step %7d: resident %6.1f MiB, loss %.4f, %v", i, float64(r)/(1<<20), loss, time.Since(start).Round(time.Second))
		switch {
		case i <= warm:
			warmPeak = max(warmPeak, r)
		case i > steps/2:
			latePeak = max(latePeak, r)
		}
	}
	t.Logf("peak resident memory: %.1f MiB at the warm-up's end (step %d), %.1f MiB in the last half", float64(warmPeak)/(1<<20), warm, float64(latePeak)/(1<<20))
	if latePeak > warmPeak+16<<20 {
		t.Errorf("resident memory grew from %d to %d bytes after the warm-up", warmPeak, latePeak)
	}
}
