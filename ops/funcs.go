package ops

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// Func is an operation as a graph program calls it by name: sin(x),
// max(a, b), sum(x, axis=1), reshape(x, 2, 3). The table of them, Funcs,
// is the one list of the language's built-in functions: package program
// hands their names and arguments to the parser and builds calls with
// Apply, and package explain writes a node back as the call that made it
// (Written).
type Func struct {
	Name string // as a program calls it
	Doc  string // what it computes, with its convention at kinks

	// MinArgs and MaxArgs bound the number of operands, the tensor
	// arguments that come first.
	MinArgs, MaxArgs int
	// Ints is -1 for a function that takes no integer arguments, or the
	// least number of integer arguments that follow the operands, which
	// may be any number from there on: reshape's sizes (1) or transpose's
	// permutation (0).
	Ints int
	// Axis is whether it takes a named argument axis=K.
	Axis bool

	// Apply records the call. Its errors say what is wrong with the
	// arguments, beginning with the function's name; the caller adds
	// where the call is.
	Apply func(a Args) (ad.Node, error)
}

// Args are the arguments of one call of a Func.
type Args struct {
	X       []ad.Node // the operands
	Ints    []int     // the integer arguments after them
	Axis    int       // the axis=K argument, if HasAxis
	HasAxis bool
}

// Funcs returns the table of functions that graph programs call by name,
// sorted by name.
func Funcs() []Func { return slices.Clone(funcs) }

func unary(name, doc string, f func(ad.Node) ad.Node) Func {
	return Func{Name: name, Doc: doc, MinArgs: 1, MaxArgs: 1, Ints: -1,
		Apply: func(a Args) (ad.Node, error) { return f(a.X[0]), nil }}
}

func binary(name, doc string, f func(x, y ad.Node) ad.Node) Func {
	return Func{Name: name, Doc: doc, MinArgs: 2, MaxArgs: 2, Ints: -1,
		Apply: func(a Args) (ad.Node, error) {
			if err := Broadcastable(name, a.X[0].Shape(), a.X[1].Shape()); err != nil {
				return ad.Node{}, err
			}
			return f(a.X[0], a.X[1]), nil
		}}
}

// withDefault is an element-wise function of x and a parameter, which is
// def when the call leaves it out.
func withDefault(name, doc string, f func(x, p ad.Node) ad.Node, def float64) Func {
	fn := binary(name, doc, f)
	fn.MinArgs = 1
	apply := fn.Apply
	fn.Apply = func(a Args) (ad.Node, error) {
		if len(a.X) == 1 {
			return f(a.X[0], Const(a.X[0], def)), nil
		}
		return apply(a)
	}
	return fn
}

// reductionFunc is a function over all elements or over axis=K. With two
// operands and no axis, pair is applied element-wise instead (max(a, b)).
func reductionFunc(name, doc string, f func(ad.Node, ...int) ad.Node, pair func(x, y ad.Node) ad.Node) Func {
	fn := Func{Name: name, Doc: doc, MinArgs: 1, MaxArgs: 1, Ints: -1, Axis: true}
	if pair != nil {
		fn.MaxArgs = 2
	}
	fn.Apply = func(a Args) (ad.Node, error) {
		x := a.X[0]
		if len(a.X) == 2 {
			if a.HasAxis {
				return ad.Node{}, fmt.Errorf("%s: axis= is for the reduction %s(x, axis=K), not for the element-wise %s(a, b)", name, name, name)
			}
			if err := Broadcastable(name, x.Shape(), a.X[1].Shape()); err != nil {
				return ad.Node{}, err
			}
			return pair(x, a.X[1]), nil
		}
		if !a.HasAxis {
			return f(x), nil
		}
		k, err := axisOf(name, x, a.Axis)
		if err != nil {
			return ad.Node{}, err
		}
		return f(x, k), nil
	}
	return fn
}

