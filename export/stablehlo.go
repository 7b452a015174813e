package export

import (
	"encoding/hex"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/seed812a03d2/backprop/tensor"
)

// StableHLOOptions are the options of StableHLO.
type StableHLOOptions struct {
	// Devices is the number of devices of a 1-d mesh that the function
	// runs on, data-parallel: with more than one, each input whose Batch
	// is set is split along its first axis into Devices equal parts, one
	// a device, and every other input and every output is replicated
	// (each device holds all of it). 0 and 1 mean one device, with no
	// sharding annotations.
	Devices int
}

// StableHLO returns f as the text of an MLIR module in the StableHLO
// dialect, which XLA compiles (through PJRT, as JAX does) for CPUs, GPUs
// and TPUs. The module has one public function, @main, whose arguments are
// f's inputs in order and whose results are f's outputs in order; each
// argument carries its input's name in the attribute jax.arg_info and
// each result its output's name in jax.result_info, the attributes that
// JAX writes (XLA ignores them). Index inputs are tensors of int64 and
// comparisons give tensors of i1. Constants are written in the module:
// splats and small ones as numbers, larger ones as hexadecimal strings of
// their little-endian bytes. Shapes are static: an input's Batch mark
// places it on the devices (see below) and makes no size symbolic.
//
// Every operation of the body is written in MLIR's generic form
// ("stablehlo.add"(%a, %b) : (tensor<2xf32>, tensor<2xf32>) ->
// tensor<2xf32>), with its attributes in a dictionary, so that MLIR
// parsers without the StableHLO dialect can read the module; the module
// and @main are in the builtin and func dialects' own forms. The dense
// arrays of StableHLO's attributes are spelled array<i64: 1, 2>, as MLIR
// 16 and later (and so XLA) read them; MLIR 15 spelled them [:i64 1, 2].
//
// Operations that StableHLO lacks are written as XLA's CHLO operations
// (chlo.erf, chlo.tan, chlo.asin, chlo.acos), which JAX writes too, or
// built from StableHLO operations: atan(x) is atan2(x, 1), relu(x) is
// max(x, 0), isnan(x) is x ≠ x; softmax and log_softmax are
// exp(x - m)/Σexp(x - m) and (x - m) - log Σexp(x - m), with m the
// maximum (0 where it is infinite, as the engine takes it); mean is the
// sum over the count; cumsum is a reduce_window whose window is as long
// as the axis, over zeros before it (after it, reversed); argmax (a
// max-pool's) is a reduction of pairs of an element and its position
// that keeps the larger, NaN above any number, the first of equal ones;
// and the element-wise gathers and scatters take index tensors of whole
// coordinates, built with iota and concatenate. Matrix products ask for
// the highest precision, so that they are computed in the element type
// and not in the TF32 or bfloat16 passes that GPUs and TPUs may otherwise
// take.
//
// With opt.Devices = N > 1 the module is annotated for XLA's SPMD
// partitioner (GSPMD): the module attributes mhlo.num_partitions = N and
// mhlo.num_replicas = 1 make one program for N devices, and each argument
// and result has an mhlo.sharding attribute in XLA's HloSharding syntax:
// "{devices=[N,1,...,1]<=[N]}" for a batch input, whose first axis is
// split into N tiles placed on devices 0 to N-1 in order and whose other
// axes are whole, and "{replicated}" for every other argument and every
// result. The partitioner then computes each device's share of the batch
// on that device and inserts the collective operations that the
// replicated results need: the all-reduce that sums the gradients of a
// mean loss over the devices, as data-parallel training does by hand.
// The function's numbers are those of the whole batch, whatever N: the
// annotations say where to compute, not what. The batch's size should be
// a multiple of N.
//
// StableHLO fails with an error that names the primitive if one has no
// translation, and if a batch input has no axes to split.
func (f *Func) StableHLO(opt StableHLOOptions) (string, error) {
	if opt.Devices < 0 {
		return "", fmt.Errorf("export: %s: %d devices", f.Name, opt.Devices)
	}
	// The shapes are static: the batch marks place the inputs on the
	// devices, and leave no size open.
	p, err := lower(f)
	if err != nil {
		return "", err
	}
	batch := make([]bool, len(f.Inputs))
	for i, in := range f.Inputs {
		batch[i] = in.Batch
	}
	return newHLOWriter(p, batch).module(max(opt.Devices, 1))
}

