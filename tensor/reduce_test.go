package tensor_test

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/seed812a03d2/backprop/tensor"
)

type reducer struct {
	name string
	f    func(x *tensor.Tensor, axes []int, keepDims bool) *tensor.Tensor
}

var reducers = []reducer{
	{"Sum", tensor.Sum},
	{"Mean", tensor.Mean},
	{"Max", tensor.Max},
	{"Min", tensor.Min},
}

// naiveReduce reduces x over the axes in the set (already in [0, rank)),
// visiting one element at a time, in float64. The result has x's dtype
// only in name: it is computed and stored exactly in float64.
func naiveReduce(op string, x *tensor.Tensor, axes []int, keepDims bool) (tensor.Shape, []float64) {
	if len(axes) == 0 {
		for i := range x.Shape() {
			axes = append(axes, i)
		}
	}
	var keep, drop tensor.Shape // result shape with and without the axes
	for i, d := range x.Shape() {
		if slices.Contains(axes, i) {
			keep = append(keep, 1)
			continue
		}
		keep = append(keep, d)
		drop = append(drop, d)
	}
	n := keep.Size()
	acc := make([]float64, n)
	count := make([]int, n)
	for i := range acc {
		switch op {
		case "Max":
			acc[i] = math.Inf(-1)
		case "Min":
			acc[i] = math.Inf(1)
		}
	}
	data := x.Data()
	for i, v := range data {
		idx := unravel(i, x.Shape())
		o := 0
		for a, k := range idx {
			if slices.Contains(axes, a) {
				k = 0
			}
			o = o*keep[a] + k
		}
		count[o]++
		switch op {
		case "Sum", "Mean":
			acc[o] += v
		case "Max":
			if math.IsNaN(v) || math.IsNaN(acc[o]) {
				acc[o] = math.NaN()
			} else {
				acc[o] = math.Max(acc[o], v)
			}
		case "Min":
			if math.IsNaN(v) || math.IsNaN(acc[o]) {
				acc[o] = math.NaN()
			} else {
				acc[o] = math.Min(acc[o], v)
			}
		}
	}
	if op == "Mean" {
		for i := range acc {
			acc[i] /= float64(count[i]) // 0/0 = NaN for an empty reduction
		}
	}
	if keepDims {
		return keep, acc
	}
	return drop, acc
}

