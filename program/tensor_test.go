package program_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/seed812a03d2/backprop/lang"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/program"
	"github.com/seed812a03d2/backprop/tensor"
)

// tensorPrograms use every function of the language and every form of the
// matrix product on tensor inputs. Each is checked against finite
// differences of the program itself, rebuilt with each input element
// nudged, so that what is checked is the language's meaning: the parser,
// the builder and the engine together.
var tensorPrograms = map[string]string{
	"abs":         "x = [[0.5, -1.5], [2, -0.25]]\ny = sum(abs(x) * x)",
	"cos":         "x = [0.5, -1.5, 2]\ny = sum(cos(x))",
	"erf":         "x = [0.5, -1.5, 2]\ny = sum(erf(x))",
	"exp":         "x = [0.5, -1.5, 2]\ny = sum(exp(x))",
	"gelu":        "x = [0.5, -1.5, 2]\ny = sum(gelu(x))",
	"log":         "x = [0.5, 1.5, 2]\ny = sum(log(x))",
	"log_sigmoid": "x = [0.5, -1.5, 2]\ny = sum(log_sigmoid(x))",
	"relu":        "x = [0.5, -1.5, 2]\ny = sum(relu(x) * x)",
	"sigmoid":     "x = [0.5, -1.5, 2]\ny = sum(sigmoid(x))",
	"sin":         "x = [0.5, -1.5, 2]\ny = sum(sin(x))",
	"softplus":    "x = [0.5, -1.5, 2]\ny = sum(softplus(x))",
	"sqrt":        "x = [0.5, 1.5, 2]\ny = sum(sqrt(x))",
	"square":      "x = [0.5, -1.5, 2]\ny = sum(square(x))",
	"tan":         "x = [0.5, -1.5, 1]\ny = sum(tan(x))",
	"tanh":        "x = [0.5, -1.5, 2]\ny = sum(tanh(x))",
	"pow":         "x = [0.5, 1.5, 2]\np = [[2], [0.5]]\ny = sum(pow(x, p))",
	"max":         "x = [[0.5, -1.5, 2], [1, 3, -2]]\nv = [0.7, 0.1, 1]\ny = max(x) + sum(max(x, axis=0)) + sum(max(x, axis=-1) * [1, 2]) + sum(max(x, v))",
	"min":         "x = [[0.5, -1.5, 2], [1, 3, -2]]\nv = [0.7, 0.1, 1]\ny = min(x) + sum(min(x, axis=1)) + sum(min(x, v))",
	"sum":         "x = [[0.5, -1.5, 2], [1, 3, -2]]\ny = sum(x * x) + sum(sum(x, axis=0) * [1, 2, 3]) + sum(sum(x, axis=1)^2)",
	"mean":        "x = [[0.5, -1.5, 2], [1, 3, -2]]\ny = mean(x * x) + sum(mean(x, axis=0)^2) + sum(mean(x, axis=-1) * [3, 1])",
	"softmax":     "x = [[0.5, -1.5, 2], [1, 3, -2]]\ny = sum(softmax(x) * [1, 2, 3]) + sum(softmax(x, axis=0) * [[1], [4]])",
	"log_softmax": "x = [[0.5, -1.5, 2], [1, 3, -2]]\ny = sum(log_softmax(x) * [1, 2, 3]) + sum(log_softmax(x, axis=0) * [[1], [4]])",
	"logsumexp":   "x = [[0.5, -1.5, 2], [1, 3, -2]]\ny = logsumexp(x) + sum(logsumexp(x, axis=0) * [1, 2, 3]) + sum(logsumexp(x, axis=1)^2)",
	"dot":         "a = [0.5, -1.5, 2]\nb = [1, 3, -2]\ny = dot(a, b)^2",
	"transpose":   "x = [[0.5, -1.5, 2], [1, 3, -2]]\nt = [[[1, 2], [3, 4]]]\ny = sum(transpose(x) * [[1, 2], [3, 4], [5, 6]]) + sum(transpose(t, 2, 0, 1) * t)",
	"reshape":     "x = [[0.5, -1.5, 2], [1, 3, -2]]\ny = sum(reshape(x, 3, 2) * [[1, 2], [3, 4], [5, 6]]) + sum(reshape(x, -1) * [1, 2, 3, 4, 5, 6])",
	"matmul":      "A = [[0.5, -1.5, 2], [1, 3, -2]]\nB = [[1, 2], [0.5, -1], [2, 0.25]]\nv = [1, -2, 0.5]\nw = [0.3, 0.7]\nT = [[[1, 2], [3, 4]], [[0.5, 1], [2, -1]]]\ny = sum((A @ B)^2) + sum(A @ v) + sum((w @ A)^2) + v @ v + sum(T @ (A @ B)) + sum(B @ T)",
	"broadcast":   "x = [[0.5, -1.5, 2], [1, 3, -2]]\nr = [0.1, 0.2, 0.3]\nc = [[2], [3]]\ns = 1.5\ny = sum((x + r) * c / s - r^c)",
	"var":         "x = [[0.5, -1.5, 2], [1, 3, -2]]\ny = var(x) + sum(var(x, axis=0)) + sum(var(x, axis=1)^2)",
	"std":         "x = [[0.5, -1.5, 2], [1, 3, -2]]\ny = std(x) + sum(std(x, axis=-1) * [1, 2])",
	"cumsum":      "x = [[0.5, -1.5, 2], [1, 3, -2]]\ny = sum(cumsum(x)^2) + sum(cumsum(x, axis=0) * [[1, 2, 3], [4, 5, 6]])",
	"clamp":       "x = [0.5, -1.5, 2, 0.2]\nlo = -1\nhi = [[1.5], [0.3]]\ny = sum(clamp(x, lo, hi)^2)",
	"prod":        "x = [[0.5, -1.5, 2], [1, 0, -2]]\ny = prod(x + 0.5) + sum(prod(x, axis=1)) + sum(prod(x, axis=0)^2)",
	"asin":        "x = [0.5, -0.3, 0.8]\ny = sum(asin(x))",
	"acos":        "x = [0.5, -0.3, 0.8]\ny = sum(acos(x))",
	"atan":        "x = [0.5, -1.5, 2]\ny = sum(atan(x))",
	"atan2":       "y0 = [[0.5], [-1.5]]\nx0 = [1, -2, 0.3]\ny = sum(atan2(y0, x0))",
	"log1p":       "x = [0.5, -0.3, 2]\ny = sum(log1p(x))",
	"expm1":       "x = [0.5, -1.5, 2]\ny = sum(expm1(x))",
	"silu":        "x = [0.5, -1.5, 2]\ny = sum(silu(x))",
	"sign":        "x = [0.5, -1.5, 2]\ny = sum(sign(x) * x^2)",
	"floor":       "x = [0.5, -1.5, 2.2]\ny = sum(floor(x) * x)",
	"ceil":        "x = [0.5, -1.4, 2.2]\ny = sum(ceil(x) * x)",
	"round":       "x = [0.3, -1.4, 2.2]\ny = sum(round(x) * x)",
	"leaky_relu":  "x = [0.5, -1.5, 2]\na = 0.2\ny = sum(leaky_relu(x)) + sum(leaky_relu(x, a))",
	"elu":         "x = [0.5, -1.5, 2]\na = 0.7\ny = sum(elu(x)) + sum(elu(x, a))",
}