// newHLOWriter returns a writer of p, whose inputs are batches where
// batch says.
func newHLOWriter(p *program, batch []bool) *hloWriter {
	return &hloWriter{p: p, batch: batch, names: make([]hv, len(p.values)), splats: map[string]hv{}, nums: map[string]float64{},
		consts: map[int]string{}, used: map[string]bool{}}
}

// hv is one value of the function being written: its SSA name, shape and
// element type.
type hv struct {
	name  string
	shape tensor.Shape
	elem  elem
}

// hloWriter writes one module.
type hloWriter struct {
	p        *program
	batch    []bool // whether each input is a batch
	b        strings.Builder
	n        int                // the number of the next SSA name
	names    []hv               // each program value, once written
	splats   map[string]hv      // the splat constants written, by type and bits
	nums     map[string]float64 // the number of each splat constant, by SSA name
	indent   string
	inRegion int             // the depth of the regions being written, where no constant may be made
	body     []string        // the lines of @main's body
	consts   map[int]string  // the SSA name of each constant, by its line
	used     map[string]bool // the SSA names that operations read
}

func (w *hloWriter) module(devices int) (string, error) {
	p := w.p
	fmt.Fprintf(&w.b, "// %s: written by github.com/seed812a03d2/backprop/export (Func.StableHLO).\n", p.name)
	w.b.WriteString("module ")
	if p.name != "" {
		w.b.WriteString("@" + symbolName(p.name) + " ")
	}
	fmt.Fprintf(&w.b, "attributes {mhlo.num_partitions = %d : i32, mhlo.num_replicas = 1 : i32} {\n", devices)
	w.b.WriteString("  func.func public @main(")
	for i, v := range p.inputs {
		in := p.f.Inputs[i]
		val := p.values[v]
		name := "%arg" + strconv.Itoa(i)
		w.names[v] = hv{name: name, shape: val.shape, elem: val.elem}
		if i > 0 {
			w.b.WriteString(", ")
		}
		attrs := []string{"jax.arg_info = " + mlirString(in.Name)}
		if devices > 1 {
			s := "{replicated}"
			if w.batch[i] {
				if len(val.shape) == 0 {
					return "", fmt.Errorf("export: %s: input %q is a batch, but a scalar has no axis to split over devices", p.name, in.Name)
				}
				tiles := make([]string, len(val.shape))
				for j := range tiles {
					tiles[j] = "1"
				}
				tiles[0] = strconv.Itoa(devices)
				s = fmt.Sprintf("{devices=[%s]<=[%d]}", strings.Join(tiles, ","), devices)
			}
			attrs = append(attrs, "mhlo.sharding = "+mlirString(s))
		}
		fmt.Fprintf(&w.b, "%s: %s {%s}", name, tensorType(val.shape, val.elem), strings.Join(attrs, ", "))
	}
	w.b.WriteString(") -> (")
	for i, v := range p.outputs {
		if i > 0 {
			w.b.WriteString(", ")
		}
		val := p.values[v]
		attrs := []string{"jax.result_info = " + mlirString(p.f.Outputs[i].Name)}
		if devices > 1 {
			attrs = append(attrs, `mhlo.sharding = "{replicated}"`)
		}
		fmt.Fprintf(&w.b, "%s {%s}", tensorType(val.shape, val.elem), strings.Join(attrs, ", "))
	}
	w.b.WriteString(") {\n")
	w.indent = "    "
	for _, pr := range p.prims {
		if err := w.prim(pr); err != nil {
			return "", err
		}
	}
	outs := make([]hv, len(p.outputs))
	for i, v := range p.outputs {
		outs[i] = w.names[v]
	}
	for _, o := range outs {
		w.used[o.name] = true
	}
	w.line(fmt.Sprintf(`"func.return"(%s) : (%s) -> ()`, operandList(outs), typeList(outs)))
	// The constants that no operation reads (a number that was only
	// broadcast, and so written again as a splat of its shape) are left
	// out.
	for i, l := range w.body {
		if c, ok := w.consts[i]; ok && !w.used[c] {
			continue
		}
		w.b.WriteString(l)
	}
	w.b.WriteString("  }\n}\n")
	return w.b.String(), nil
}

func (w *hloWriter) line(s string) {
	w.body = append(w.body, w.indent+s+"\n")
}

func (w *hloWriter) fresh() string {
	w.n++
	return "%" + strconv.Itoa(w.n-1)
}

// op writes the operation name with operands in and attributes attrs (the
// text between braces, or ""), of result shape s and element type e.
func (w *hloWriter) op(name string, in []hv, attrs string, s tensor.Shape, e elem) hv {
	return w.regionOp(name, in, nil, nil, attrs, []hv{{shape: s, elem: e}})[0]
}

