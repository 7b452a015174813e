//go:build !unix

package tensor

import "time"

// cpuTime is unknown here; benchmarks then report no CPU-time metric.
func cpuTime() time.Duration { return 0 }

// CPUTime is cpuTime for the benchmarks of package tensor_test.
var CPUTime = cpuTime
