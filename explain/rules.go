package explain

import (
	"math"

	"github.com/seed812a03d2/backprop/ad"
)

// opExpr returns node n's operation applied to the symbols of its inputs:
// "u1 + u2", "sin(u4)".
func opExpr(n ad.Node, in []*sym) *sym {
	v := n.Scalar()
	name := n.Op().String()
	switch name {
	case "add", "accumulate":
		return add(in[0], in[1])
	case "sub":
		return sub(in[0], in[1])
	case "mul", "gatedmul":
		return mul(in[0], in[1])
	case "div":
		return div(in[0], in[1])
	case "neg":
		return neg(in[0])
	case "pow":
		return pow(in[0], in[1])
	case "identity":
		return in[0]
	case "maximum", "minimum":
		return call(name[:3], v, in...)
	case "square":
		return pow(in[0], num(2))
	}
	return call(name, v, in...)
}

// localDeriv returns ∂C/∂(input k) for node c as a formula in the given
// symbols of c's inputs: names, values or formulas in the inputs. It
// mirrors each operation's bprop rule; where the derivative is piecewise
// constant (relu, abs, max, min) it is the number at c's inputs.
func localDeriv(c ad.Node, k int, in []*sym) *sym {
	x := in[0]
	switch c.Op().String() {
	case "add", "identity", "accumulate":
		return num(1)
	case "sub":
		if k == 0 {
			return num(1)
		}
		return num(-1)
	case "mul", "gatedmul":
		return in[1-k]
	case "div":
		if k == 0 {
			return div(num(1), in[1])
		}
		return neg(div(in[0], pow(in[1], num(2))))
	case "neg":
		return num(-1)
	case "pow":
		y := in[1]
		if k == 0 {
			if y.isNum(0) {
				return num(0)
			}
			return mul(y, pow(x, add(y, num(-1))))
		}
		return mul(pow(x, y), fn("log", x))
	case "square":
		return mul(num(2), x)
	case "sqrt":
		return div(num(1), mul(num(2), fn("sqrt", x)))
	case "exp":
		return fn("exp", x)
	case "log":
		return div(num(1), x)
	case "sin":
		return fn("cos", x)
	case "cos":
		return neg(fn("sin", x))
	case "tan":
		return add(num(1), pow(fn("tan", x), num(2)))
	case "tanh":
		return sub(num(1), pow(fn("tanh", x), num(2)))
	case "sigmoid":
		s := fn("sigmoid", x)
		return mul(s, sub(num(1), s))
	}
	// relu, abs, maximum, minimum: piecewise constant derivatives.
	return num(localAt(c, k))
}

// fn applies a named function to a symbol, computing its value.
func fn(f string, x *sym) *sym {
	var v float64
	switch f {
	case "log":
		v = math.Log(x.value)
	case "sqrt":
		v = math.Sqrt(x.value)
	case "exp":
		v = math.Exp(x.value)
	case "cos":
		v = math.Cos(x.value)
	case "sin":
		v = math.Sin(x.value)
	case "tan":
		v = math.Tan(x.value)
	case "tanh":
		v = math.Tanh(x.value)
	case "sigmoid":
		v = 1 / (1 + math.Exp(-x.value))
	}
	return call(f, v, x)
}

// localAt returns ∂C/∂(input k) at c's inputs from the operation's
// ScalarDeriv.
func localAt(c ad.Node, k int) float64 {
	in := c.Inputs()
	if c.Op().String() == "where" {
		// where(cond, x, y): 1 for the input chosen, 0 for the other and cond.
		if (in[0].Scalar() != 0) == (k == 1) && k > 0 {
			return 1
		}
		return 0
	}
	so, ok := c.Op().(ad.ScalarOp)
	if !ok {
		return math.NaN()
	}
	y := 0.0
	if len(in) == 2 {
		y = in[1].Scalar()
	}
	dx, dy := so.ScalarDeriv(in[0].Scalar(), y, c.Scalar())
	if k == 0 {
		return dx
	}
	return dy
}