func TestTensorProgramsAgainstFiniteDifferences(t *testing.T) {
	covered := map[string]bool{}
	for _, f := range ops.Funcs() {
		covered[f.Name] = false
	}
	for name, src := range tensorPrograms {
		covered[name] = true
		t.Run(name, func(t *testing.T) {
			g, err := program.Parse(name+".bp", []byte(src), program.Options{})
			if err != nil {
				t.Fatal(err)
			}
			grads := g.Gradients()
			for i, w := range g.WrtNames {
				x := g.WrtNodes()[i].Value()
				for k := range x.Size() {
					want := numeric(t, name, src, w, x, k)
					got := grads[i].Float64s()[k]
					if math.Abs(got-want) > 1e-6*(1+math.Abs(want)) {
						t.Errorf("∂y/∂%s[%d] = %v; finite differences give %v", w, k, got, want)
					}
				}
			}
		})
	}
	for name, ok := range covered {
		if !ok {
			t.Errorf("function %s has no program in tensorPrograms", name)
		}
	}
}

// numeric returns the central difference of the program's output in
// element k of input w, whose value is x.
func numeric(t *testing.T, name, src, w string, x *tensor.Tensor, k int) float64 {
	t.Helper()
	const h = 1e-6
	at := func(d float64) float64 {
		v := x.Clone()
		v.Float64s()[k] += d
		g, err := program.Parse(name+".bp", []byte(src), program.Options{Set: []program.Setting{{Name: w, Value: v}}})
		if err != nil {
			t.Fatal(err)
		}
		return g.Output().Scalar()
	}
	return (at(h) - at(-h)) / (2 * h)
}

