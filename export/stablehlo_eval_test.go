package export_test

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/seed812a03d2/backprop/export"
	"github.com/seed812a03d2/backprop/tensor"
)

// This file is a small interpreter of the StableHLO modules that
// Func.StableHLO writes, and of nothing else: their generic operations,
// one per line, with the semantics of StableHLO's specification
// (docs/spec.md of openxla/stablehlo) for the attributes they use. It
// computes in float64, rounding each result of type f32 to float32. It
// checks each operation's result type against the shape the operation
// gives, so that a module the tests run has the shapes XLA's verifier
// infers. No XLA is at hand where the tests run; this checks what the
// operations mean as the specification defines them, not XLA's reading.

// evTensor is a value of the interpreter: a shape, an element type (f32,
// f64, i64, i1) and the elements in row-major order, integers and
// booleans (0, 1) among them as float64s.
type evTensor struct {
	shape []int
	elem  string
	v     []float64
}

func (t *evTensor) typ() string {
	var b strings.Builder
	b.WriteString("tensor<")
	for _, d := range t.shape {
		b.WriteString(strconv.Itoa(d) + "x")
	}
	return b.String() + t.elem + ">"
}

func evSize(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

// evStrides are the row-major strides of shape s.
func evStrides(s []int) []int {
	st := make([]int, len(s))
	n := 1
	for i := len(s) - 1; i >= 0; i-- {
		st[i] = n
		n *= s[i]
	}
	return st
}

// evIndex calls f with each index of shape s, in row-major order, and its
// offset.
func evIndex(s []int, f func(idx []int, off int)) {
	n := evSize(s)
	idx := make([]int, len(s))
	for off := range n {
		f(idx, off)
		for d := len(s) - 1; d >= 0; d-- {
			idx[d]++
			if idx[d] < s[d] {
				break
			}
			idx[d] = 0
		}
	}
}

func evOffset(idx, strides []int) int {
	o := 0
	for i, x := range idx {
		o += x * strides[i]
	}
	return o
}

func evNew(shape []int, elem string) *evTensor {
	return &evTensor{shape: slices.Clone(shape), elem: elem, v: make([]float64, evSize(shape))}
}

// evRound rounds v to the element type.
func evRound(elem string, v float64) float64 {
	switch elem {
	case "f32":
		return float64(float32(v))
	case "i1":
		if v != 0 {
			return 1
		}
		return 0
	}
	return v
}

// evOp is one operation of a module.
type evOp struct {
	results  []string // the SSA names it defines, %5 or %5#0, %5#1
	name     string
	operands []string
	attrs    map[string]string
	ins      []string // the operand types
	outs     []string // the result types
	region   *evRegion
}

// evRegion is the one block of an operation's region.
type evRegion struct {
	args []string
	ops  []evOp
	ret  []string
}

// evModule is @main: its arguments' types, its body and its results.
type evModule struct {
	args []string
	body evRegion
}

var (
	evHead   = regexp.MustCompile(`^(%[0-9]+)(?::(\d+))? = "([a-z_.0-9]+)"\(([^)]*)\)(.*)$`)
	evArg    = regexp.MustCompile(`%arg\d+: (tensor<[^>]*>)`)
	evBlock  = regexp.MustCompile(`^\^bb0\((.*)\):$`)
	evReturn = regexp.MustCompile(`^"(stablehlo\.return|func\.return)"\(([^)]*)\)`)
)

// parseModule parses a module that Func.StableHLO wrote.
func parseModule(text string) (*evModule, error) {
	lines := strings.Split(text, "\n")
	m := &evModule{}
	i := 0
	for ; i < len(lines); i++ {
		if strings.Contains(lines[i], "func.func public @main(") {
			sig := lines[i][:strings.Index(lines[i], ") -> (")]
			for _, a := range evArg.FindAllStringSubmatch(sig, -1) {
				m.args = append(m.args, a[1])
			}
			i++
			break
		}
	}
	r, _, err := parseBlock(lines, i)
	if err != nil {
		return nil, err
	}
	m.body = *r
	return m, nil
}

// parseBlock parses operations from line i up to and including a return.
func parseBlock(lines []string, i int) (*evRegion, int, error) {
	r := &evRegion{}
	for ; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if l == "" || strings.HasPrefix(l, "//") {
			continue
		}
		if m := evReturn.FindStringSubmatch(l); m != nil {
			r.ret = splitOperands(m[2])
			return r, i + 1, nil
		}
		m := evHead.FindStringSubmatch(l)
		if m == nil {
			return nil, i, fmt.Errorf("line %d: not an operation: %s", i+1, l)
		}
		op := evOp{name: m[3], operands: splitOperands(m[4])}
		if m[2] == "" {
			op.results = []string{m[1]}
		} else {
			n, _ := strconv.Atoi(m[2])
			for k := range n {
				op.results = append(op.results, m[1]+"#"+strconv.Itoa(k))
			}
		}
		rest := m[5]
		if rest == " ({" {
			b := evBlock.FindStringSubmatch(strings.TrimSpace(lines[i+1]))
			if b == nil {
				return nil, i, fmt.Errorf("line %d: no block arguments", i+2)
			}
			body, next, err := parseBlock(lines, i+2)
			if err != nil {
				return nil, i, err
			}
			for _, a := range strings.Split(b[1], ", ") {
				body.args = append(body.args, a[:strings.Index(a, ":")])
			}
			op.region = body
			i = next
			rest = strings.TrimPrefix(strings.TrimSpace(lines[i]), "})")
		}
		if err := parseTail(&op, rest); err != nil {
			return nil, i, fmt.Errorf("line %d: %v", i+1, err)
		}
		r.ops = append(r.ops, op)
	}
	return nil, i, fmt.Errorf("no return")
}

