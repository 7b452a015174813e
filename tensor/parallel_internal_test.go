package tensor

import (
	"fmt"
	"math"
	"testing"
)

// serialAndParallel returns f's result computed serially and split across
// workers goroutines, forced with parallelWork = 0.
func serialAndParallel(workers int, f func() *Tensor) (serial, parallel *Tensor) {
	oldWork, oldWorkers := parallelWork, parallelWorkers
	defer func() { parallelWork, parallelWorkers = oldWork, oldWorkers }()
	parallelWork, parallelWorkers = math.MaxInt, 1
	serial = f()
	parallelWork, parallelWorkers = 0, workers
	parallel = f()
	return serial, parallel
}

// sameBits reports whether x and y have one shape, one element type and
// the same bits in every element (NaN payloads included).
func sameBits(x, y *Tensor) (bool, string) {
	if !x.shape.Equal(y.shape) || x.dtype != y.dtype {
		return false, fmt.Sprintf("shape %v %v, want %v %v", y.shape, y.dtype, x.shape, x.dtype)
	}
	for i := range x.Size() {
		var a, b uint64
		if x.dtype == Float32 {
			a, b = uint64(math.Float32bits(x.f32[i])), uint64(math.Float32bits(y.f32[i]))
		} else {
			a, b = math.Float64bits(x.f64[i]), math.Float64bits(y.f64[i])
		}
		if a != b {
			return false, fmt.Sprintf("element %d is %v, want %v", i, y.flat(i), x.flat(i))
		}
	}
	return true, ""
}

// specials is randn with NaN, ±Inf, ±0 sprinkled in, so that the parallel
// kernels are seen to propagate them as the serial ones do.
func specials(seed uint64, d DType, shape ...int) *Tensor {
	t := RandNormal(NewRand(seed), d, 0, 1, shape...)
	vals := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1)}
	for i := 0; i < t.Size(); i += 97 { // 97: a prime, so the specials land on every column
		t.setFlat(i, vals[(i/97)%len(vals)])
	}
	return t
}

func TestParallelMatchesSerial(t *testing.T) {
	type kase struct {
		name string
		f    func(d DType) *Tensor
	}
	var cases []kase
	binaries := []struct {
		name string
		f    func(x, y *Tensor) *Tensor
	}{
		{"Add", Add}, {"Sub", Sub}, {"Mul", Mul}, {"Div", Div}, {"Pow", Pow},
		{"Maximum", Maximum}, {"Minimum", Minimum}, {"Greater", Greater},
		{"Equal", Equal}, {"GatedMul", GatedMul},
	}
	shapes := [][2][]int{
		{{61, 53}, {61, 53}},   // flat
		{{61, 53}, nil},        // y a scalar
		{nil, {61, 53}},        // x a scalar
		{{61, 53}, {53}},       // y a row
		{{61, 1}, {61, 53}},    // x a column
		{{61, 1}, {1, 53}},     // outer product
		{{7, 1, 53}, {9, 1}},   // three axes
		{{2, 3000}, {1, 3000}}, // fewer rows than workers' chunks
	}
	for _, bb := range binaries {
		for _, s := range shapes {
			cases = append(cases, kase{fmt.Sprintf("%s%v%v", bb.name, s[0], s[1]), func(d DType) *Tensor {
				return bb.f(specials(1, d, s[0]...), specials(2, d, s[1]...))
			}})
		}
	}
	unaries := []struct {
		name string
		f    func(x *Tensor) *Tensor
	}{
		{"Neg", Neg}, {"Abs", Abs}, {"Sqrt", Sqrt}, {"Square", Square}, {"Exp", Exp},
		{"Log", Log}, {"Sin", Sin}, {"Cos", Cos}, {"Tan", Tan}, {"Tanh", Tanh},
		{"Sigmoid", Sigmoid}, {"ReLU", ReLU}, {"Sign", Sign}, {"Step", Step},
		{"Map", func(x *Tensor) *Tensor { return Map(x, math.Cbrt) }},
	}
	for _, u := range unaries {
		cases = append(cases, kase{u.name, func(d DType) *Tensor { return u.f(specials(3, d, 97, 89)) }})
	}
	cases = append(cases,
		kase{"ReLUGrad", func(d DType) *Tensor { return ReLUGrad(specials(4, d, 97, 89), specials(5, d, 97, 89)) }},
		kase{"Where", func(d DType) *Tensor {
			return Where(Step(specials(6, d, 97, 89)), specials(7, d, 97, 89), specials(8, d, 97, 89))
		}},
		kase{"Where/broadcast", func(d DType) *Tensor {
			return Where(Step(specials(6, Float64, 97, 1)), specials(7, d, 89), specials(8, d, 97, 89))
		}},
	)
	reductions := []struct {
		name string
		f    func(x *Tensor, axes []int, keepDims bool) *Tensor
	}{{"Sum", Sum}, {"Mean", Mean}, {"Max", Max}, {"Min", Min}}
	rshapes := [][]int{{13, 17, 19}, {3, 2000}, {2000, 3}, {40, 50, 60}}
	for _, r := range reductions {
		for _, s := range rshapes {
			for _, axes := range subsetsOf(len(s)) {
				cases = append(cases, kase{fmt.Sprintf("%s%v/axes=%v", r.name, s, axes), func(d DType) *Tensor {
					return r.f(specials(9, d, s...), axes, false)
				}})
			}
		}
	}
	for _, s := range rshapes {
		for axis := range s {
			cases = append(cases,
				kase{fmt.Sprintf("Softmax%v/axis=%d", s, axis), func(d DType) *Tensor { return Softmax(specials(10, d, s...), axis) }},
				kase{fmt.Sprintf("LogSoftmax%v/axis=%d", s, axis), func(d DType) *Tensor { return LogSoftmax(specials(11, d, s...), axis) }},
				kase{fmt.Sprintf("LogSumExp%v/axis=%d", s, axis), func(d DType) *Tensor { return LogSumExp(specials(12, d, s...), axis, false) }},
			)
		}
	}
	for _, d := range []DType{Float32, Float64} {
		for _, w := range []int{2, 3} {
			for _, c := range cases {
				t.Run(fmt.Sprintf("%v/workers=%d/%s", d, w, c.name), func(t *testing.T) {
					serial, par := serialAndParallel(w, func() *Tensor { return c.f(d) })
					if ok, msg := sameBits(serial, par); !ok {
						t.Errorf("parallel %s", msg)
					}
				})
			}
		}
	}
}

