package ops

//go:generate go run ./internal/rulegen

// A Rule states one element-wise operation once: its name, its inputs,
// its forward kernels and its local derivatives. Everything else about
// the operation is derived from it by ./internal/rulegen, which writes
// elementwise_gen.go: the function that records it, its scalar fast path
// (ad.ScalarOp, from Scalar and D), its local derivatives as nodes
// (ad.LocalOp, which the engine's trace and explain show), its bprop
// (the upstream gradient times each local derivative, summed back to the
// input's shape where it was broadcast) and its forward-mode rule (the
// tangents times the local derivatives). Edit the table, then run go
// generate ./ops; a test fails while the generated file is out of date.
type Rule struct {
	Func string // the Go function that records it: "Sin"
	Name string // the operation's name in traces and programs: "sin"
	Doc  string // the function's doc comment, without the comment markers
	Args string // its inputs: "x" or "x, y"

	// Scalar is the forward rule on float64 inputs x and y, as a Go
	// expression: "math.Sin(x)".
	Scalar string
	// Kernel and KernelWith name the tensor package's kernels: "Sin",
	// "SinWith" (the second takes an allocator). Without a Kernel, the
	// forward rule is Scalar mapped over the elements (tensor.Map).
	Kernel, KernelWith string

	// D holds the local derivative ∂z/∂(input) for each input, as an
	// expression in the inputs x, y and the output z. It is written with
	// + - * /, numbers, the operations of this table called by Name, and
	// where(cond, a, b), which is a where cond (comparisons of x, y, z and
	// numbers, joined by && and ||) holds and b elsewhere. A piecewise
	// constant derivative (relu, abs, max) is a where of numbers: it is
	// computed from the values, as a constant of the graph.
	D []string

	// Fused, if set, names hand-written bprop and forward-mode rules,
	// <Fused>Bprop and <Fused>JVP, that compute the same as the ones
	// derived from D in fewer passes; a test checks that they agree.
	Fused string
}

// Rules returns the table of element-wise operations: their names,
// inputs and local derivatives as written, for documentation and tools.
func Rules() []Rule { return append([]Rule(nil), rules...) }