func splitOperands(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return strings.Split(s, ", ")
}

// parseTail parses " {attrs} : (types) -> type" or "-> (types)".
func parseTail(op *evOp, s string) error {
	op.attrs = map[string]string{}
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "{") {
		depth, end := 0, -1
		for i, c := range s {
			switch c {
			case '{':
				depth++
			case '}':
				depth--
			}
			if depth == 0 {
				end = i
				break
			}
		}
		if end < 0 {
			return fmt.Errorf("unclosed attributes")
		}
		for _, kv := range splitTop(s[1:end]) {
			k, v, ok := strings.Cut(kv, " = ")
			if !ok {
				return fmt.Errorf("attribute %q", kv)
			}
			op.attrs[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
		s = strings.TrimSpace(s[end+1:])
	}
	ins, outs, ok := strings.Cut(strings.TrimPrefix(s, ": "), " -> ")
	if !ok {
		return fmt.Errorf("no type: %q", s)
	}
	op.ins = splitTop(strings.TrimSuffix(strings.TrimPrefix(ins, "("), ")"))
	if strings.HasPrefix(outs, "(") {
		outs = outs[1 : len(outs)-1]
	}
	op.outs = splitTop(outs)
	return nil
}

// splitTop splits s at the commas outside brackets and quotes.
func splitTop(s string) []string {
	var out []string
	depth, start, quote := 0, 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			quote = !quote
		case quote:
		case c == '<' || c == '[' || c == '(' || c == '{':
			depth++
		case c == '>' && i > 0 && s[i-1] == '-':
		case c == '>' || c == ']' || c == ')' || c == '}':
			depth--
		case c == ',' && depth == 0:
			out = append(out, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
	}
	if strings.TrimSpace(s[start:]) != "" {
		out = append(out, strings.TrimSpace(s[start:]))
	}
	return out
}

// parseType parses tensor<2x3xf32>.
func parseType(s string) ([]int, string, error) {
	if !strings.HasPrefix(s, "tensor<") || !strings.HasSuffix(s, ">") {
		return nil, "", fmt.Errorf("type %q", s)
	}
	parts := strings.Split(s[7:len(s)-1], "x")
	shape := []int{}
	for _, p := range parts[:len(parts)-1] {
		d, err := strconv.Atoi(p)
		if err != nil {
			return nil, "", fmt.Errorf("type %q", s)
		}
		shape = append(shape, d)
	}
	return shape, parts[len(parts)-1], nil
}

// ints parses array<i64: 1, 2>, array<i64>, [1, 2], [[1, 2], [3, 4]]
// (flat) and 3 : i64.
func ints(s string) []int {
	s = strings.TrimSuffix(strings.TrimSpace(s), " : i64")
	s = strings.TrimPrefix(s, "array<i64")
	s = strings.TrimPrefix(s, ":")
	s = strings.Trim(strings.NewReplacer("[", "", "]", "").Replace(s), "> ")
	if s == "" {
		return []int{}
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			panic(fmt.Errorf("ints %q", s))
		}
		out = append(out, v)
	}
	return out
}