// regionOp writes the operation name with operands in, attributes attrs
// and results of the shapes and types of outs, which it returns named.
// With a body it has a region of one block, whose arguments are scalars
// of the types args and whose operations body writes, returning the
// block's results: the body of a reduction or a scatter.
func (w *hloWriter) regionOp(name string, in []hv, args []elem, body func(args []hv) []hv, attrs string, outs []hv) []hv {
	res := w.fresh()
	r := make([]hv, len(outs))
	for i, o := range outs {
		r[i] = hv{name: res, shape: o.shape.Clone(), elem: o.elem}
		if len(outs) > 1 {
			r[i].name = res + "#" + strconv.Itoa(i)
		}
	}
	if len(outs) > 1 {
		res += ":" + strconv.Itoa(len(outs))
	}
	for _, x := range in {
		w.used[x.name] = true
	}
	if name == "stablehlo.constant" {
		w.consts[len(w.body)] = res
	}
	head := fmt.Sprintf("%s = %q(%s)", res, name, operandList(in))
	tail := ""
	if attrs != "" {
		tail = " {" + attrs + "}"
	}
	tail += fmt.Sprintf(" : (%s) -> ", typeList(in))
	if len(outs) == 1 {
		tail += typeList(r)
	} else {
		tail += "(" + typeList(r) + ")"
	}
	if body == nil {
		w.line(head + tail)
		return r
	}
	a := make([]hv, len(args))
	decl := make([]string, len(args))
	for i, e := range args {
		a[i] = hv{name: w.fresh(), shape: tensor.Shape{}, elem: e}
		decl[i] = a[i].name + ": " + tensorType(nil, e)
	}
	w.line(head + " ({")
	w.line("^bb0(" + strings.Join(decl, ", ") + "):")
	indent := w.indent
	w.indent += "  "
	w.inRegion++
	ret := body(a)
	w.line(fmt.Sprintf(`"stablehlo.return"(%s) : (%s) -> ()`, operandList(ret), typeList(ret)))
	w.inRegion--
	w.indent = indent
	w.line("})" + tail)
	return r
}

// combine is the body of a reduction or scatter that combines two
// scalars with the element-wise operation name.
func (w *hloWriter) combine(name string) func(args []hv) []hv {
	return func(a []hv) []hv { return []hv{w.op(name, a, "", nil, a[0].elem)} }
}

func operandList(vs []hv) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = v.name
	}
	return strings.Join(s, ", ")
}

func typeList(vs []hv) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = tensorType(v.shape, v.elem)
	}
	return strings.Join(s, ", ")
}

var hloElem = [...]string{f32: "f32", f64: "f64", i64: "i64", boolean: "i1"}

// tensorType is the MLIR type of a tensor of shape s and element type e.
func tensorType(s tensor.Shape, e elem) string {
	var b strings.Builder
	b.WriteString("tensor<")
	for _, d := range s {
		b.WriteString(strconv.Itoa(d))
		b.WriteByte('x')
	}
	b.WriteString(hloElem[e])
	b.WriteByte('>')
	return b.String()
}

// i64Array is a DenseI64ArrayAttr: array<i64: 1, 2>.
func i64Array(v []int) string {
	if len(v) == 0 {
		return "array<i64>"
	}
	return "array<i64: " + intList(v) + ">"
}

func intList(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ", ")
}

// dims is a list of dimensions in StableHLO's structured attributes.
func dims(v []int) string { return "[" + intList(v) + "]" }