// TestMatrixProductShapes checks @ against NumPy's shapes: a vector on
// the left is a row, on the right a column, two vectors give a number.
func TestMatrixProductShapes(t *testing.T) {
	tests := []struct{ x, y, want string }{
		{"[[1, 2, 3], [4, 5, 6]]", "[[1], [2], [3]]", "[2 1]"},
		{"[[1, 2, 3], [4, 5, 6]]", "[1, 2, 3]", "[2]"},
		{"[1, 2]", "[[1, 2, 3], [4, 5, 6]]", "[3]"},
		{"[1, 2]", "[3, 4]", "[]"},
		{"[[[1, 2]], [[3, 4]]]", "[[1], [2]]", "[2 1 1]"},
		{"[[1, 2]]", "[[[1], [2]], [[3], [4]], [[5], [6]]]", "[3 1 1]"},
	}
	for _, tt := range tests {
		src := fmt.Sprintf("x = %s\ny = %s\nz = x @ y\nout = sum(z)", tt.x, tt.y)
		g, err := program.Parse("mm.bp", []byte(src), program.Options{})
		if err != nil {
			t.Errorf("%s @ %s: %v", tt.x, tt.y, err)
			continue
		}
		if got := g.Nodes[2].Shape().String(); got != tt.want {
			t.Errorf("%s @ %s has shape %s; want %s", tt.x, tt.y, got, tt.want)
		}
	}
}