// fields parses the fields of #stablehlo.gather<...> and its kin.
func fields(s string) map[string][]int {
	out := map[string][]int{}
	inner := s[strings.Index(s, "<")+1 : strings.LastIndex(s, ">")]
	for _, kv := range splitTop(inner) {
		k, v, _ := strings.Cut(kv, " = ")
		out[k] = ints(v)
	}
	return out
}

// parseDense parses dense<...> : tensor<...>.
func parseDense(s string) (*evTensor, error) {
	body, typ, ok := strings.Cut(s, "> : ")
	if !ok || !strings.HasPrefix(body, "dense<") {
		return nil, fmt.Errorf("constant %q", s)
	}
	body = body[len("dense<"):]
	shape, elem, err := parseType(typ)
	if err != nil {
		return nil, err
	}
	t := evNew(shape, elem)
	if strings.HasPrefix(body, `"0x`) {
		b, err := hex.DecodeString(body[3 : len(body)-1])
		if err != nil {
			return nil, err
		}
		size := 8
		if elem == "f32" {
			size = 4
		}
		if len(b) != size*len(t.v) {
			return nil, fmt.Errorf("%d bytes for %s", len(b), typ)
		}
		for i := range t.v {
			switch elem {
			case "f32":
				t.v[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:])))
			case "f64":
				t.v[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
			default:
				t.v[i] = float64(int64(binary.LittleEndian.Uint64(b[8*i:])))
			}
		}
		return t, nil
	}
	lits := strings.Split(strings.NewReplacer("[", "", "]", "").Replace(body), ",")
	if strings.TrimSpace(lits[0]) == "" {
		lits = nil
	}
	for i := range t.v {
		l := lits[0]
		if len(lits) > 1 {
			l = lits[i]
		}
		v, err := evLiteral(strings.TrimSpace(l), elem)
		if err != nil {
			return nil, err
		}
		t.v[i] = v
	}
	return t, nil
}

func evLiteral(l, elem string) (float64, error) {
	switch {
	case l == "true":
		return 1, nil
	case l == "false":
		return 0, nil
	case strings.HasPrefix(l, "0x"):
		u, err := strconv.ParseUint(l[2:], 16, 64)
		if err != nil {
			return 0, err
		}
		if elem == "f32" {
			return float64(math.Float32frombits(uint32(u))), nil
		}
		return math.Float64frombits(u), nil
	case elem == "i64":
		v, err := strconv.ParseInt(l, 10, 64)
		return float64(v), err
	}
	if !strings.Contains(l, ".") {
		return 0, fmt.Errorf("the float literal %q has no point", l)
	}
	bits := 64
	if elem == "f32" {
		bits = 32
	}
	return strconv.ParseFloat(l, bits)
}

// evalModule runs m on args.
func evalModule(m *evModule, args []*evTensor) ([]*evTensor, error) {
	if len(args) != len(m.args) {
		return nil, fmt.Errorf("%d arguments for %d", len(args), len(m.args))
	}
	env := map[string]*evTensor{}
	for i, a := range args {
		if a.typ() != m.args[i] {
			return nil, fmt.Errorf("argument %d is %s; @main takes %s", i, a.typ(), m.args[i])
		}
		env["%arg"+strconv.Itoa(i)] = a
	}
	return evalRegion(&m.body, env)
}

func evalRegion(r *evRegion, env map[string]*evTensor) ([]*evTensor, error) {
	for _, op := range r.ops {
		in := make([]*evTensor, len(op.operands))
		for i, name := range op.operands {
			x, ok := env[name]
			if !ok {
				return nil, fmt.Errorf("%s: %s is not defined", op.name, name)
			}
			if x.typ() != op.ins[i] {
				return nil, fmt.Errorf("%s %s: operand %d is %s, typed %s", op.name, op.results[0], i, x.typ(), op.ins[i])
			}
			in[i] = x
		}
		outs, err := evalOp(&op, in)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %v", op.name, op.results[0], err)
		}
		for i, o := range outs {
			if o.typ() != op.outs[i] {
				return nil, fmt.Errorf("%s %s: the result is %s, typed %s", op.name, op.results[0], o.typ(), op.outs[i])
			}
			env[op.results[i]] = o
		}
	}
	out := make([]*evTensor, len(r.ret))
	for i, name := range r.ret {
		out[i] = env[name]
	}
	return out, nil
}

// scalars runs region r on scalars.
func scalars(r *evRegion, elems []string, v []float64) ([]float64, error) {
	env := map[string]*evTensor{}
	for i, a := range r.args {
		env[a] = &evTensor{shape: []int{}, elem: elems[i], v: []float64{v[i]}}
	}
	out, err := evalRegion(r, env)
	if err != nil {
		return nil, err
	}
	res := make([]float64, len(out))
	for i, o := range out {
		res[i] = o.v[0]
	}
	return res, nil
}