var bareSymbol = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_$.]*$`)

// symbolName is name as an MLIR symbol name, quoted unless it is a bare
// identifier.
func symbolName(name string) string {
	if bareSymbol.MatchString(name) {
		return name
	}
	return mlirString(name)
}

// mlirString is s as an MLIR string literal: quotes, backslashes and
// bytes outside printable ASCII are escaped as \XX in hexadecimal.
func mlirString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '"' || c == '\\' || c < 0x20 || c >= 0x7f {
			fmt.Fprintf(&b, "\\%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	b.WriteByte('"')
	return b.String()
}

// floatLiteral is v, of element type e (f32 or f64), as an MLIR float
// literal that reads back as the same number: the shortest decimal that
// does, with a point in its mantissa as MLIR's lexer wants, or the bits
// in hexadecimal for NaN, the infinities and -0.
func floatLiteral(v float64, e elem) string {
	if math.IsNaN(v) || math.IsInf(v, 0) || (v == 0 && math.Signbit(v)) {
		if math.IsNaN(v) {
			v = math.NaN()
		}
		if e == f32 {
			return fmt.Sprintf("0x%08X", math.Float32bits(float32(v)))
		}
		return fmt.Sprintf("0x%016X", math.Float64bits(v))
	}
	bits := 64
	if e == f32 {
		bits = 32
	}
	s := strconv.FormatFloat(v, 'e', -1, bits)
	mant, exp, _ := strings.Cut(s, "e")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	return mant + "e" + exp
}

// literal is v as an element of type e in a dense attribute.
func literal(v float64, e elem) string {
	switch e {
	case i64:
		switch {
		case v != v:
			return "0"
		case v >= 0x1p63:
			return strconv.FormatInt(math.MaxInt64, 10)
		case v <= -0x1p63:
			return strconv.FormatInt(math.MinInt64, 10)
		}
		return strconv.FormatInt(int64(v), 10)
	case boolean:
		if v != 0 {
			return "true"
		}
		return "false"
	}
	return floatLiteral(v, e)
}

// splat returns the constant of shape s whose every element is v, written
// once for each type and number.
func (w *hloWriter) splat(v float64, s tensor.Shape, e elem) hv {
	if w.inRegion > 0 {
		panic(fmt.Errorf("a constant inside a region"))
	}
	if e == f32 {
		v = float64(float32(v))
	}
	key := tensorType(s, e) + " " + strconv.FormatUint(math.Float64bits(v), 16)
	if c, ok := w.splats[key]; ok {
		return c
	}
	c := w.op("stablehlo.constant", nil, fmt.Sprintf("value = dense<%s> : %s", literal(v, e), tensorType(s, e)), s, e)
	w.splats[key] = c
	w.nums[c.name] = v
	return c
}

// constant writes a constant of shape s and type e with elements v; raw
// is their little-endian bytes, for a large constant.
func (w *hloWriter) constant(v []float64, raw func() []byte, s tensor.Shape, e elem) hv {
	same := len(v) > 0
	for _, x := range v {
		if math.Float64bits(x) != math.Float64bits(v[0]) {
			same = false
			break
		}
	}
	if same {
		return w.splat(v[0], s, e)
	}
	return w.dense(len(v), func(i int) string { return literal(v[i], e) }, raw, s, e)
}

// dense writes a stablehlo.constant of shape s and type e with n
// elements: written out one by one (lit) when there are at most 8, as the
// hex of their little-endian bytes (raw) otherwise.
func (w *hloWriter) dense(n int, lit func(i int) string, raw func() []byte, s tensor.Shape, e elem) hv {
	var body string
	if n <= 8 {
		strs := make([]string, n)
		for i := range strs {
			strs[i] = lit(i)
		}
		var b strings.Builder
		nestedStrings(&b, strs, s)
		body = b.String()
	} else {
		body = `"0x` + strings.ToUpper(hex.EncodeToString(raw())) + `"`
	}
	return w.op("stablehlo.constant", nil, fmt.Sprintf("value = dense<%s> : %s", body, tensorType(s, e)), s, e)
}

// broadcast returns x broadcast to shape s as NumPy's rules do: its axes
// are the last of s, and axes of size 1 spread.
func (w *hloWriter) broadcast(x hv, s tensor.Shape) hv {
	if x.shape.Equal(s) {
		return x
	}
	if v, ok := w.nums[x.name]; ok {
		return w.splat(v, s, x.elem)
	}
	d := make([]int, len(x.shape))
	for i := range d {
		d[i] = len(s) - len(x.shape) + i
	}
	return w.broadcastInDim(x, s, d)
}

// broadcastInDim returns x broadcast to shape s, axis i of x becoming
// axis d[i] of the result.
func (w *hloWriter) broadcastInDim(x hv, s tensor.Shape, d []int) hv {
	return w.op("stablehlo.broadcast_in_dim", []hv{x}, "broadcast_dimensions = "+i64Array(d), s, x.elem)
}

func (w *hloWriter) reshape(x hv, s tensor.Shape) hv {
	if x.shape.Equal(s) {
		return x
	}
	return w.op("stablehlo.reshape", []hv{x}, "", s, x.elem)
}

// elementwise writes the element-wise operation name of xs, each
// broadcast to shape s, with a result of element type e.
func (w *hloWriter) elementwise(name string, xs []hv, attrs string, s tensor.Shape, e elem) hv {
	in := make([]hv, len(xs))
	for i, x := range xs {
		in[i] = w.broadcast(x, s)
	}
	return w.op(name, in, attrs, s, e)
}

func (w *hloWriter) binary(name string, x, y hv) hv {
	s := tensor.BroadcastShapes("export", x.shape, y.shape)
	return w.elementwise(name, []hv{x, y}, "", s, x.elem)
}

// compare writes the comparison dir (EQ, NE, GT, GE, LT or LE) of x and y.
func (w *hloWriter) compare(dir string, x, y hv) hv {
	s := tensor.BroadcastShapes("export", x.shape, y.shape)
	kind := "FLOAT"
	switch x.elem {
	case i64:
		kind = "SIGNED"
	case boolean:
		kind = "UNSIGNED"
	}
	attrs := fmt.Sprintf("compare_type = #stablehlo<comparison_type %s>, comparison_direction = #stablehlo<comparison_direction %s>", kind, dir)
	return w.elementwise("stablehlo.compare", []hv{x, y}, attrs, s, boolean)
}

func (w *hloWriter) sel(c, x, y hv) hv {
	s := tensor.BroadcastShapes("export", tensor.BroadcastShapes("export", c.shape, x.shape), y.shape)
	return w.elementwise("stablehlo.select", []hv{c, x, y}, "", s, x.elem)
}

// reduce reduces x over axes with the operation combine, starting from
// init, leaving the other axes.
func (w *hloWriter) reduce(x hv, axes []int, combine string, init float64) hv {
	axes = slices.Clone(axes)
	slices.Sort(axes)
	s := reducedShape(x.shape, axes, false)
	i := w.splat(init, nil, x.elem)
	return w.regionOp("stablehlo.reduce", []hv{x, i}, []elem{x.elem, x.elem}, w.combine(combine), "dimensions = "+i64Array(axes), []hv{{shape: s, elem: x.elem}})[0]
}

// reduction is the combining operation and the initial value of each
// reduction.
var reduction = map[string]struct {
	combine string
	init    float64
}{
	"sum":  {"stablehlo.add", 0},
	"mean": {"stablehlo.add", 0},
	"prod": {"stablehlo.multiply", 1},
	"max":  {"stablehlo.maximum", math.Inf(-1)},
	"min":  {"stablehlo.minimum", math.Inf(1)},
}

// spreadOver broadcasts r, a value of shape s reduced over axis, back to
// shape s.
func (w *hloWriter) spreadOver(r hv, s tensor.Shape, axis int) hv {
	d := make([]int, 0, len(s)-1)
	for i := range s {
		if i != axis {
			d = append(d, i)
		}
	}
	return w.broadcastInDim(r, s, d)
}

// softmax writes the softmax of x along axis, or with log its logarithm.
func (w *hloWriter) softmax(x hv, axis int, log bool) hv {
	e := x.elem
	m := w.reduce(x, []int{axis}, "stablehlo.maximum", math.Inf(-1))
	// m is 0 where it is ±Inf, as the engine takes it, so that infinite
	// elements give what exp gives them.
	inf := w.compare("EQ", w.op("stablehlo.abs", []hv{m}, "", m.shape, e), w.splat(math.Inf(1), m.shape, e))
	m = w.sel(inf, w.splat(0, m.shape, e), m)
	d := w.binary("stablehlo.subtract", x, w.spreadOver(m, x.shape, axis))
	exp := w.op("stablehlo.exponential", []hv{d}, "", d.shape, e)
	sum := w.reduce(exp, []int{axis}, "stablehlo.add", 0)
	if log {
		ls := w.op("stablehlo.log", []hv{sum}, "", sum.shape, e)
		return w.binary("stablehlo.subtract", d, w.spreadOver(ls, x.shape, axis))
	}
	return w.binary("stablehlo.divide", exp, w.spreadOver(sum, x.shape, axis))
}

// matmul writes the matrix product of x, [... m k], and y, [... k n],
// with their leading axes broadcast, as a dot_general.
func (w *hloWriter) matmul(x, y hv, s tensor.Shape) hv {
	prec := "precision_config = [#stablehlo<precision HIGHEST>, #stablehlo<precision HIGHEST>]"
	rx, ry := len(x.shape), len(y.shape)
	if ry == 2 {
		// x's leading axes and m are free axes of one product.
		dn := fmt.Sprintf("dot_dimension_numbers = #stablehlo.dot<lhs_contracting_dimensions = [%d], rhs_contracting_dimensions = [0]>", rx-1)
		return w.op("stablehlo.dot_general", []hv{x, y}, dn+", "+prec, s, x.elem)
	}
	nb := len(s) - 2
	batch := s[:nb]
	x = w.broadcast(x, append(batch.Clone(), x.shape[rx-2:]...))
	y = w.broadcast(y, append(batch.Clone(), y.shape[ry-2:]...))
	b := make([]int, nb)
	for i := range b {
		b[i] = i
	}
	dn := fmt.Sprintf("dot_dimension_numbers = #stablehlo.dot<lhs_batching_dimensions = %s, rhs_batching_dimensions = %s, lhs_contracting_dimensions = [%d], rhs_contracting_dimensions = [%d]>",
		dims(b), dims(b), nb+1, nb)
	return w.op("stablehlo.dot_general", []hv{x, y}, dn+", "+prec, s, x.elem)
}

// argmax writes the position along axis of the largest element of x, the
// first of equal ones, with NaN above every number (as MaxPool2d takes
// them): a reduction of pairs of an element and its position, which keeps
// the better of two.
func (w *hloWriter) argmax(x hv, axis int) hv {
	e := x.elem
	pos := w.op("stablehlo.iota", nil, fmt.Sprintf("iota_dimension = %d : i64", axis), x.shape, i64)
	s := reducedShape(x.shape, []int{axis}, false)
	// The initial pair loses to every element: -Inf ties, and its
	// position is past the axis.
	initV, initI := w.splat(math.Inf(-1), nil, e), w.splat(float64(x.shape[axis]), nil, i64)
	better := func(a []hv) []hv {
		av, ai, bv, bi := a[0], a[1], a[2], a[3]
		aNaN, bNaN := w.compare("NE", av, av), w.compare("NE", bv, bv)
		same := w.binary("stablehlo.or", w.compare("EQ", av, bv), w.binary("stablehlo.and", aNaN, bNaN))
		first := w.binary("stablehlo.and", same, w.compare("LT", ai, bi))
		nan := w.binary("stablehlo.and", aNaN, w.op("stablehlo.not", []hv{bNaN}, "", nil, boolean))
		pick := w.binary("stablehlo.or", w.binary("stablehlo.or", nan, w.compare("GT", av, bv)), first)
		return []hv{w.sel(pick, av, bv), w.sel(pick, ai, bi)}
	}
	r := w.regionOp("stablehlo.reduce", []hv{x, pos, initV, initI}, []elem{e, i64, e, i64}, better,
		"dimensions = "+i64Array([]int{axis}), []hv{{shape: s, elem: e}, {shape: s, elem: i64}})
	return r[1]
}

// fullIndex returns the index tensor that addresses, for each element of
// pos (positions along axis, of shape P), the element of a tensor of P's
// rank r at the same place but pos along axis: P + [r], each last row
// the r coordinates, from iota on the other axes.
func (w *hloWriter) fullIndex(pos hv, axis int) hv {
	r := len(pos.shape)
	col := append(pos.shape.Clone(), 1)
	parts := make([]hv, r)
	for d := range r {
		if d == axis {
			parts[d] = w.reshape(pos, col)
			continue
		}
		parts[d] = w.op("stablehlo.iota", nil, fmt.Sprintf("iota_dimension = %d : i64", d), col, i64)
	}
	if r == 1 {
		return parts[0]
	}
	full := append(pos.shape.Clone(), r)
	return w.op("stablehlo.concatenate", parts, fmt.Sprintf("dimension = %d : i64", r), full, i64)
}

func iotaInts(n int) []int {
	v := make([]int, n)
	for i := range v {
		v[i] = i
	}
	return v
}

// prim writes one primitive.
func (w *hloWriter) prim(pr prim) (err error) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(error)
			if !ok {
				panic(r)
			}
			err = fmt.Errorf("export: %s: the primitive %q: %v", w.p.name, pr.op, e)
		}
	}()
	p := w.p
	out := p.values[pr.out]
	s, e := out.shape, out.elem
	in := make([]hv, len(pr.in))
	for i, v := range pr.in {
		in[i] = w.names[v]
	}
	var r hv
	switch pr.op {
	case "const":
		switch {
		case pr.t != nil:
			r = w.constant(pr.t.Data(), func() []byte { return tensorBytes(pr.t, e) }, s, e)
		case pr.ints != nil:
			same := len(pr.ints) > 0
			for _, x := range pr.ints {
				same = same && x == pr.ints[0]
			}
			if same && pr.ints[0] > -1<<53 && pr.ints[0] < 1<<53 {
				r = w.splat(float64(pr.ints[0]), s, i64)
				break
			}
			r = w.intConstant(pr.ints, s)
		default:
			r = w.splat(pr.num, s, e)
		}
	case "where":
		r = w.sel(in[0], in[1], in[2])
	case "reshape":
		r = w.reshape(in[0], s)
	case "transpose":
		r = w.op("stablehlo.transpose", in, "permutation = "+i64Array(pr.perm), s, e)
	case "broadcast":
		r = w.broadcast(in[0], s)
	case "sum", "mean", "max", "min", "prod":
		if len(in) == 2 {
			r = w.binary(hloBinary[pr.op], in[0], in[1])
			break
		}
		red := reduction[pr.op]
		r = w.reduce(in[0], pr.axes, red.combine, red.init)
		if pr.op == "mean" {
			n := 1
			for _, a := range pr.axes {
				n *= in[0].shape[a]
			}
			r = w.binary("stablehlo.divide", r, w.splat(float64(n), r.shape, e))
		}
		r = w.reshape(r, s)
	case "softmax", "log_softmax":
		r = w.softmax(in[0], pr.axis, pr.op == "log_softmax")
	case "matmul":
		r = w.matmul(in[0], in[1], s)
	case "slice":
		x := in[0]
		n := len(x.shape)
		start, limit, step := make([]int, n), make([]int, n), make([]int, n)
		for i := range n {
			start[i], step[i] = 0, 1
			if i < len(pr.rngs) {
				start[i], step[i] = pr.rngs[i].Start, max(pr.rngs[i].Step, 1)
			}
			// The least limit that gives the result's size.
			limit[i] = start[i]
			if s[i] > 0 {
				limit[i] = start[i] + (s[i]-1)*step[i] + 1
			}
		}
		r = w.op("stablehlo.slice", in, fmt.Sprintf("limit_indices = %s, start_indices = %s, strides = %s", i64Array(limit), i64Array(start), i64Array(step)), s, e)
	case "pad":
		fill := w.splat(pr.num, nil, e)
		r = w.op("stablehlo.pad", []hv{in[0], fill}, fmt.Sprintf("edge_padding_high = %s, edge_padding_low = %s, interior_padding = %s",
			i64Array(pr.hi), i64Array(pr.lo), i64Array(make([]int, len(pr.lo)))), s, e)
	case "concat":
		r = w.op("stablehlo.concatenate", in, fmt.Sprintf("dimension = %d : i64", pr.axis), s, e)
	case "cumsum":
		// Each element is the sum of a window as long as the axis that
		// ends at it (or, reversed, starts at it), over zeros beyond the
		// ends.
		x := in[0]
		n := x.shape[pr.axis]
		win := make([]int, len(x.shape))
		pad := make([]string, len(x.shape))
		for i := range win {
			win[i] = 1
			pad[i] = "[0, 0]"
		}
		win[pr.axis] = n
		pad[pr.axis] = fmt.Sprintf("[%d, 0]", max(n-1, 0))
		if pr.rev {
			pad[pr.axis] = fmt.Sprintf("[0, %d]", max(n-1, 0))
		}
		zero := w.splat(0, nil, e)
		attrs := fmt.Sprintf("padding = dense<[%s]> : tensor<%dx2xi64>, window_dimensions = %s", strings.Join(pad, ", "), len(x.shape), i64Array(win))
		r = w.regionOp("stablehlo.reduce_window", []hv{x, zero}, []elem{e, e}, w.combine("stablehlo.add"), attrs, []hv{{shape: s, elem: e}})[0]
	case "gather_elements":
		x, pos := in[0], in[1]
		rk := len(x.shape)
		idx := w.fullIndex(pos, pr.axis)
		ones := make([]int, rk)
		for i := range ones {
			ones[i] = 1
		}
		attrs := fmt.Sprintf("dimension_numbers = #stablehlo.gather<collapsed_slice_dims = %s, start_index_map = %s, index_vector_dim = %d>, indices_are_sorted = false, slice_sizes = %s",
			dims(iotaInts(rk)), dims(iotaInts(rk)), rk, i64Array(ones))
		r = w.op("stablehlo.gather", []hv{x, idx}, attrs, s, e)
	case "take":
		x, pos := in[0], in[1]
		rk := len(x.shape)
		idx := w.reshape(pos, tensor.Shape{pos.shape.Size(), 1})
		var offset []int
		for i := range rk {
			if i != pr.axis {
				offset = append(offset, i)
			}
		}
		sizes := []int(x.shape.Clone())
		sizes[pr.axis] = 1
		attrs := fmt.Sprintf("dimension_numbers = #stablehlo.gather<offset_dims = %s, collapsed_slice_dims = [%d], start_index_map = [%d], index_vector_dim = 1>, indices_are_sorted = false, slice_sizes = %s",
			dims(offset), pr.axis, pr.axis, i64Array(sizes))
		r = w.op("stablehlo.gather", []hv{x, idx}, attrs, s, e)
	case "scatter_add_elements":
		zeros, pos, upd := in[0], in[1], in[2]
		rk := len(zeros.shape)
		idx := w.fullIndex(pos, pr.axis)
		attrs := fmt.Sprintf("indices_are_sorted = false, scatter_dimension_numbers = #stablehlo.scatter<inserted_window_dims = %s, scatter_dims_to_operand_dims = %s, index_vector_dim = %d>, unique_indices = false",
			dims(iotaInts(rk)), dims(iotaInts(rk)), rk)
		r = w.regionOp("stablehlo.scatter", []hv{zeros, idx, upd}, []elem{e, e}, w.combine("stablehlo.add"), attrs, []hv{{shape: s, elem: e}})[0]
	case "argmax":
		r = w.argmax(in[0], pr.axis)
	case "relu":
		r = w.binary("stablehlo.maximum", in[0], w.splat(0, nil, e))
	case "isnan":
		r = w.compare("NE", in[0], in[0])
	case "atan":
		r = w.binary("stablehlo.atan2", in[0], w.splat(1, nil, e))
	default:
		if op, ok := hloUnary[pr.op]; ok && len(in) == 1 {
			r = w.op(op, in, "", s, e)
			break
		}
		if op, ok := hloBinary[pr.op]; ok && len(in) == 2 {
			r = w.binary(op, in[0], in[1])
			break
		}
		if dir, ok := hloCompare[pr.op]; ok && len(in) == 2 {
			r = w.compare(dir, in[0], in[1])
			break
		}
		return fmt.Errorf("export: %s: the primitive %q has no StableHLO translation", p.name, pr.op)
	}
	if !r.shape.Equal(s) || r.elem != e {
		return fmt.Errorf("export: %s: the primitive %q was written as %s, but its value is %s", p.name, pr.op, tensorType(r.shape, r.elem), tensorType(s, e))
	}
	w.names[pr.out] = r
	return nil
}

// intConstant writes a constant of int64s v of shape s.
func (w *hloWriter) intConstant(v []int64, s tensor.Shape) hv {
	return w.dense(len(v), func(i int) string { return strconv.FormatInt(v[i], 10) }, func() []byte { return int64Bytes(v) }, s, i64)
}

// nestedStrings writes the literals v, of shape s, as nested lists.
func nestedStrings(b *strings.Builder, v []string, s tensor.Shape) {
	if len(s) == 0 {
		b.WriteString(v[0])
		return
	}
	b.WriteByte('[')
	n := 0
	if s[0] > 0 {
		n = len(v) / s[0]
	}
	for i := range s[0] {
		if i > 0 {
			b.WriteString(", ")
		}
		nestedStrings(b, v[i*n:(i+1)*n], s[1:])
	}
	b.WriteByte(']')
}

var hloUnary = map[string]string{
	"neg": "stablehlo.negate", "abs": "stablehlo.abs", "sign": "stablehlo.sign", "floor": "stablehlo.floor",
	"ceil": "stablehlo.ceil", "round": "stablehlo.round_nearest_even", "sqrt": "stablehlo.sqrt",
	"exp": "stablehlo.exponential", "log": "stablehlo.log", "sin": "stablehlo.sine", "cos": "stablehlo.cosine",
	"tan": "chlo.tan", "tanh": "stablehlo.tanh", "asin": "chlo.asin", "acos": "chlo.acos",
	"sigmoid": "stablehlo.logistic", "erf": "chlo.erf", "not": "stablehlo.not",
}

var hloBinary = map[string]string{
	"add": "stablehlo.add", "sub": "stablehlo.subtract", "mul": "stablehlo.multiply", "div": "stablehlo.divide",
	"pow": "stablehlo.power", "max": "stablehlo.maximum", "min": "stablehlo.minimum",
	"and": "stablehlo.and", "or": "stablehlo.or",
}

var hloCompare = map[string]string{"gt": "GT", "ge": "GE", "lt": "LT", "le": "LE", "eq": "EQ"}