// subsetsOf returns the non-empty subsets of the axes [0, r).
func subsetsOf(r int) [][]int {
	var out [][]int
	for m := 1; m < 1<<r; m++ {
		var s []int
		for a := range r {
			if m&(1<<a) != 0 {
				s = append(s, a)
			}
		}
		out = append(out, s)
	}
	return out
}

// TestParallelForCovers checks that parallelFor's ranges cover [0, n) once
// each, with chunks a multiple of grain long.
func TestParallelForCovers(t *testing.T) {
	oldWork, oldWorkers := parallelWork, parallelWorkers
	defer func() { parallelWork, parallelWorkers = oldWork, oldWorkers }()
	parallelWork = 0
	for _, w := range []int{1, 2, 3, 8} {
		for _, n := range []int{0, 1, 15, 16, 17, 100, 1000} {
			for _, grain := range []int{1, 16} {
				parallelWorkers = w
				seen := make([]int32, n)
				ranges := make(chan [2]int, n+w)
				parallelFor(n, grain, 1, func(lo, hi int) {
					ranges <- [2]int{lo, hi}
				})
				close(ranges)
				for r := range ranges {
					if r[1] != n && (r[1]-r[0])%grain != 0 {
						t.Errorf("parallelFor(%d, %d) with %d workers: range %v is not a multiple of the grain", n, grain, w, r)
					}
					for i := r[0]; i < r[1]; i++ {
						seen[i]++
					}
				}
				for i, c := range seen {
					if c != 1 {
						t.Errorf("parallelFor(%d, %d) with %d workers: index %d covered %d times", n, grain, w, i, c)
						break
					}
				}
			}
		}
	}
}

// BenchmarkParallelThreshold times cheap (Add) and transcendental (Exp)
// kernels serially and split across GOMAXPROCS goroutines, at sizes around
// parallelWork, to place the threshold: the split pays from the size at
// which "parallel" beats "serial".
func BenchmarkParallelThreshold(b *testing.B) {
	for _, op := range []string{"Add", "Exp", "SumLast"} {
		for _, n := range []int{1 << 10, 1 << 12, 1 << 14, 1 << 16, 1 << 18} {
			for _, mode := range []string{"serial", "parallel"} {
				b.Run(fmt.Sprintf("%s/n=%d/%s", op, n, mode), func(b *testing.B) {
					oldWork := parallelWork
					defer func() { parallelWork = oldWork }()
					parallelWork = math.MaxInt
					if mode == "parallel" {
						parallelWork = 0
					}
					x, y := RandNormal(NewRand(1), Float32, 0, 1, n/256, 256), RandNormal(NewRand(2), Float32, 0, 1, n/256, 256)
					for b.Loop() {
						switch op {
						case "Add":
							Add(x, y)
						case "Exp":
							Exp(x)
						case "SumLast":
							Sum(x, []int{-1}, false)
						}
					}
				})
			}
		}
	}
}