var evUnary = map[string]func(float64) float64{
	"stablehlo.negate": func(x float64) float64 { return -x }, "stablehlo.abs": math.Abs,
	"stablehlo.sign": func(x float64) float64 {
		switch {
		case x > 0:
			return 1
		case x < 0:
			return -1
		}
		return x
	},
	"stablehlo.floor": math.Floor, "stablehlo.ceil": math.Ceil, "stablehlo.round_nearest_even": math.RoundToEven,
	"stablehlo.sqrt": math.Sqrt, "stablehlo.exponential": math.Exp, "stablehlo.log": math.Log,
	"stablehlo.sine": math.Sin, "stablehlo.cosine": math.Cos, "stablehlo.tanh": math.Tanh,
	"stablehlo.logistic": func(x float64) float64 { return 1 / (1 + math.Exp(-x)) },
	"chlo.tan":           math.Tan, "chlo.asin": math.Asin, "chlo.acos": math.Acos, "chlo.erf": math.Erf,
	"stablehlo.not": func(x float64) float64 { return 1 - x },
}

var evBinary = map[string]func(x, y float64) float64{
	"stablehlo.add": func(x, y float64) float64 { return x + y }, "stablehlo.subtract": func(x, y float64) float64 { return x - y },
	"stablehlo.multiply": func(x, y float64) float64 { return x * y }, "stablehlo.divide": func(x, y float64) float64 { return x / y },
	"stablehlo.power": math.Pow, "stablehlo.atan2": math.Atan2,
	"stablehlo.maximum": func(x, y float64) float64 { return math.Max(x, y) },
	"stablehlo.minimum": func(x, y float64) float64 { return math.Min(x, y) },
	"stablehlo.and":     func(x, y float64) float64 { return float64(int(x) & int(y)) },
	"stablehlo.or":      func(x, y float64) float64 { return float64(int(x) | int(y)) },
}

