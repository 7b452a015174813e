package main

import (
	"runtime"
	"slices"
	"time"
)

// Timing: each measurement warms up with one call, picks a number of calls
// per repetition so that a repetition lasts at least minRep (one call for
// slow workloads), and times reps repetitions. A repetition's time per call
// is one sample; min, median and max are over the samples. The Python
// script does the same.

type stats struct {
	Min, Med, Max float64 // seconds per call
	Calls         int     // calls per repetition
	Reps          int
}

var (
	reps   = 5
	minRep = 100 * time.Millisecond
)

func measure(f func()) stats {
	t0 := time.Now()
	f()
	one := time.Since(t0)
	n := 1
	if one < minRep {
		n = int(minRep/max(one, time.Microsecond)) + 1
		// A second, calibrating repetition: the first call may be slow.
		t0 = time.Now()
		for range n {
			f()
		}
		per := time.Since(t0) / time.Duration(n)
		n = max(1, int(minRep/max(per, time.Nanosecond)))
	}
	samples := make([]float64, reps)
	for r := range reps {
		runtime.GC()
		t0 := time.Now()
		for range n {
			f()
		}
		samples[r] = time.Since(t0).Seconds() / float64(n)
	}
	slices.Sort(samples)
	return stats{Min: samples[0], Med: median(samples), Max: samples[len(samples)-1], Calls: n, Reps: reps}
}

func median(s []float64) float64 {
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