// subsets returns every subset of the axes 0..r-1, nil (all axes) first.
func subsets(r int) [][]int {
	var out [][]int
	for m := range 1 << r {
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

func TestReduceVsNaive(t *testing.T) {
	shapes := []tensor.Shape{{2, 3, 4}, {3, 1, 4, 2}, {2, 0, 3}, {5}}
	for _, r := range reducers {
		for _, d := range dtypes {
			for si, s := range shapes {
				x := randn(uint64(si+10), d, s...)
				if si == 1 {
					// A NaN and an infinity in the 4-d tensor.
					x.Set(math.NaN(), 1, 0, 2, 1)
					x.Set(math.Inf(-1), 0, 0, 0, 0)
				}
				xd := x.Data()
				for _, axes := range subsets(len(s)) {
					for _, keep := range []bool{false, true} {
						call := fmt.Sprintf("%s(%v %v, %v, %v)", r.name, d, s, axes, keep)
						t.Run(call, func(t *testing.T) {
							shape, want := naiveReduce(r.name, x, axes, keep)
							got := r.f(x, axes, keep)
							checkTensor(t, call, got, d, shape, roundAll(d, want), tolFor(d))

							// The same axes negative and reversed.
							if len(axes) > 0 {
								neg := make([]int, len(axes))
								for i, a := range axes {
									neg[len(axes)-1-i] = a - len(s)
								}
								sameTensor(t, fmt.Sprintf("%s(..., %v, %v)", r.name, neg, keep), r.f(x, neg, keep), got, 0)
							}
							checkTensor(t, call+" operand", x, d, s, xd, 0)
						})
					}
				}
			}
		}
	}
}

func TestReduceValues(t *testing.T) {
	x := tensor.FromFloat64s([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	// Wants computed by hand.
	tests := []struct {
		op    string
		f     func(*tensor.Tensor, []int, bool) *tensor.Tensor
		axes  []int
		keep  bool
		shape tensor.Shape
		want  []float64
	}{
		{"Sum", tensor.Sum, []int{0}, false, tensor.Shape{3}, []float64{5, 7, 9}},
		{"Sum", tensor.Sum, []int{1}, false, tensor.Shape{2}, []float64{6, 15}},
		{"Sum", tensor.Sum, []int{-1}, true, tensor.Shape{2, 1}, []float64{6, 15}},
		{"Sum", tensor.Sum, nil, false, nil, []float64{21}},
		{"Sum", tensor.Sum, []int{}, true, tensor.Shape{1, 1}, []float64{21}},
		{"Sum", tensor.Sum, []int{1, 0}, false, nil, []float64{21}},
		{"Mean", tensor.Mean, []int{0}, true, tensor.Shape{1, 3}, []float64{2.5, 3.5, 4.5}},
		{"Mean", tensor.Mean, []int{1}, false, tensor.Shape{2}, []float64{2, 5}},
		{"Mean", tensor.Mean, nil, false, nil, []float64{3.5}},
		{"Max", tensor.Max, []int{0}, false, tensor.Shape{3}, []float64{4, 5, 6}},
		{"Max", tensor.Max, []int{-1}, false, tensor.Shape{2}, []float64{3, 6}},
		{"Max", tensor.Max, nil, true, tensor.Shape{1, 1}, []float64{6}},
		{"Min", tensor.Min, []int{0}, false, tensor.Shape{3}, []float64{1, 2, 3}},
		{"Min", tensor.Min, []int{1}, true, tensor.Shape{2, 1}, []float64{1, 4}},
		{"Min", tensor.Min, nil, false, nil, []float64{1}},
	}
	for _, tt := range tests {
		for _, d := range dtypes {
			call := fmt.Sprintf("%s(%v, %v, %v)", tt.op, x, tt.axes, tt.keep)
			t.Run(call+"/"+d.String(), func(t *testing.T) {
				checkTensor(t, call, tt.f(x.AsType(d), tt.axes, tt.keep), d, tt.shape, tt.want, 0)
			})
		}
	}

	t.Run("scalar", func(t *testing.T) {
		for _, r := range reducers {
			for _, d := range dtypes {
				s := tensor.Scalar(3).AsType(d)
				for _, keep := range []bool{false, true} {
					got := r.f(s, nil, keep)
					checkTensor(t, r.name+"(Scalar(3), nil)", got, d, nil, []float64{3}, 0)
					got.Set(4)
					if s.Item() != 3 {
						t.Errorf("%s(Scalar(3), nil) shares storage with its operand", r.name)
					}
				}
			}
		}
	})
	t.Run("Mean float32", func(t *testing.T) {
		// The mean of 0..9 is 4.5 exactly.
		got := tensor.Mean(tensor.Arange(f32, 0, 10, 1), nil, false)
		checkTensor(t, "Mean(float32 0..9, nil)", got, f32, nil, []float64{4.5}, 0)
	})
}

func TestReduceNaN(t *testing.T) {
	rows := [][]float64{
		{nan, 1, 3},
		{1, nan, 3},
		{1, 3, nan},
		{nan, nan, nan},
		{-inf, nan, inf},
	}
	for _, row := range rows {
		for _, d := range dtypes {
			x := fromData(d, row)
			for _, r := range reducers {
				if got := r.f(x, nil, false).Item(); !math.IsNaN(got) {
					t.Errorf("%s(%v %v, nil) = %v; want NaN", r.name, d, x, got)
				}
			}
		}
	}
	// Along an axis NaN spreads only to its own column.
	x := tensor.FromFloat64s([]float64{1, nan, 2, 3, -inf, inf}, 3, 2)
	checkTensor(t, "Max([[1 NaN] [2 3] [-Inf +Inf]], [0])", tensor.Max(x, []int{0}, false), f64, tensor.Shape{2}, []float64{2, nan}, 0)
	checkTensor(t, "Min([[1 NaN] [2 3] [-Inf +Inf]], [0])", tensor.Min(x, []int{0}, false), f64, tensor.Shape{2}, []float64{-inf, nan}, 0)
	checkTensor(t, "Max([[1 NaN] [2 3] [-Inf +Inf]], [1])", tensor.Max(x, []int{1}, false), f64, tensor.Shape{3}, []float64{nan, 3, inf}, 0)
	checkTensor(t, "Sum([[1 NaN] [2 3] [-Inf +Inf]], [1])", tensor.Sum(x, []int{1}, false), f64, tensor.Shape{3}, []float64{nan, 5, nan}, 0)
	// Infinities are ordinary values to Max and Min.
	y := tensor.FromFloat64s([]float64{-inf, -inf})
	checkTensor(t, "Max([-Inf -Inf], nil)", tensor.Max(y, nil, false), f64, nil, []float64{-inf}, 0)
	checkTensor(t, "Min([-Inf -Inf], nil)", tensor.Min(y, nil, false), f64, nil, []float64{-inf}, 0)
}

func TestReduceEmpty(t *testing.T) {
	// numpy: sum of nothing is 0, mean is NaN; this package's Max of
	// nothing is -Inf (documented) and Min +Inf.
	for _, d := range dtypes {
		t.Run(d.String(), func(t *testing.T) {
			e := tensor.Zeros(d, 0)
			checkTensor(t, "Sum([], nil)", tensor.Sum(e, nil, false), d, nil, []float64{0}, 0)
			checkTensor(t, "Mean([], nil)", tensor.Mean(e, nil, false), d, nil, []float64{nan}, 0)
			checkTensor(t, "Max([], nil)", tensor.Max(e, nil, false), d, nil, []float64{-inf}, 0)
			checkTensor(t, "Min([], nil)", tensor.Min(e, nil, false), d, nil, []float64{inf}, 0)

			m := tensor.Zeros(d, 2, 0)
			checkTensor(t, "Sum([2 0], [1])", tensor.Sum(m, []int{1}, false), d, tensor.Shape{2}, []float64{0, 0}, 0)
			checkTensor(t, "Mean([2 0], [1])", tensor.Mean(m, []int{1}, true), d, tensor.Shape{2, 1}, []float64{nan, nan}, 0)
			checkTensor(t, "Max([2 0], [1])", tensor.Max(m, []int{1}, false), d, tensor.Shape{2}, []float64{-inf, -inf}, 0)
			checkTensor(t, "Sum([2 0], [0])", tensor.Sum(m, []int{0}, false), d, tensor.Shape{0}, nil, 0)
			checkTensor(t, "Mean([2 0], [0])", tensor.Mean(m, []int{0}, true), d, tensor.Shape{1, 0}, nil, 0)
		})
	}
}

func TestReduceAxisErrors(t *testing.T) {
	x := tensor.Zeros(f64, 2, 3, 4)
	tests := []struct {
		name string
		axes []int
		msg  string // after "tensor: Op: "
	}{
		{"too large", []int{3}, "shape [2 3 4]: axis 3 out of range for rank 3"},
		{"too negative", []int{-4}, "shape [2 3 4]: axis -4 out of range for rank 3"},
		{"far out", []int{0, 10}, "shape [2 3 4]: axis 10 out of range for rank 3"},
		{"repeated", []int{1, 1}, "shape [2 3 4]: repeated axis"},
		{"repeated negative", []int{1, -2}, "shape [2 3 4]: repeated axis"},
		{"repeated all", []int{0, 1, 2, -1}, "shape [2 3 4]: repeated axis"},
	}
	for _, r := range reducers {
		for _, tt := range tests {
			t.Run(r.name+"/"+tt.name, func(t *testing.T) {
				mustPanicWith(t, fmt.Sprintf("%s([2 3 4], %v)", r.name, tt.axes),
					func() { r.f(x, tt.axes, false) }, shapeErr, "tensor: "+r.name+": "+tt.msg)
			})
		}
		t.Run(r.name+"/scalar axis 0", func(t *testing.T) {
			mustPanic(t, r.name+"(Scalar(1), [0])", func() { r.f(tensor.Scalar(1), []int{0}, true) }, shapeErr)
		})
	}
}

func TestNormAxesReducedShape(t *testing.T) {
	s := tensor.Shape{2, 3, 4}
	tests := []struct {
		axes      []int
		norm      []int
		keep, cut tensor.Shape
	}{
		{nil, []int{0, 1, 2}, tensor.Shape{1, 1, 1}, nil},
		{[]int{}, []int{0, 1, 2}, tensor.Shape{1, 1, 1}, nil},
		{[]int{1}, []int{1}, tensor.Shape{2, 1, 4}, tensor.Shape{2, 4}},
		{[]int{-1, 0}, []int{0, 2}, tensor.Shape{1, 3, 1}, tensor.Shape{3}},
		{[]int{2, -2}, []int{1, 2}, tensor.Shape{2, 1, 1}, tensor.Shape{2}},
	}
	for _, tt := range tests {
		got := tensor.NormAxes("Test", tt.axes, s)
		if !slices.Equal(got, tt.norm) {
			t.Errorf("NormAxes(%q, %v, %v) = %v; want %v", "Test", tt.axes, s, got, tt.norm)
		}
		if got := tensor.ReducedShape(s, tt.norm, true); !got.Equal(tt.keep) {
			t.Errorf("ReducedShape(%v, %v, true) = %v; want %v", s, tt.norm, got, tt.keep)
		}
		if got := tensor.ReducedShape(s, tt.norm, false); !got.Equal(tt.cut) {
			t.Errorf("ReducedShape(%v, %v, false) = %v; want %v", s, tt.norm, got, tt.cut)
		}
	}
	if got := tensor.NormAxes("Test", nil, nil); len(got) != 0 {
		t.Errorf("NormAxes(%q, nil, []) = %v; want []", "Test", got)
	}
	mustPanicWith(t, "NormAxes(\"Op\", [5], [2 3 4])", func() { tensor.NormAxes("Op", []int{5}, s) }, shapeErr,
		"tensor: Op: shape [2 3 4]: axis 5 out of range for rank 3")
}

// naiveLSE is log(sum(exp(x))) over axis, without any care for overflow:
// fine for moderate x.
func naiveLSE(x *tensor.Tensor, axis int) (tensor.Shape, []float64) {
	shape, sums := naiveReduce("Sum", tensor.Exp(x.AsType(f64)), []int{axis}, true)
	for i, s := range sums {
		sums[i] = math.Log(s)
	}
	return shape, sums
}

func TestLogSumExp(t *testing.T) {
	ln2 := math.Ln2
	// Wants computed by hand; [1 2 3] agrees with
	// scipy.special.logsumexp([1, 2, 3]) = 3.40760596444438.
	tests := []struct {
		name string
		in   []float64
		want float64
	}{
		{"large equal", []float64{1000, 1000}, 1000 + ln2},
		{"large negative equal", []float64{-1000, -1000}, -1000 + ln2},
		{"large spread", []float64{1000, 0}, 1000},
		{"small", []float64{1, 2, 3}, 3.4076059644443806},
		{"single", []float64{-7}, -7},
		{"all -Inf", []float64{-inf, -inf}, -inf},
		{"one -Inf", []float64{-inf, 0}, 0},
		{"+Inf", []float64{1, inf}, inf},
		{"NaN", []float64{1, nan, 2}, nan},
		{"empty", nil, -inf},
	}
	for _, tt := range tests {
		for _, d := range dtypes {
			t.Run(tt.name+"/"+d.String(), func(t *testing.T) {
				x := fromData(d, tt.in)
				got := tensor.LogSumExp(x, 0, false)
				checkTensor(t, fmt.Sprintf("LogSumExp(%v, 0, false)", x), got, d, nil, []float64{round(d, tt.want)}, tolFor(d)/100)
				got = tensor.LogSumExp(x, -1, true)
				checkTensor(t, fmt.Sprintf("LogSumExp(%v, -1, true)", x), got, d, tensor.Shape{1}, []float64{round(d, tt.want)}, tolFor(d)/100)
			})
		}
	}

	for _, d := range dtypes {
		x := tensor.RandNormal(tensor.NewRand(5), d, 0, 3, 2, 3, 4)
		for axis := -3; axis < 3; axis++ {
			for _, keep := range []bool{false, true} {
				call := fmt.Sprintf("LogSumExp(%v [2 3 4], %d, %v)", d, axis, keep)
				t.Run(call, func(t *testing.T) {
					shape, want := naiveLSE(x, (axis+3)%3)
					if !keep {
						shape = slices.Delete(slices.Clone(shape), (axis+3)%3, (axis+3)%3+1)
					}
					checkTensor(t, call, tensor.LogSumExp(x, axis, keep), d, shape, roundAll(d, want), tolFor(d))
				})
			}
		}
	}

	t.Run("rows", func(t *testing.T) {
		x := tensor.FromFloat64s([]float64{1000, 1000, -inf, -inf, 0, math.Log(3)}, 3, 2)
		checkTensor(t, "LogSumExp([[1000 1000] [-Inf -Inf] [0 ln 3]], 1, false)", tensor.LogSumExp(x, 1, false),
			f64, tensor.Shape{3}, []float64{1000 + ln2, -inf, 2 * ln2}, 1e-15)
	})
	t.Run("axis errors", func(t *testing.T) {
		x := tensor.Zeros(f64, 2, 3)
		mustPanicWith(t, "LogSumExp([2 3], 2, false)", func() { tensor.LogSumExp(x, 2, false) }, shapeErr,
			"tensor: LogSumExp: shape [2 3]: axis 2 out of range for rank 2")
		mustPanic(t, "LogSumExp([2 3], -3, false)", func() { tensor.LogSumExp(x, -3, false) }, shapeErr)
		mustPanic(t, "LogSumExp(Scalar(1), 0, false)", func() { tensor.LogSumExp(tensor.Scalar(1), 0, false) }, shapeErr)
	})
}

func TestSoftmax(t *testing.T) {
	// Wants: numpy gives softmax([1, 2, 3]) =
	// [0.09003057317038046 0.24472847105479764 0.6652409557748219].
	tests := []struct {
		name string
		in   []float64
		want []float64
	}{
		{"small", []float64{1, 2, 3}, []float64{0.09003057317038046, 0.24472847105479764, 0.6652409557748219}},
		{"large equal", []float64{1000, 1000}, []float64{0.5, 0.5}},
		// LogSumExp([1e6 1e6]) rounds to 1000000.6875 in float32; the
		// result must not inherit that error (it once gave 0.50283).
		{"huge equal", []float64{1e6, 1e6}, []float64{0.5, 0.5}},
		{"large spread", []float64{-1000, 0, 1000}, []float64{0, 0, 1}},
		{"one -Inf", []float64{-inf, 0, 0}, []float64{0, 0.5, 0.5}},
		{"single", []float64{42}, []float64{1}},
	}
	for _, tt := range tests {
		for _, d := range dtypes {
			t.Run(tt.name+"/"+d.String(), func(t *testing.T) {
				x := fromData(d, tt.in)
				call := fmt.Sprintf("Softmax(%v, 0)", x)
				checkTensor(t, call, tensor.Softmax(x, 0), d, x.Shape(), roundAll(d, tt.want), tolFor(d)/100)
				ls := tensor.LogSoftmax(x, -1)
				checkTensor(t, fmt.Sprintf("Exp(LogSoftmax(%v, -1))", x), tensor.Exp(ls), d, x.Shape(), roundAll(d, tt.want), tolFor(d)/100)
			})
		}
	}

	t.Run("LogSoftmax values", func(t *testing.T) {
		// log(0.5) = -ln 2; log(1/(1+e**-1000)) rounds to 0.
		x := tensor.FromFloat64s([]float64{1000, 1000, 0, -1000, 1e15, 1e15}, 3, 2)
		for _, d := range dtypes {
			x := x.AsType(d)
			if d == f32 {
				x = tensor.Minimum(x, tensor.Scalar32(1e6)) // keep it a float32 that is huge but exact
			}
			call := fmt.Sprintf("LogSoftmax(%v, 1)", x)
			checkTensor(t, call, tensor.LogSoftmax(x, 1), d, tensor.Shape{3, 2},
				roundAll(d, []float64{-math.Ln2, -math.Ln2, 0, -1000, -math.Ln2, -math.Ln2}), 1e-15)
			checkTensor(t, "Softmax"+call[len("LogSoftmax"):], tensor.Softmax(x, 1), d, tensor.Shape{3, 2},
				[]float64{0.5, 0.5, 1, 0, 0.5, 0.5}, 1e-15)
		}
	})
	t.Run("non-finite", func(t *testing.T) {
		// As scipy.special.softmax and log_softmax: +Inf gives NaN at
		// its own place, and a row of -Inf gives NaN everywhere.
		x := tensor.FromFloat64s([]float64{1, inf, -inf, -inf, 1, nan}, 3, 2)
		checkTensor(t, "Softmax([[1 +Inf] [-Inf -Inf] [1 NaN]], 1)", tensor.Softmax(x, 1), f64, tensor.Shape{3, 2},
			[]float64{0, nan, nan, nan, nan, nan}, 0)
		checkTensor(t, "LogSoftmax([[1 +Inf] [-Inf -Inf] [1 NaN]], 1)", tensor.LogSoftmax(x, 1), f64, tensor.Shape{3, 2},
			[]float64{-inf, nan, nan, nan, nan, nan}, 0)
	})
	t.Run("empty axis", func(t *testing.T) {
		e := tensor.Zeros(f32, 2, 0)
		checkTensor(t, "Softmax([2 0], 1)", tensor.Softmax(e, 1), f32, tensor.Shape{2, 0}, nil, 0)
		checkTensor(t, "LogSoftmax([2 0], -1)", tensor.LogSoftmax(e, -1), f32, tensor.Shape{2, 0}, nil, 0)
	})

	for _, d := range dtypes {
		x := tensor.RandNormal(tensor.NewRand(9), d, 0, 5, 3, 4, 5)
		for axis := -3; axis < 3; axis++ {
			call := fmt.Sprintf("Softmax(%v [3 4 5], %d)", d, axis)
			t.Run(call, func(t *testing.T) {
				s := tensor.Softmax(x, axis)
				if !s.Shape().Equal(x.Shape()) || s.DType() != d {
					t.Fatalf("%s has shape %v dtype %v; want %v %v", call, s.Shape(), s.DType(), x.Shape(), d)
				}
				for _, v := range s.Data() {
					if !(v >= 0 && v <= 1) {
						t.Fatalf("%s has element %v outside [0, 1]", call, v)
					}
				}
				sums := tensor.Sum(s, []int{axis}, false)
				checkTensor(t, "Sum("+call+")", sums, d, sums.Shape(), filled(sums.Size(), 1), tolFor(d))
				// log(softmax) = LogSoftmax.
				ls := tensor.LogSoftmax(x, axis)
				sameTensor(t, "Exp(LogSoftmax(...))", tensor.Exp(ls), s, tolFor(d))
				// Softmax is invariant under adding a constant along the axis.
				shifted := tensor.Softmax(tensor.Add(x, tensor.Scalar(100).AsType(d)), axis)
				sameTensor(t, "Softmax(x+100)", shifted, s, tolFor(d)*10)
			})
		}
	}

	t.Run("axis errors", func(t *testing.T) {
		x := tensor.Zeros(f32, 2, 3)
		mustPanicWith(t, "Softmax([2 3], 2)", func() { tensor.Softmax(x, 2) }, shapeErr,
			"tensor: Softmax: shape [2 3]: axis 2 out of range for rank 2")
		mustPanicWith(t, "LogSoftmax([2 3], -3)", func() { tensor.LogSoftmax(x, -3) }, shapeErr,
			"tensor: LogSoftmax: shape [2 3]: axis -3 out of range for rank 2")
	})
}

func TestCumSum(t *testing.T) {
	x := tensor.FromFloat64s([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	for _, c := range []struct {
		axis    int
		reverse bool
		want    string
	}{
		{1, false, "[1 3 6 4 9 15]"},
		{-1, true, "[6 5 3 15 11 6]"},
		{0, false, "[1 2 3 5 7 9]"},
		{0, true, "[5 7 9 4 5 6]"},
	} {
		if got := fmt.Sprint(tensor.CumSum(x, c.axis, c.reverse).Data()); got != c.want {
			t.Errorf("CumSum(axis %d, reverse %v) = %s; want %s", c.axis, c.reverse, got, c.want)
		}
	}
	if got := fmt.Sprint(tensor.CumSum(x.AsType(tensor.Float32), 1, false).Data()); got != "[1 3 6 4 9 15]" {
		t.Errorf("float32 CumSum = %s", got)
	}
	if tensor.Catch(func() { tensor.CumSum(x, 2, false) }) == nil {
		t.Error("CumSum over axis 2 of [2 3]: no error")
	}
}

func TestProd(t *testing.T) {
	x := tensor.FromFloat64s([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	if got := fmt.Sprint(tensor.Prod(x, []int{1}, false).Data(), tensor.Prod(x, []int{0}, true).Data(), tensor.Prod(x, nil, false).Data()); got != "[6 120] [4 10 18] [720]" {
		t.Errorf("Prod = %s", got)
	}
	if got := tensor.Prod(tensor.New(tensor.Float64, 2, 0), []int{1}, false).Data(); fmt.Sprint(got) != "[1 1]" {
		t.Errorf("Prod over an empty axis = %v; want ones", got)
	}
}

// TestSumAroundKeptAxes checks the one-pass sum over a leading and a
// trailing run of axes (a bias's gradient) against summing one axis at a
// time.
func TestSumAroundKeptAxes(t *testing.T) {
	x := tensor.RandNormal(tensor.NewRand(8), tensor.Float64, 0, 1, 3, 4, 5, 6)
	for _, axes := range [][]int{{0, 3}, {0, 2, 3}, {0, 1, 3}, {-4, -1}} {
		got := tensor.Sum(x, axes, true)
		want := x
		norm := tensor.NormAxes("test", axes, x.Shape())
		for i := len(norm) - 1; i >= 0; i-- {
			want = tensor.Sum(want, []int{norm[i]}, true)
		}
		if !got.Shape().Equal(want.Shape()) {
			t.Fatalf("Sum over %v: shape %v; want %v", axes, got.Shape(), want.Shape())
		}
		for i, w := range want.Float64s() {
			if g := got.Float64s()[i]; math.Abs(g-w) > 1e-12*math.Max(1, math.Abs(w)) {
				t.Errorf("Sum over %v: element %d = %v; want %v", axes, i, g, w)
			}
		}
	}
	b := tensor.SumTo(x, 1, 4, 1, 1)
	for c := range 4 {
		var w float64
		for n := range 3 {
			for h := range 5 {
				for v := range 6 {
					w += x.At(n, c, h, v)
				}
			}
		}
		if g := b.At(0, c, 0, 0); math.Abs(g-w) > 1e-12*math.Max(1, math.Abs(w)) {
			t.Errorf("SumTo [1 4 1 1] channel %d = %v; want %v", c, g, w)
		}
	}
}