func evalOp(op *evOp, in []*evTensor) ([]*evTensor, error) {
	outShape, outElem, err := parseType(op.outs[0])
	if err != nil {
		return nil, err
	}
	a := op.attrs
	one := func(t *evTensor) ([]*evTensor, error) { return []*evTensor{t}, nil }
	same := func() error {
		for _, x := range in {
			if !slices.Equal(x.shape, outShape) {
				return fmt.Errorf("element-wise operands of shapes %v for a result %v", x.shape, outShape)
			}
		}
		return nil
	}
	if f, ok := evUnary[op.name]; ok {
		if err := same(); err != nil {
			return nil, err
		}
		t := evNew(outShape, outElem)
		for i, x := range in[0].v {
			t.v[i] = evRound(outElem, f(x))
		}
		return one(t)
	}
	if f, ok := evBinary[op.name]; ok {
		if err := same(); err != nil {
			return nil, err
		}
		t := evNew(outShape, outElem)
		for i := range t.v {
			t.v[i] = evRound(outElem, f(in[0].v[i], in[1].v[i]))
		}
		return one(t)
	}
	switch op.name {
	case "stablehlo.constant":
		return nil2(parseDense(a["value"]))
	case "stablehlo.compare":
		if err := same(); err != nil {
			return nil, err
		}
		dir := a["comparison_direction"]
		dir = dir[strings.LastIndex(dir, " ")+1 : len(dir)-1]
		t := evNew(outShape, outElem)
		for i := range t.v {
			x, y := in[0].v[i], in[1].v[i]
			var c bool
			switch dir {
			case "EQ":
				c = x == y
			case "NE":
				c = x != y
			case "GT":
				c = x > y
			case "GE":
				c = x >= y
			case "LT":
				c = x < y
			case "LE":
				c = x <= y
			default:
				return nil, fmt.Errorf("direction %q", dir)
			}
			if c {
				t.v[i] = 1
			}
		}
		return one(t)
	case "stablehlo.select":
		if err := same(); err != nil {
			return nil, err
		}
		t := evNew(outShape, outElem)
		for i := range t.v {
			t.v[i] = in[2].v[i]
			if in[0].v[i] != 0 {
				t.v[i] = in[1].v[i]
			}
		}
		return one(t)
	case "stablehlo.broadcast_in_dim":
		d := ints(a["broadcast_dimensions"])
		x := in[0]
		if len(d) != len(x.shape) {
			return nil, fmt.Errorf("broadcast_dimensions %v for rank %d", d, len(x.shape))
		}
		for i, di := range d {
			if x.shape[i] != 1 && x.shape[i] != outShape[di] {
				return nil, fmt.Errorf("axis %d of %v to axis %d of %v", i, x.shape, di, outShape)
			}
		}
		t, st := evNew(outShape, outElem), evStrides(x.shape)
		src := make([]int, len(x.shape))
		evIndex(outShape, func(idx []int, off int) {
			for i, di := range d {
				src[i] = idx[di]
				if x.shape[i] == 1 {
					src[i] = 0
				}
			}
			t.v[off] = x.v[evOffset(src, st)]
		})
		return one(t)
	case "stablehlo.reshape":
		if evSize(outShape) != len(in[0].v) {
			return nil, fmt.Errorf("reshape of %v to %v", in[0].shape, outShape)
		}
		return one(&evTensor{shape: outShape, elem: outElem, v: slices.Clone(in[0].v)})
	case "stablehlo.transpose":
		perm := ints(a["permutation"])
		x := in[0]
		for i, p := range perm {
			if outShape[i] != x.shape[p] {
				return nil, fmt.Errorf("permutation %v of %v to %v", perm, x.shape, outShape)
			}
		}
		t, st := evNew(outShape, outElem), evStrides(x.shape)
		src := make([]int, len(x.shape))
		evIndex(outShape, func(idx []int, off int) {
			for i, p := range perm {
				src[p] = idx[i]
			}
			t.v[off] = x.v[evOffset(src, st)]
		})
		return one(t)
	case "stablehlo.iota":
		d := ints(a["iota_dimension"])[0]
		t := evNew(outShape, outElem)
		evIndex(outShape, func(idx []int, off int) { t.v[off] = float64(idx[d]) })
		return one(t)
	case "stablehlo.concatenate":
		d := ints(a["dimension"])[0]
		t, st := evNew(outShape, outElem), evStrides(outShape)
		at := 0
		for _, x := range in {
			xs := evStrides(x.shape)
			dst := make([]int, len(x.shape))
			evIndex(x.shape, func(idx []int, off int) {
				copy(dst, idx)
				dst[d] += at
				t.v[evOffset(dst, st)] = x.v[evOffset(idx, xs)]
			})
			at += x.shape[d]
		}
		if at != outShape[d] {
			return nil, fmt.Errorf("%d along axis %d for %v", at, d, outShape)
		}
		return one(t)
	case "stablehlo.slice":
		start, limit, step := ints(a["start_indices"]), ints(a["limit_indices"]), ints(a["strides"])
		x := in[0]
		for i := range x.shape {
			if n := (limit[i] - start[i] + step[i] - 1) / step[i]; n != outShape[i] || limit[i] > x.shape[i] || start[i] < 0 {
				return nil, fmt.Errorf("slice %v:%v:%v of %v to %v", start, limit, step, x.shape, outShape)
			}
		}
		t, st := evNew(outShape, outElem), evStrides(x.shape)
		src := make([]int, len(x.shape))
		evIndex(outShape, func(idx []int, off int) {
			for i := range idx {
				src[i] = start[i] + idx[i]*step[i]
			}
			t.v[off] = x.v[evOffset(src, st)]
		})
		return one(t)
	case "stablehlo.pad":
		lo, hi, interior := ints(a["edge_padding_low"]), ints(a["edge_padding_high"]), ints(a["interior_padding"])
		x := in[0]
		t, st := evNew(outShape, outElem), evStrides(outShape)
		for i := range t.v {
			t.v[i] = in[1].v[0]
		}
		for i := range x.shape {
			if interior[i] != 0 || lo[i]+x.shape[i]+hi[i] != outShape[i] {
				return nil, fmt.Errorf("pad %v %v %v of %v to %v", lo, hi, interior, x.shape, outShape)
			}
		}
		xs := evStrides(x.shape)
		dst := make([]int, len(x.shape))
		evIndex(x.shape, func(idx []int, off int) {
			for i := range idx {
				dst[i] = idx[i] + lo[i]
			}
			t.v[evOffset(dst, st)] = x.v[evOffset(idx, xs)]
		})
		return one(t)
	case "stablehlo.dot_general":
		return evDot(fields(a["dot_dimension_numbers"]), in[0], in[1], outShape, outElem)
	case "stablehlo.reduce":
		return evReduce(op, in, ints(a["dimensions"]))
	case "stablehlo.reduce_window":
		return evReduceWindow(op, in, outShape, outElem)
	case "stablehlo.gather":
		return evGather(fields(a["dimension_numbers"]), ints(a["slice_sizes"]), in[0], in[1], outShape, outElem)
	case "stablehlo.scatter":
		return evScatter(op, fields(a["scatter_dimension_numbers"]), in[0], in[1], in[2])
	}
	return nil, fmt.Errorf("the interpreter has no %s", op.name)
}