// Programs whose operands do not fit are errors at the operation, naming
// it and the shapes.
func TestShapeErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"A = [[1, 2, 3], [4, 5, 6]]\nB = [[1, 2, 3], [4, 5, 6]]\n\n\n\n\nC = A @ B", "net.bp:7:7: matrix product of [2 3] and [2 3]: inner sizes 3 and 2 differ"},
		{"a = [1, 2]\nb = [1, 2, 3]\nc = a @ b", "net.bp:3:7: matrix product of [2] and [3]: vector lengths 2 and 3 differ"},
		{"a = [1, 2]\nc = a @ 2", "net.bp:2:7: matrix product of [2] and []: a scalar has no rows or columns (multiply by it with *)"},
		{"a = [[[1, 2]], [[3, 4]]]\nb = [[[1], [2]], [[3], [4]], [[5], [6]]]\nc = a @ b", "net.bp:3:7: matrix product of [2 1 2] and [3 2 1]: batch shapes [2] and [3] do not broadcast"},
		{"A = [[1, 2, 3], [4, 5, 6]]\nv = [1, 2]\ny = sum(A + v)", "net.bp:3:11: addition of [2 3] and [2]: sizes 3 and 2 differ (shapes broadcast where the sizes from the last axis on are equal or 1)"},
		{"A = [[1, 2, 3], [4, 5, 6]]\nv = [1, 2]\ny = A * v", "net.bp:3:7: multiplication of [2 3] and [2]: sizes 3 and 2 differ (shapes broadcast where the sizes from the last axis on are equal or 1)"},
		{"A = [[1, 2, 3], [4, 5, 6]]\nv = [1, 2]\ny = max(A, v)", "net.bp:3:5: max of [2 3] and [2]: sizes 3 and 2 differ (shapes broadcast where the sizes from the last axis on are equal or 1)"},
		{"A = [[1, 2, 3], [4, 5, 6]]\ny = sum(A, axis=2)", "net.bp:2:5: sum over axis 2 of shape [2 3]: the axes are 0 to 1 (or -2 to -1)"},
		{"A = [[1, 2, 3], [4, 5, 6]]\ny = softmax(A, axis=-3)", "net.bp:2:5: softmax over axis -3 of shape [2 3]: the axes are 0 to 1 (or -2 to -1)"},
		{"a = 2\ny = softmax(a)", "net.bp:2:5: softmax of a scalar: it normalises over an axis, and a scalar has none"},
		{"A = [[1, 2, 3], [4, 5, 6]]\ny = max(A, A, axis=0)", "net.bp:2:5: max: axis= is for the reduction max(x, axis=K), not for the element-wise max(a, b)"},
		{"A = [[1, 2, 3], [4, 5, 6]]\ny = sum(A, axis=0.5)", "net.bp:2:17: sum: this argument must be an integer, written as a number (such as 1 or -1)"},
		{"A = [[1, 2, 3], [4, 5, 6]]\nk = 1\ny = sum(A, axis=k)", "net.bp:3:17: sum: this argument must be an integer, written as a number (such as 1 or -1)"},
		{"A = [[1, 2, 3], [4, 5, 6]]\ny = reshape(A, 4, 2)", "net.bp:2:5: reshape of [2 3] (6 elements) to [4 2]: sizes differ"},
		{"A = [[1, 2, 3], [4, 5, 6]]\ny = reshape(A, -1, -1)", "net.bp:2:5: reshape of [2 3] to [-1 -1]: a size is negative (one may be -1, to be inferred)"},
		{"A = [[1, 2, 3], [4, 5, 6]]\ny = transpose(A, 0, 0)", "net.bp:2:5: transpose of shape [2 3]: [0 0] is not a permutation of the axes 0 to 1"},
		{"A = [[1, 2, 3], [4, 5, 6]]\ny = transpose(A, 1, 0, 2)", "net.bp:2:5: transpose of shape [2 3]: 3 axes given for rank 2"},
		{"a = [1, 2]\nb = [[1, 2]]\ny = dot(a, b)", "net.bp:3:5: dot of [2] and [1 2]: want two vectors of the same length"},
		{"a = [1, 2]\ny = a", "the output: y has shape [2], and gradients are of a single number: reduce it (sum(y), mean(y)) or choose another with --of"},
	}
	for _, tt := range tests {
		_, err := program.Parse("net.bp", []byte(tt.src), program.Options{})
		if err == nil || err.Error() != tt.want {
			t.Errorf("%q:\n got %v\nwant %s", tt.src, err, tt.want)
			continue
		}
		var le *lang.Error
		if strings.HasPrefix(tt.want, "net.bp:") && !errors.As(err, &le) {
			t.Errorf("%q: error is %T; want *lang.Error", tt.src, err)
		}
	}
}

