package tensor

import (
	"runtime"
	"sync"
)

// The element-wise and reduction kernels split large tensors across
// GOMAXPROCS goroutines. Each goroutine writes its own contiguous range of
// the result and computes every element exactly as the serial loop does,
// so the parallel result is bit-identical to the serial one. Reductions are
// split over their outputs, never over the reduced axis, so each output is
// still accumulated in the same order.

// Per-element costs of the kernels, in units of one add; the work of a
// kernel is its number of elements times its cost. They were measured on
// a Zen 5 core: add, mul or relu about 0.3 ns per element in cache, exp,
// tanh or sin about 5–10 ns.
const (
	costCheap = 1  // add, sub, mul, neg, relu, compare, sum, max
	costDiv   = 4  // div, sqrt, a branch per element
	costTrans = 16 // exp, log, tanh, sin, pow, a call per element
)

var (
	// parallelWork is the work (elements times cost) at or above which a
	// kernel splits across goroutines. Starting and waiting for a goroutine
	// costs about 1–2 µs, so below this the split does not pay; see
	// BenchmarkParallelThreshold.
	parallelWork = 1 << 16
	// parallelWorkers, when positive, replaces GOMAXPROCS as the number of
	// goroutines for a parallel kernel. Tests set it.
	parallelWorkers = 0
)

// parallelGrain is the unit that parallelFor's chunks are a multiple of:
// 16 elements are one 64-byte cache line of float32, so two goroutines
// rarely write one line.
const parallelGrain = 16

// splits reports whether parallelFor(n, grain, work, …) would split the
// range. Hot kernels ask it first and call their loop directly when it
// would not, so that they build no closure (a heap allocation, since
// parallelFor hands its f to goroutines) for a serial run.
func splits(n, grain, work int) bool {
	return work >= parallelWork && n > grain && workers() > 1
}

// parallelFor calls f(lo, hi) on ranges that cover [0, n) once each. If
// work ≥ parallelWork and more than one goroutine is allowed, it splits
// [0, n) into one contiguous range per goroutine (each a multiple of grain
// long, but the last) and runs them at once, the last on the calling
// goroutine; otherwise it calls f(0, n).
func parallelFor(n, grain, work int, f func(lo, hi int)) {
	if !splits(n, grain, work) {
		if n > 0 {
			f(0, n)
		}
		return
	}
	w := workers()
	chunk := roundUp(ceilDiv(n, w), grain)
	var wg sync.WaitGroup
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		if hi == n {
			f(lo, hi)
			break
		}
		wg.Go(func() { f(lo, hi) })
	}
	wg.Wait()
}

// parallelElems runs f over [0, n) elements of a kernel of the given cost
// per element.
func parallelElems(n, cost int, f func(lo, hi int)) {
	parallelFor(n, parallelGrain, n*cost, f)
}

// workers returns the number of goroutines for a parallel kernel.
func workers() int {
	if parallelWorkers > 0 {
		return parallelWorkers
	}
	return runtime.GOMAXPROCS(0)
}

// parallelOutputs calls f(o0, o1, j0, j1) on blocks that cover the
// outer×inner outputs of a reduction once each, where output (o, j)
// reduces x[(o*n+k)*inner+j] over k. It splits the outer axis when there
// are at least as many outer rows as inner columns, the inner one
// otherwise; the reduced axis is never split, so every output is
// accumulated in the same order as serially. work is as for parallelFor.
func parallelOutputs(outer, inner, work int, f func(o0, o1, j0, j1 int)) {
	if outer >= inner {
		parallelFor(outer, 1, work, func(lo, hi int) { f(lo, hi, 0, inner) })
		return
	}
	grain := 1
	if inner >= parallelGrain*workers() {
		grain = parallelGrain
	}
	parallelFor(inner, grain, work, func(lo, hi int) { f(0, outer, lo, hi) })
}