func nil2(t *evTensor, err error) ([]*evTensor, error) {
	if err != nil {
		return nil, err
	}
	return []*evTensor{t}, nil
}

func evDot(dn map[string][]int, x, y *evTensor, outShape []int, outElem string) ([]*evTensor, error) {
	lb, rb := dn["lhs_batching_dimensions"], dn["rhs_batching_dimensions"]
	lc, rc := dn["lhs_contracting_dimensions"], dn["rhs_contracting_dimensions"]
	if len(lb) != len(rb) || len(lc) != len(rc) {
		return nil, fmt.Errorf("dimension numbers %v", dn)
	}
	free := func(r int, b, c []int) []int {
		var f []int
		for i := range r {
			if !slices.Contains(b, i) && !slices.Contains(c, i) {
				f = append(f, i)
			}
		}
		return f
	}
	lf, rf := free(len(x.shape), lb, lc), free(len(y.shape), rb, rc)
	var want []int
	for i := range lb {
		if x.shape[lb[i]] != y.shape[rb[i]] {
			return nil, fmt.Errorf("batch sizes of %v and %v", x.shape, y.shape)
		}
		want = append(want, x.shape[lb[i]])
	}
	var csize []int
	for i := range lc {
		if x.shape[lc[i]] != y.shape[rc[i]] {
			return nil, fmt.Errorf("contracting sizes of %v and %v", x.shape, y.shape)
		}
		csize = append(csize, x.shape[lc[i]])
	}
	for _, d := range lf {
		want = append(want, x.shape[d])
	}
	for _, d := range rf {
		want = append(want, y.shape[d])
	}
	if !slices.Equal(want, outShape) {
		return nil, fmt.Errorf("a product of %v and %v is %v, typed %v", x.shape, y.shape, want, outShape)
	}
	t := evNew(outShape, outElem)
	xs, ys := evStrides(x.shape), evStrides(y.shape)
	xi, yi := make([]int, len(x.shape)), make([]int, len(y.shape))
	evIndex(outShape, func(idx []int, off int) {
		k := 0
		for i := range lb {
			xi[lb[i]], yi[rb[i]] = idx[k], idx[k]
			k++
		}
		for _, d := range lf {
			xi[d] = idx[k]
			k++
		}
		for _, d := range rf {
			yi[d] = idx[k]
			k++
		}
		s := 0.0
		evIndex(csize, func(c []int, _ int) {
			for i := range lc {
				xi[lc[i]], yi[rc[i]] = c[i], c[i]
			}
			s += x.v[evOffset(xi, xs)] * y.v[evOffset(yi, ys)]
		})
		t.v[off] = evRound(outElem, s)
	})
	return []*evTensor{t}, nil
}

// evReduce reduces the inputs (the first half of in; the initial values
// the second) over dims, each result element from its elements in
// row-major order.
func evReduce(op *evOp, in []*evTensor, dims []int) ([]*evTensor, error) {
	n := len(in) / 2
	x := in[0]
	var keep, red []int
	for i := range x.shape {
		if slices.Contains(dims, i) {
			red = append(red, x.shape[i])
		} else {
			keep = append(keep, i)
		}
	}
	var outShape []int
	for _, d := range keep {
		outShape = append(outShape, x.shape[d])
	}
	elems := make([]string, 2*n)
	outs := make([]*evTensor, n)
	for i := range n {
		elems[i], elems[n+i] = in[i].elem, in[i].elem
		outs[i] = evNew(outShape, in[i].elem)
	}
	st := evStrides(x.shape)
	src := make([]int, len(x.shape))
	var err error
	evIndex(outShape, func(idx []int, off int) {
		acc := make([]float64, 2*n)
		for i := range n {
			acc[i] = in[n+i].v[0]
		}
		for k, d := range keep {
			src[d] = idx[k]
		}
		evIndex(red, func(r []int, _ int) {
			k := 0
			for i := range x.shape {
				if slices.Contains(dims, i) {
					src[i] = r[k]
					k++
				}
			}
			o := evOffset(src, st)
			for i := range n {
				acc[n+i] = in[i].v[o]
			}
			if err != nil {
				return
			}
			var res []float64
			res, err = scalars(op.region, elems, acc)
			if err == nil {
				copy(acc, res)
			}
		})
		for i := range n {
			outs[i].v[off] = acc[i]
		}
	})
	return outs, err
}