// overAxis is a function over one axis, the last unless axis=K says
// otherwise.
func overAxis(name, doc string, f func(ad.Node, int) ad.Node) Func {
	return Func{Name: name, Doc: doc, MinArgs: 1, MaxArgs: 1, Ints: -1, Axis: true,
		Apply: func(a Args) (ad.Node, error) {
			x := a.X[0]
			if len(x.Shape()) == 0 {
				return ad.Node{}, fmt.Errorf("%s of a scalar: it normalises over an axis, and a scalar has none", name)
			}
			k := -1
			if a.HasAxis {
				k = a.Axis
			}
			k, err := axisOf(name, x, k)
			if err != nil {
				return ad.Node{}, err
			}
			return f(x, k), nil
		}}
}

var funcs = func() []Func {
	fs := []Func{
		unary("abs", "|x|; abs'(0) = 0", Abs),
		unary("cos", "cos(x)", Cos),
		unary("erf", "the error function, 2/√π·∫₀ˣ e^(-t²) dt", Erf),
		unary("exp", "eˣ", Exp),
		unary("gelu", "x·Φ(x) = x/2·(1 + erf(x/√2)), the exact Gaussian error linear unit", GELU),
		unary("log", "natural logarithm", Log),
		unary("log_sigmoid", "log(σ(x)) = -softplus(-x), without overflow", LogSigmoid),
		unary("relu", "max(x, 0); relu'(0) = 0", ReLU),
		unary("sigmoid", "σ(x) = 1/(1+e⁻ˣ)", Sigmoid),
		unary("sin", "sin(x)", Sin),
		unary("softplus", "log(1 + eˣ), without overflow", Softplus),
		unary("sqrt", "√x", Sqrt),
		unary("square", "x²", Square),
		unary("tan", "tan(x)", Tan),
		unary("tanh", "tanh(x)", Tanh),
		unary("asin", "arc sine; NaN outside [-1, 1]", Asin),
		unary("acos", "arc cosine; NaN outside [-1, 1]", Acos),
		unary("atan", "arc tangent", Atan),
		unary("log1p", "log(1 + x), accurate near 0", Log1p),
		unary("expm1", "eˣ - 1, accurate near 0", Expm1),
		unary("silu", "x·σ(x) (swish)", SiLU),
		unary("sign", "-1, 0 or 1; zero gradient", Sign),
		unary("floor", "the greatest integer not above x; zero gradient", Floor),
		unary("ceil", "the least integer not below x; zero gradient", Ceil),
		unary("round", "the nearest integer, halves to even; zero gradient", Round),
		binary("atan2", "atan2(y, x): the angle of the point (x, y), in (-π, π]", Atan2),
		withDefault("leaky_relu", "x where x > 0, slope·x elsewhere; leaky_relu(x) has slope 0.01, leaky_relu(x, slope) another; the derivative at 0 is the slope", LeakyReLU, 0.01),
		withDefault("elu", "x where x > 0, α·(eˣ - 1) elsewhere; elu(x) has α = 1, elu(x, α) another; the derivative at 0 is α", ELU, 1),
		{Name: "clamp", Doc: "clamp(x, lo, hi): x clipped to [lo, hi]; at a bound the gradient goes to x", MinArgs: 3, MaxArgs: 3, Ints: -1,
			Apply: func(a Args) (ad.Node, error) {
				for _, pair := range [][2]ad.Node{{a.X[0], a.X[1]}, {a.X[0], a.X[2]}, {a.X[1], a.X[2]}} {
					if err := Broadcastable("clamp", pair[0].Shape(), pair[1].Shape()); err != nil {
						return ad.Node{}, err
					}
				}
				return Clamp(a.X[0], a.X[1], a.X[2]), nil
			}},
		binary("pow", "a raised to b, as a^b", Pow),
		reductionFunc("max", "max(a, b): the larger of a and b element-wise, at a tie each gets half the gradient; "+
			"max(x): the largest element, max(x, axis=K) over axis K, ties share the gradient", Max, Maximum),
		reductionFunc("min", "min(a, b): the smaller of a and b element-wise, at a tie each gets half the gradient; "+
			"min(x): the smallest element, min(x, axis=K) over axis K, ties share the gradient", Min, Minimum),
		reductionFunc("sum", "sum(x): the sum of all elements; sum(x, axis=K) over axis K, which is removed", Sum, nil),
		reductionFunc("prod", "prod(x): the product of all elements; prod(x, axis=K) over axis K; its derivative is exact where elements are 0", Prod, nil),
		reductionFunc("mean", "mean(x): the mean of all elements; mean(x, axis=K) over axis K, which is removed", Mean, nil),
		reductionFunc("var", "var(x): the sample variance of all elements, Σ(x - mean)²/(n - 1) as PyTorch's default; var(x, axis=K) over axis K", varFunc, nil),
		reductionFunc("std", "std(x): the sample standard deviation, √var(x); std(x, axis=K) over axis K", stdFunc, nil),
		overAxis("cumsum", "the running sums along the last axis, or axis=K", CumSum),
		overAxis("softmax", "exp(x)/Σ exp(x) over the last axis, or axis=K, computed stably", Softmax),
		overAxis("log_softmax", "x - logsumexp(x) over the last axis, or axis=K, computed stably", LogSoftmax),
		{Name: "logsumexp", Doc: "log(Σ exp(x)) over all elements, or over axis=K (removed), computed stably",
			MinArgs: 1, MaxArgs: 1, Ints: -1, Axis: true, Apply: applyLogSumExp},
		{Name: "dot", Doc: "the inner product Σ aᵢ·bᵢ of two vectors of the same length",
			MinArgs: 2, MaxArgs: 2, Ints: -1, Apply: applyDot},
		{Name: "transpose", Doc: "transpose(x) reverses the axes (a matrix's transpose, xᵀ); transpose(x, 1, 0, 2) permutes them",
			MinArgs: 1, MaxArgs: 1, Ints: 0, Apply: applyTranspose},
		{Name: "reshape", Doc: "reshape(x, 2, 3): the elements of x in a new shape of the same size; one size may be -1, inferred",
			MinArgs: 1, MaxArgs: 1, Ints: 1, Apply: applyReshape},
	}
	slices.SortFunc(fs, func(a, b Func) int {
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
	return fs
}()

func varFunc(x ad.Node, axes ...int) ad.Node { return Var(x, 1, axes...) }
func stdFunc(x ad.Node, axes ...int) ad.Node { return Std(x, 1, axes...) }

func applyLogSumExp(a Args) (ad.Node, error) {
	x := a.X[0]
	if !a.HasAxis {
		if x.Shape().Size() == 0 {
			return ad.Node{}, fmt.Errorf("logsumexp of an empty tensor of shape %v", x.Shape())
		}
		if len(x.Shape()) != 1 {
			x = Reshape(x, -1)
		}
		return LogSumExp(x, 0), nil
	}
	k, err := axisOf("logsumexp", x, a.Axis)
	if err != nil {
		return ad.Node{}, err
	}
	return LogSumExp(x, k), nil
}

func applyDot(a Args) (ad.Node, error) {
	x, y := a.X[0], a.X[1]
	xs, ys := x.Shape(), y.Shape()
	if len(xs) != 1 || len(ys) != 1 || xs[0] != ys[0] {
		return ad.Node{}, fmt.Errorf("dot of %v and %v: want two vectors of the same length", xs, ys)
	}
	return Sum(Mul(x, y)), nil
}

func applyTranspose(a Args) (ad.Node, error) {
	x := a.X[0]
	r := len(x.Shape())
	if len(a.Ints) == 0 {
		return Transpose(x), nil
	}
	if len(a.Ints) != r {
		return ad.Node{}, fmt.Errorf("transpose of shape %v: %d axes given for rank %d", x.Shape(), len(a.Ints), r)
	}
	seen := make([]bool, r)
	for _, p := range a.Ints {
		if p < 0 || p >= r || seen[p] {
			return ad.Node{}, fmt.Errorf("transpose of shape %v: %v is not a permutation of the axes 0 to %d", x.Shape(), a.Ints, r-1)
		}
		seen[p] = true
	}
	return Transpose(x, a.Ints...), nil
}

func applyReshape(a Args) (ad.Node, error) {
	x := a.X[0]
	n, infer := 1, -1
	for i, d := range a.Ints {
		switch {
		case d == -1 && infer < 0:
			infer = i
		case d < 0:
			return ad.Node{}, fmt.Errorf("reshape of %v to %v: a size is negative (one may be -1, to be inferred)", x.Shape(), a.Ints)
		default:
			if d > 0 && n > tensor.MaxSize/d {
				return ad.Node{}, fmt.Errorf("reshape of %v to %v: too many elements", x.Shape(), a.Ints)
			}
			n *= d
		}
	}
	size := x.Shape().Size()
	if infer >= 0 && (n == 0 || size%n != 0) || infer < 0 && n != size {
		return ad.Node{}, fmt.Errorf("reshape of %v (%d elements) to %v: sizes differ", x.Shape(), size, a.Ints)
	}
	return Reshape(x, a.Ints...), nil
}

// axisOf checks axis k of x, counting from the end when negative, and
// returns it counted from the start.
func axisOf(name string, x ad.Node, k int) (int, error) {
	r := len(x.Shape())
	if k < -r || k >= r {
		return 0, fmt.Errorf("%s over axis %d of shape %v: the axes are 0 to %d (or -%d to -1)", name, k, x.Shape(), r-1, r)
	}
	if k < 0 {
		k += r
	}
	return k, nil
}

// Broadcastable returns an error naming the operation and both shapes if
// x and y do not broadcast under NumPy's rules (aligned at the last axis,
// each pair of sizes equal or one of them 1): "add of [2 3] and [4]: sizes
// 3 and 4 differ".
func Broadcastable(op string, x, y tensor.Shape) error {
	for i := 1; i <= min(len(x), len(y)); i++ {
		a, b := x[len(x)-i], y[len(y)-i]
		if a != b && a != 1 && b != 1 {
			return fmt.Errorf("%s of %v and %v: sizes %d and %d differ (shapes broadcast where the sizes from the last axis on are equal or 1)", op, x, y, a, b)
		}
	}
	return nil
}

// Written returns how a program calls the function that made node n:
// its name in Funcs and the arguments it takes after the operands ("2",
// "3" for reshape(x, 2, 3); "axis=1" for sum(x, axis=1)). It returns ""
// for operators (add, matmul) and for operations no program calls by name
// (sumto, gatedmul).
func Written(n ad.Node) (name string, extra []string) {
	var x tensor.Shape
	if n.NumInputs() > 0 {
		x = n.Input(0).Shape()
	}
	axis := func(k int) []string { return []string{"axis=" + strconv.Itoa(k)} }
	switch o := n.Op().(type) {
	case maximumOp:
		return "max", nil
	case minimumOp:
		return "min", nil
	case *reduceOp:
		name := reductions[o.kind].name
		switch {
		case o.keep:
			return "", nil // only bprop rules reduce keeping the axes
		case len(o.axes) == len(x) && (o.kind != redLogSumExp || len(x) == 1):
			return name, nil
		case len(o.axes) == 1:
			return name, axis(o.axes[0])
		}
		return "", nil
	case *normOp:
		name := normalisations[o.kind].name
		if o.axis == len(x)-1 {
			return name, nil
		}
		return name, axis(o.axis)
	case *cumsumOp:
		if o.reverse {
			return "", nil
		}
		if o.axis == len(x)-1 {
			return "cumsum", nil
		}
		return "cumsum", axis(o.axis)
	case *transposeOp:
		reversed := true
		for i, p := range o.perm {
			reversed = reversed && p == len(o.perm)-1-i
		}
		if reversed {
			return "transpose", nil
		}
		return "transpose", ints(o.perm)
	case *reshapeOp:
		return "reshape", ints(o.shape)
	}
	name = n.Op().String()
	if i, ok := slices.BinarySearchFunc(funcs, name, func(f Func, s string) int {
		switch {
		case f.Name < s:
			return -1
		case f.Name > s:
			return 1
		}
		return 0
	}); ok && funcs[i].Ints < 0 && !funcs[i].Axis {
		return name, nil
	}
	return "", nil
}

func ints(v []int) []string {
	out := make([]string, len(v))
	for i, d := range v {
		out[i] = strconv.Itoa(d)
	}
	return out
}