// rules is the table of element-wise operations. Each is checked against
// finite differences at first and second order (gradcheck_test.go).
var rules = []Rule{
	// Arithmetic.
	{Func: "Add", Name: "add", Args: "x, y", Scalar: "x + y", Kernel: "Add", KernelWith: "AddWith",
		Doc: "Add returns x + y element-wise, with broadcasting; the gradient of a broadcast input is summed back to its shape.",
		D:   []string{"1", "1"}},
	{Func: "Sub", Name: "sub", Args: "x, y", Scalar: "x - y", Kernel: "Sub", KernelWith: "SubWith",
		Doc: "Sub returns x - y element-wise, with broadcasting.",
		D:   []string{"1", "-1"}},
	{Func: "Mul", Name: "mul", Args: "x, y", Scalar: "x * y", Kernel: "Mul", KernelWith: "MulWith",
		Doc: "Mul returns x * y element-wise, with broadcasting.",
		D:   []string{"y", "x"}},
	{Func: "Div", Name: "div", Args: "x, y", Scalar: "x / y", Kernel: "Div", KernelWith: "DivWith",
		Doc: "Div returns x / y element-wise, with broadcasting. Division by zero gives ±Inf or NaN, as float64 arithmetic does.",
		D:   []string{"1 / y", "-(z / y)"}},
	{Func: "Neg", Name: "neg", Args: "x", Scalar: "-x", Kernel: "Neg", KernelWith: "NegWith",
		Doc: "Neg returns -x element-wise.",
		D:   []string{"-1"}},
	{Func: "Identity", Name: "identity", Args: "x", Scalar: "x", Kernel: "identity",
		Doc: "Identity returns a new node with x's value. It gives an assignment y = x a node of its own.",
		D:   []string{"1"}},
	{Func: "GatedMul", Name: "gatedmul", Args: "x, y", Scalar: "sel(x == 0 || y == 0, 0, x*y)", Kernel: "GatedMul", KernelWith: "GatedMulWith",
		Doc: "GatedMul returns x·y element-wise, with broadcasting, except that it is 0 wherever x or y is 0, even where the other is ±Inf or NaN. " +
			"Bprop rules use it to apply a local derivative y to an upstream gradient x, so that a zero upstream gradient contributes zero " +
			"whatever the local derivative (in where(x > 0, sqrt(x), x) at x = -1 the sqrt branch gets a zero gradient and passes on 0, not 0·NaN), " +
			"and a zero local derivative contributes zero whatever the upstream gradient (relu at x < 0 passes on 0, even of a NaN).\n\n" +
			"Its local derivatives are those of x·y (for x also where x is 0: the limit), so gradients of gradients are those of x·y.",
		D: []string{"y", "x"}},

	// Powers, exponentials and logarithms.
	{Func: "Pow", Name: "pow", Args: "x, y", Scalar: "math.Pow(x, y)", Kernel: "Pow",
		Doc: "Pow returns x raised to y element-wise (math.Pow), with broadcasting; y may be a tensor. " +
			"∂/∂x is y·x^(y-1), taken as 0 where x and y are 0; ∂/∂y is x^y·log(x), taken as 0 where x is 0 and y ≥ 0 (the limit).",
		D: []string{"where(x == 0 && y == 0, 0, y * pow(x, y - 1))", "where(x == 0 && y >= 0, 0, z * log(x))"}},
	{Func: "Square", Name: "square", Args: "x", Scalar: "x * x", Kernel: "Square",
		Doc: "Square returns x² element-wise.",
		D:   []string{"2 * x"}},
	{Func: "Sqrt", Name: "sqrt", Args: "x", Scalar: "math.Sqrt(x)", Kernel: "Sqrt", KernelWith: "SqrtWith",
		Doc: "Sqrt returns the square root of x element-wise. Its derivative is +Inf at 0 and NaN below 0.",
		D:   []string{"0.5 / z"}},
	{Func: "Exp", Name: "exp", Args: "x", Scalar: "math.Exp(x)", Kernel: "Exp", KernelWith: "ExpWith",
		Doc: "Exp returns eˣ element-wise.",
		D:   []string{"z"}},
	{Func: "Log", Name: "log", Args: "x", Scalar: "math.Log(x)", Kernel: "Log", KernelWith: "LogWith",
		Doc: "Log returns the natural logarithm of x element-wise. Log(0) is -Inf and Log of a negative number is NaN.",
		D:   []string{"1 / x"}},

	{Func: "Log1p", Name: "log1p", Args: "x", Scalar: "math.Log1p(x)",
		Doc: "Log1p returns log(1 + x) element-wise, accurate for x near 0. Its derivative is 1/(1 + x).",
		D:   []string{"1 / (1 + x)"}},
	{Func: "Expm1", Name: "expm1", Args: "x", Scalar: "math.Expm1(x)",
		Doc: "Expm1 returns eˣ - 1 element-wise, accurate for x near 0. Its derivative is eˣ = z + 1.",
		D:   []string{"z + 1"}},

	// Trigonometric and hyperbolic functions.
	{Func: "Sin", Name: "sin", Args: "x", Scalar: "math.Sin(x)", Kernel: "Sin", KernelWith: "SinWith",
		Doc: "Sin returns sin(x) element-wise.",
		D:   []string{"cos(x)"}},
	{Func: "Cos", Name: "cos", Args: "x", Scalar: "math.Cos(x)", Kernel: "Cos", KernelWith: "CosWith",
		Doc: "Cos returns cos(x) element-wise.",
		D:   []string{"-sin(x)"}},
	{Func: "Tan", Name: "tan", Args: "x", Scalar: "math.Tan(x)", Kernel: "Tan", KernelWith: "TanWith",
		Doc: "Tan returns tan(x) element-wise.",
		D:   []string{"1 + square(z)"}},
	{Func: "Tanh", Name: "tanh", Args: "x", Scalar: "math.Tanh(x)", Kernel: "Tanh", KernelWith: "TanhWith",
		Doc: "Tanh returns tanh(x) element-wise.",
		D:   []string{"1 - square(z)"}},

	{Func: "Asin", Name: "asin", Args: "x", Scalar: "math.Asin(x)",
		Doc: "Asin returns the arc sine of x element-wise, NaN outside [-1, 1]. Its derivative is 1/√(1 - x²), ∞ at ±1.",
		D:   []string{"1 / sqrt(1 - x * x)"}},
	{Func: "Acos", Name: "acos", Args: "x", Scalar: "math.Acos(x)",
		Doc: "Acos returns the arc cosine of x element-wise, NaN outside [-1, 1]. Its derivative is -1/√(1 - x²).",
		D:   []string{"-(1 / sqrt(1 - x * x))"}},
	{Func: "Atan", Name: "atan", Args: "x", Scalar: "math.Atan(x)",
		Doc: "Atan returns the arc tangent of x element-wise. Its derivative is 1/(1 + x²).",
		D:   []string{"1 / (1 + x * x)"}},
	{Func: "Atan2", Name: "atan2", Args: "x, y", Scalar: "math.Atan2(x, y)",
		Doc: "Atan2 returns the angle of the point (y, x) element-wise, with broadcasting: the arc tangent of x/y in the quadrant of the signs of both, as math.Atan2(x, y). " +
			"Its derivatives are y/(x² + y²) and -x/(x² + y²), NaN at the origin.",
		D: []string{"y / (x * x + y * y)", "-(x / (x * x + y * y))"}},

	// Activations.
	{Func: "Sigmoid", Name: "sigmoid", Args: "x", Scalar: "tensor.SigmoidFloat(x)", Kernel: "Sigmoid",
		Doc: "Sigmoid returns 1/(1+e⁻ˣ) element-wise, computed without overflow.",
		D:   []string{"z * (1 - z)"}},
	{Func: "ReLU", Name: "relu", Args: "x", Scalar: "tensor.ReLUFloat(x)", Kernel: "ReLU", KernelWith: "ReLUWith",
		Doc: "ReLU returns max(x, 0) element-wise. Its derivative is 1 where x > 0 and 0 elsewhere, including at x == 0.",
		D:   []string{"where(x > 0, 1, 0)"}, Fused: "relu"},
	{Func: "reluGrad", Name: "relugrad", Args: "x, y", Scalar: "sel(y > 0, x, 0)", Kernel: "ReLUGrad", KernelWith: "ReLUGradWith",
		Doc: "reluGrad is x where y > 0 and 0 elsewhere, in one pass: ReLU's bprop and forward-mode rule.",
		D:   []string{"where(y > 0, 1, 0)", "0"}, Fused: "reluGrad"},
	{Func: "SiLU", Name: "silu", Args: "x", Scalar: "x * tensor.SigmoidFloat(x)",
		Doc: "SiLU returns x·σ(x) element-wise (also called swish). Its derivative is σ(x)·(1 + x·(1 - σ(x))).",
		D:   []string{"sigmoid(x) * (1 + x * (1 - sigmoid(x)))"}},
	{Func: "LeakyReLU", Name: "leaky_relu", Args: "x, y", Scalar: "sel(x > 0, x, x*y)",
		Doc: "LeakyReLU returns x where x > 0 and y·x elsewhere, element-wise with broadcasting; y is the slope for negative x (PyTorch's default is 0.01, see LeakyReLUConst). " +
			"Its derivative in x is 1 where x > 0 and y elsewhere, including at x == 0; in y it is x where x ≤ 0 and 0 elsewhere.",
		D: []string{"where(x > 0, 1, y)", "where(x > 0, 0, x)"}},
	{Func: "ELU", Name: "elu", Args: "x, y", Scalar: "sel(x > 0, x, y*math.Expm1(x))",
		Doc: "ELU returns x where x > 0 and y·(eˣ - 1) elsewhere, element-wise with broadcasting; y is α (PyTorch's default is 1, see ELUConst). " +
			"Its derivative in x is 1 where x > 0 and y·eˣ elsewhere, including at x == 0; in y it is eˣ - 1 where x ≤ 0 and 0 elsewhere.",
		D: []string{"where(x > 0, 1, y * exp(x))", "where(x > 0, 0, expm1(x))"}},
	{Func: "Softplus", Name: "softplus", Args: "x", Scalar: "math.Max(x, 0) + math.Log1p(math.Exp(-math.Abs(x)))",
		Doc: "Softplus returns log(1 + eˣ) element-wise, computed without overflow.",
		D:   []string{"sigmoid(x)"}},
	{Func: "LogSigmoid", Name: "log_sigmoid", Args: "x", Scalar: "math.Min(x, 0) - math.Log1p(math.Exp(-math.Abs(x)))",
		Doc: "LogSigmoid returns log(σ(x)) = -softplus(-x) element-wise, computed without overflow.",
		D:   []string{"sigmoid(-x)"}},
	{Func: "Erf", Name: "erf", Args: "x", Scalar: "math.Erf(x)",
		Doc: "Erf returns the error function of x element-wise. Its derivative is 2/√π·e^(-x²).",
		D:   []string{"1.1283791670955126 * exp(-(x * x))"}},
	{Func: "GELU", Name: "gelu", Args: "x", Scalar: "0.5 * x * math.Erfc(-x*0.7071067811865476)",
		Doc: "GELU returns the Gaussian error linear unit x·Φ(x) = x/2·(1 + erf(x/√2)) element-wise, the exact form (not the tanh approximation). " +
			"Its derivative is Φ(x) + x·φ(x).",
		D: []string{"0.5 * (1 + erf(0.7071067811865476 * x)) + 0.3989422804014327 * x * exp(-0.5 * (x * x))"}},

	// Piecewise.
	{Func: "Abs", Name: "abs", Args: "x", Scalar: "math.Abs(x)", Kernel: "Abs", KernelWith: "AbsWith",
		Doc: "Abs returns |x| element-wise. Its derivative is the sign of x: -1, 0 or 1, so 0 at x == 0.",
		D:   []string{"where(x > 0, 1, where(x < 0, -1, 0))"}},
	{Func: "Sign", Name: "sign", Args: "x", Scalar: "tensor.SignFloat(x)",
		Doc: "Sign returns -1, 0 or 1 element-wise by the sign of x, and NaN for NaN. Its derivative is 0 everywhere (at 0 too, by convention).",
		D:   []string{"0"}},
	{Func: "Floor", Name: "floor", Args: "x", Scalar: "math.Floor(x)",
		Doc: "Floor returns the greatest integer not above x element-wise. Its derivative is 0 everywhere (at the integers too, by convention).",
		D:   []string{"0"}},
	{Func: "Ceil", Name: "ceil", Args: "x", Scalar: "math.Ceil(x)",
		Doc: "Ceil returns the least integer not below x element-wise. Its derivative is 0 everywhere.",
		D:   []string{"0"}},
	{Func: "Round", Name: "round", Args: "x", Scalar: "math.RoundToEven(x)",
		Doc: "Round returns x rounded to the nearest integer element-wise, halves to even as PyTorch does (round(2.5) is 2). Its derivative is 0 everywhere.",
		D:   []string{"0"}},
	// ClampMin and ClampMax differ only in a comparison; at the bound the
	// gradient goes to x, as PyTorch's clamp passes it.
	{Func: "ClampMin", Name: "clamp_min", Args: "x, y", Scalar: "sel(x >= y || x != x, x, y)",
		Doc: "ClampMin returns x where x ≥ y and y elsewhere, element-wise with broadcasting; a NaN x stays NaN. " +
			"The gradient goes to x where x ≥ y, at the bound too, and to y where x < y; where x is NaN, to neither, as PyTorch's clamp.",
		D: []string{"where(x >= y, 1, 0)", "where(x < y, 1, 0)"}},
	{Func: "ClampMax", Name: "clamp_max", Args: "x, y", Scalar: "sel(x <= y || x != x, x, y)",
		Doc: "ClampMax returns x where x ≤ y and y elsewhere, element-wise with broadcasting; a NaN x stays NaN. " +
			"The gradient goes to x where x ≤ y, at the bound too, and to y where x > y; where x is NaN, to neither, as PyTorch's clamp.",
		D: []string{"where(x <= y, 1, 0)", "where(x > y, 1, 0)"}},
	// Maximum and Minimum differ only in a comparison; ties share the gradient.
	{Func: "Maximum", Name: "maximum", Args: "x, y", Scalar: "maximum(x, y)", Kernel: "Maximum",
		Doc: "Maximum returns the larger of x and y element-wise, with broadcasting, and NaN where either is NaN. " +
			"The gradient goes to the larger input; where x == y, each gets half.",
		D: []string{"where(x > y, 1, where(x == y, 0.5, 0))", "where(x > y, 0, where(x == y, 0.5, 1))"}},
	{Func: "Minimum", Name: "minimum", Args: "x, y", Scalar: "minimum(x, y)", Kernel: "Minimum",
		Doc: "Minimum returns the smaller of x and y element-wise, with broadcasting, and NaN where either is NaN. " +
			"The gradient goes to the smaller input; where x == y, each gets half.",
		D: []string{"where(y > x, 1, where(x == y, 0.5, 0))", "where(y > x, 0, where(x == y, 0.5, 1))"}},
}