func evReduceWindow(op *evOp, in []*evTensor, outShape []int, outElem string) ([]*evTensor, error) {
	x := in[0]
	win := ints(op.attrs["window_dimensions"])
	pad := ints(strings.Split(op.attrs["padding"], " : ")[0][len("dense<"):])
	if len(win) != len(x.shape) || len(pad) != 2*len(x.shape) {
		return nil, fmt.Errorf("window %v padding %v for %v", win, pad, x.shape)
	}
	for i := range x.shape {
		if pad[2*i]+x.shape[i]+pad[2*i+1]-win[i]+1 != outShape[i] {
			return nil, fmt.Errorf("windows %v padded %v of %v: not %v", win, pad, x.shape, outShape)
		}
	}
	t, st := evNew(outShape, outElem), evStrides(x.shape)
	src := make([]int, len(x.shape))
	elems := []string{x.elem, x.elem}
	var err error
	evIndex(outShape, func(idx []int, off int) {
		acc := in[1].v[0]
		evIndex(win, func(w []int, _ int) {
			for i := range w {
				src[i] = idx[i] + w[i] - pad[2*i]
				if src[i] < 0 || src[i] >= x.shape[i] {
					return // padding: the initial value, which changes nothing
				}
			}
			if err != nil {
				return
			}
			var res []float64
			res, err = scalars(op.region, elems, []float64{acc, x.v[evOffset(src, st)]})
			if err == nil {
				acc = res[0]
			}
		})
		t.v[off] = acc
	})
	return []*evTensor{t}, err
}

func evGather(dn map[string][]int, sizes []int, x, idx *evTensor, outShape []int, outElem string) ([]*evTensor, error) {
	offset, collapsed, startMap := dn["offset_dims"], dn["collapsed_slice_dims"], dn["start_index_map"]
	ivd := dn["index_vector_dim"][0]
	if len(x.shape) != len(offset)+len(collapsed) || len(sizes) != len(x.shape) {
		return nil, fmt.Errorf("dimension numbers %v for operand %v", dn, x.shape)
	}
	// (C22): the batch sizes at the batch axes, the slice's at offset_dims.
	var batchSizes, offSizes []int
	for i, d := range idx.shape {
		if i != ivd {
			batchSizes = append(batchSizes, d)
		}
	}
	for i, d := range sizes {
		if !slices.Contains(collapsed, i) {
			offSizes = append(offSizes, d)
		}
	}
	want := make([]int, len(batchSizes)+len(offSizes))
	bi, oi := 0, 0
	for i := range want {
		if slices.Contains(offset, i) {
			want[i] = offSizes[oi]
			oi++
		} else {
			want[i] = batchSizes[bi]
			bi++
		}
	}
	if !slices.Equal(want, outShape) {
		return nil, fmt.Errorf("a gather gives %v, typed %v", want, outShape)
	}
	t := evNew(outShape, outElem)
	xs, is := evStrides(x.shape), evStrides(idx.shape)
	evIndex(outShape, func(ri []int, off int) {
		var batch, offs []int
		for d := range ri {
			if slices.Contains(offset, d) {
				offs = append(offs, ri[d])
			} else {
				batch = append(batch, ri[d])
			}
		}
		start := make([]int, len(startMap))
		for k := range startMap {
			pos := slices.Insert(slices.Clone(batch), min(ivd, len(batch)), k)
			if ivd >= len(idx.shape) {
				pos = batch
			}
			start[k] = int(idx.v[evOffset(pos, is)])
		}
		operand := make([]int, len(x.shape))
		for k, d := range startMap {
			operand[d] = min(max(start[k], 0), x.shape[d]-sizes[d])
		}
		o := 0
		for d := range x.shape {
			if !slices.Contains(collapsed, d) {
				operand[d] += offs[o]
				o++
			}
		}
		t.v[off] = x.v[evOffset(operand, xs)]
	})
	return []*evTensor{t}, nil
}