// A broadcast or a product that would make a huge tensor is refused before
// it is computed.
func TestElementLimit(t *testing.T) {
	src := "a = [[1, 2, 3]]\nb = [[1], [2], [3], [4]]\nc = sum(a * b)\nd = sum(b @ a)"
	_, err := program.Parse("big.bp", []byte(src), program.Options{Limits: program.Limits{MaxElements: 10}})
	var le *program.LimitError
	if !errors.As(err, &le) || err.Error() != "big.bp:3:11: 12 elements in the result of the multiplication, over the limit of 10 (see --max-elements)" {
		t.Errorf("error %v", err)
	}
	_, err = program.Parse("big.bp", []byte(src), program.Options{Limits: program.Limits{MaxElements: 12}})
	if err != nil {
		t.Errorf("at the limit: %v", err)
	}
	// Functions of two operands broadcast as the operators do; inputs are
	// tensors too.
	for src, want := range map[string]string{
		"a = [[1, 2, 3]]\nb = [[1], [2], [3], [4]]\nc = sum(max(a, b))":      "big.bp:3:9: 12 elements in the result of max(a, b), over the limit of 10 (see --max-elements)",
		"a = [[1, 2, 3]]\nb = [[1], [2], [3], [4]]\nc = sum(clamp(a, b, 0))": "big.bp:3:9: 12 elements in the result of clamp(a, b, c), over the limit of 10 (see --max-elements)",
		"a = [[1, 2, 3]]\nb = [[1], [2], [3], [4]]\nc = sum(pow(a, b))":      "big.bp:3:9: 12 elements in the result of pow(a, b), over the limit of 10 (see --max-elements)",
		"a = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]\nc = sum(a)":                "big.bp:1:1: 11 elements in the input a, over the limit of 10 (see --max-elements)",
		// [3 1 1 2] @ [1 3 2 1] is [3 3 1 1], but the gradient of the
		// first operand is [3 3 1 2] before its batch is summed.
		"a = [[[[1, 2]]], [[[1, 2]]], [[[1, 2]]]]\nb = [[[[1], [2]], [[1], [2]], [[1], [2]]]]\nc = sum(a @ b)": "big.bp:3:11: 18 elements in the gradient of the matrix product's first operand, before its batch is summed, over the limit of 10 (see --max-elements)",
	} {
		if _, err := program.Parse("big.bp", []byte(src), program.Options{Limits: program.Limits{MaxElements: 10}}); err == nil || err.Error() != want {
			t.Errorf("%q: error %v; want %s", src, err, want)
		}
	}
	// 2^17 × 2^17 elements would be 128 GiB.
	long := "a = [" + strings.Repeat("1,\n", 1<<17) + "]\nb = reshape(a, -1, 1)\nc = sum(a * b)"
	if _, err = program.Parse("huge.bp", []byte(long), program.Options{}); !errors.As(err, &le) || le.Got != 1<<34 {
		t.Errorf("a broadcast to 2^34 elements: error %v; want a *LimitError", err)
	}
}

// --set replaces an input with a tensor, of another shape if the program
// allows it.
func TestSetTensor(t *testing.T) {
	src := "W = [[1, 2], [3, 4]]\nx = [1, 1]\ny = sum(W @ x)"
	w := tensor.FromFloat64s([]float64{1, 2, 3, 4, 5, 6}, 3, 2)
	g, err := program.Parse("s.bp", []byte(src), program.Options{Set: []program.Setting{{Name: "W", Value: w}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := g.Output().Scalar(); got != 21 {
		t.Errorf("y = %v; want 21", got)
	}
	if got := g.Gradients()[1].Float64s(); fmt.Sprint(got) != "[9 12]" {
		t.Errorf("∂y/∂x = %v; want [9 12]", got)
	}
	bad := tensor.FromFloat64s([]float64{1, 2, 3}, 3)
	_, err = program.Parse("s.bp", []byte(src), program.Options{Set: []program.Setting{{Name: "x", Value: bad}}})
	if err == nil || err.Error() != "s.bp:3:11: matrix product of [2 2] and [3]: inner sizes 2 and 3 differ" {
		t.Errorf("--set x of the wrong length: %v", err)
	}
}