func evScatter(op *evOp, dn map[string][]int, x, idx, upd *evTensor) ([]*evTensor, error) {
	window, inserted, toOperand := dn["update_window_dims"], dn["inserted_window_dims"], dn["scatter_dims_to_operand_dims"]
	ivd := dn["index_vector_dim"][0]
	if len(x.shape) != len(window)+len(inserted) {
		return nil, fmt.Errorf("dimension numbers %v for input %v", dn, x.shape)
	}
	var scatterSizes []int
	for i, d := range idx.shape {
		if i != ivd {
			scatterSizes = append(scatterSizes, d)
		}
	}
	var got []int
	for d := range upd.shape {
		if !slices.Contains(window, d) {
			got = append(got, upd.shape[d])
		}
	}
	if !slices.Equal(got, scatterSizes) {
		return nil, fmt.Errorf("updates %v for indices %v", upd.shape, idx.shape)
	}
	t := &evTensor{shape: slices.Clone(x.shape), elem: x.elem, v: slices.Clone(x.v)}
	xs, is, us := evStrides(x.shape), evStrides(idx.shape), evStrides(upd.shape)
	elems := []string{x.elem, x.elem}
	var err error
	evIndex(upd.shape, func(ui []int, _ int) {
		var sc, win []int
		for d := range ui {
			if slices.Contains(window, d) {
				win = append(win, ui[d])
			} else {
				sc = append(sc, ui[d])
			}
		}
		res := make([]int, len(x.shape))
		for k, d := range toOperand {
			pos := slices.Insert(slices.Clone(sc), min(ivd, len(sc)), k)
			if ivd >= len(idx.shape) {
				pos = sc
			}
			res[d] = int(idx.v[evOffset(pos, is)])
		}
		w := 0
		for d := range x.shape {
			if !slices.Contains(inserted, d) {
				res[d] += win[w]
				w++
			}
		}
		for d, r := range res {
			if r < 0 || r >= x.shape[d] {
				return
			}
		}
		if err != nil {
			return
		}
		o := evOffset(res, xs)
		var v []float64
		v, err = scalars(op.region, elems, []float64{t.v[o], upd.v[evOffset(ui, us)]})
		if err == nil {
			t.v[o] = v[0]
		}
	})
	return []*evTensor{t}, err
}

// evalFunc runs text, f's module, on the values its inputs have in the
// graph, and returns its outputs by name.
func evalFunc(t *testing.T, f *export.Func, text string) map[string]*evTensor {
	t.Helper()
	m, err := parseModule(text)
	if err != nil {
		t.Fatalf("the interpreter cannot read the module: %v", err)
	}
	var args []*evTensor
	for _, in := range f.Inputs {
		if !in.Node.Valid() {
			a := &evTensor{shape: slices.Clone(in.Index.Shape()), elem: "i64"}
			for _, v := range in.Index.Data() {
				a.v = append(a.v, float64(v))
			}
			args = append(args, a)
			continue
		}
		x := in.Node.Value()
		a := &evTensor{shape: slices.Clone(x.Shape()), elem: "f64", v: slices.Clone(x.Data())}
		if x.DType() == tensor.Float32 {
			a.elem = "f32"
		}
		if a.shape == nil {
			a.shape = []int{}
		}
		args = append(args, a)
	}
	outs, err := evalModule(m, args)
	if err != nil {
		t.Fatalf("the interpreter: %v", err)
	}
	res := map[string]*evTensor{}
	for i, o := range f.Outputs {
		res[o.Name] = outs[i]
	}
	return res
}

// closeTo reports the elements of got, from the interpreter, that differ
// from the engine's want by more than tol·max(1, |want|), NaN matching NaN.
func closeTo(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d numbers from the interpreter, %d from the engine", what, len(got), len(want))
	}
	bad := 0
	for i := range got {
		a, b := got[i], want[i]
		if a == b || (math.IsNaN(a) && math.IsNaN(b)) || math.Abs(a-b) <= tol*max(1, math.Abs(b)) {
			continue
		}
		if bad < 5 {
			t.Errorf("%s[%d] = %v in the StableHLO interpreter; the engine gives %v", what, i, a, b)
		}
		bad++
	}
	if bad > 5 {
		t.Errorf("%s: %d more", what, bad-5)
	}
}

// checkEval runs f's module text in the interpreter and compares every
// output with the engine's value, within tol·max(1, |value|).
func checkEval(t *testing.T, f *export.Func, text string, tol float64) {
	t.Helper()
	res := evalFunc(t, f, text)
	for _, o := range f.Outputs {
		closeTo(t, o.Name, res[o.Name].v, o.Node.Value().Data(), tol)
	}
}
