package export

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"

	"google.golang.org/protobuf/proto"

	pb "github.com/seed812a03d2/backprop/export/internal/onnxpb"
	"github.com/seed812a03d2/backprop/tensor"
)

// ONNXOpset is the version of the ONNX operator set that WriteONNX
// writes: 17, the highest that Debian's python3-onnx checker (1.12)
// accepts.
const ONNXOpset = 17

// onnxIRVersion is the version of the ONNX format that goes with opset 17.
const onnxIRVersion = 8

// WriteONNX writes f to w as an ONNX model (opset 17): its inputs and
// outputs by name, its constants as initializers. It fails, with an error
// naming the node, if an operation has no translation.
func (f *Func) WriteONNX(w io.Writer) error {
	b, err := f.ONNX()
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// ONNX returns f as a serialised ONNX model, as WriteONNX writes it.
func (f *Func) ONNX() ([]byte, error) {
	p, err := lower(f)
	if err != nil {
		return nil, err
	}
	if err := p.symbolicBatch(); err != nil {
		return nil, err
	}
	g, err := onnxGraph(p)
	if err != nil {
		return nil, err
	}
	m := &pb.ModelProto{
		IrVersion:    proto.Int64(onnxIRVersion),
		OpsetImport:  []*pb.OperatorSetIdProto{{Domain: proto.String(""), Version: proto.Int64(ONNXOpset)}},
		ProducerName: proto.String("backprop"),
		Graph:        g,
	}
	return proto.MarshalOptions{Deterministic: true}.Marshal(m)
}

// onnxWriter builds one GraphProto.
type onnxWriter struct {
	p     *program
	g     *pb.GraphProto
	names []string       // each value's name, once it has one
	nums  map[string]int // the value of each number constant, by element type and bits
}

func onnxGraph(p *program) (*pb.GraphProto, error) {
	w := &onnxWriter{p: p, g: &pb.GraphProto{Name: proto.String(p.name)}, names: make([]string, len(p.values)), nums: map[string]int{}}
	for i, v := range p.inputs {
		in := p.f.Inputs[i]
		w.names[v] = in.Name
		w.g.Input = append(w.g.Input, w.valueInfo(in.Name, p.values[v]))
	}
	for _, pr := range p.prims {
		if err := w.prim(pr); err != nil {
			return nil, err
		}
	}
	for i, v := range p.outputs {
		name := p.f.Outputs[i].Name
		w.node("Identity", []string{w.name(v)}, name)
		w.g.Output = append(w.g.Output, w.valueInfo(name, p.values[v]))
	}
	return w.g, nil
}

func (w *onnxWriter) name(v int) string {
	if w.names[v] == "" {
		w.names[v] = "v" + strconv.Itoa(v)
	}
	return w.names[v]
}

var onnxElem = [...]int32{f32: 1, f64: 11, i64: 7, boolean: 9}

func (w *onnxWriter) valueInfo(name string, v value) *pb.ValueInfoProto {
	dims := make([]*pb.TensorShapeProto_Dimension, len(v.shape))
	for i, d := range v.shape {
		if i == 0 && v.batch {
			dims[i] = &pb.TensorShapeProto_Dimension{Value: &pb.TensorShapeProto_Dimension_DimParam{DimParam: "batch"}}
			continue
		}
		dims[i] = &pb.TensorShapeProto_Dimension{Value: &pb.TensorShapeProto_Dimension_DimValue{DimValue: int64(d)}}
	}
	return &pb.ValueInfoProto{Name: proto.String(name), Type: &pb.TypeProto{Value: &pb.TypeProto_TensorType{
		TensorType: &pb.TypeProto_Tensor{ElemType: proto.Int32(onnxElem[v.elem]), Shape: &pb.TensorShapeProto{Dim: dims}}}}}
}

// node appends a node of op with inputs in and output out.
func (w *onnxWriter) node(op string, in []string, out string, attrs ...*pb.AttributeProto) {
	w.g.Node = append(w.g.Node, &pb.NodeProto{OpType: proto.String(op), Input: in, Output: []string{out},
		Name: proto.String(out), Attribute: attrs})
}

func intAttr(name string, v int) *pb.AttributeProto {
	return &pb.AttributeProto{Name: proto.String(name), Type: pb.AttributeProto_INT.Enum(), I: proto.Int64(int64(v))}
}

func intsAttr(name string, v []int) *pb.AttributeProto {
	ints := make([]int64, len(v))
	for i, x := range v {
		ints[i] = int64(x)
	}
	return &pb.AttributeProto{Name: proto.String(name), Type: pb.AttributeProto_INTS.Enum(), Ints: ints}
}

func stringAttr(name, v string) *pb.AttributeProto {
	return &pb.AttributeProto{Name: proto.String(name), Type: pb.AttributeProto_STRING.Enum(), S: []byte(v)}
}

// initializer adds a constant named name.
func (w *onnxWriter) initializer(name string, e elem, shape tensor.Shape, raw []byte) {
	dims := make([]int64, len(shape))
	for i, d := range shape {
		dims[i] = int64(d)
	}
	w.g.Initializer = append(w.g.Initializer, &pb.TensorProto{Name: proto.String(name), DataType: proto.Int32(onnxElem[e]), Dims: dims, RawData: raw})
}

// ints returns the name of a constant of int64s, shape [len(v)].
func (w *onnxWriter) ints(v ...int) string {
	v64 := make([]int64, len(v))
	for i, x := range v {
		v64[i] = int64(x)
	}
	name := "c" + strconv.Itoa(len(w.g.Initializer))
	w.initializer(name, i64, tensor.Shape{len(v)}, int64Bytes(v64))
	return name
}

func int64Bytes(v []int64) []byte {
	b := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(b[8*i:], uint64(x))
	}
	return b
}

// tensorBytes is t's elements as little-endian IEEE 754 numbers of e.
func tensorBytes(t *tensor.Tensor, e elem) []byte {
	if e == f32 {
		src := t.Float32s()
		if src == nil {
			src = t.AsType(tensor.Float32).Float32s()
		}
		b := make([]byte, 4*len(src))
		for i, x := range src {
			binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
		}
		return b
	}
	src := t.Float64s()
	if src == nil {
		src = t.AsType(tensor.Float64).Float64s()
	}
	b := make([]byte, 8*len(src))
	for i, x := range src {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(x))
	}
	return b
}

func numBytes(v float64, e elem) []byte {
	switch e {
	case f32:
		return binary.LittleEndian.AppendUint32(nil, math.Float32bits(float32(v)))
	case i64:
		return binary.LittleEndian.AppendUint64(nil, uint64(int64(v)))
	case boolean:
		if v != 0 {
			return []byte{1}
		}
		return []byte{0}
	}
	return binary.LittleEndian.AppendUint64(nil, math.Float64bits(v))
}

var onnxUnary = map[string]string{
	"neg": "Neg", "abs": "Abs", "sign": "Sign", "floor": "Floor", "ceil": "Ceil", "round": "Round",
	"sqrt": "Sqrt", "exp": "Exp", "log": "Log", "sin": "Sin", "cos": "Cos", "tan": "Tan", "tanh": "Tanh",
	"asin": "Asin", "acos": "Acos", "atan": "Atan", "sigmoid": "Sigmoid", "erf": "Erf", "relu": "Relu",
	"isnan": "IsNaN", "not": "Not",
}

var onnxBinary = map[string]string{
	"add": "Add", "sub": "Sub", "mul": "Mul", "div": "Div", "pow": "Pow", "max": "Max", "min": "Min",
	"gt": "Greater", "ge": "GreaterOrEqual", "lt": "Less", "le": "LessOrEqual", "eq": "Equal",
	"and": "And", "or": "Or", "matmul": "MatMul",
}

var onnxReduce = map[string]string{"mean": "ReduceMean", "max": "ReduceMax", "min": "ReduceMin", "prod": "ReduceProd"}

// prim writes one primitive.
func (w *onnxWriter) prim(pr prim) error {
	p := w.p
	out := pr.out
	in := make([]string, len(pr.in))
	for i, v := range pr.in {
		in[i] = w.name(v)
	}
	keep := 0
	if pr.keep {
		keep = 1
	}
	switch pr.op {
	case "const":
		v := p.values[out]
		switch {
		case pr.t != nil:
			w.initializer(w.name(out), v.elem, v.shape, tensorBytes(pr.t, v.elem))
		case pr.ints != nil:
			w.initializer(w.name(out), i64, v.shape, int64Bytes(pr.ints))
		default:
			key := v.elem.String() + strconv.FormatUint(math.Float64bits(pr.num), 16)
			if old, ok := w.nums[key]; ok {
				w.names[out] = w.names[old]
				return nil
			}
			w.nums[key] = out
			w.initializer(w.name(out), v.elem, nil, numBytes(pr.num, v.elem))
		}
		return nil
	case "where":
		w.node("Where", in, w.name(out))
	case "reshape":
		shape := pr.shape
		if p.values[out].batch {
			// 0 keeps the input's size: the batch, whatever it is.
			shape = append([]int{0}, shape[1:]...)
		}
		w.node("Reshape", []string{in[0], w.ints(shape...)}, w.name(out))
	case "transpose":
		w.node("Transpose", in, w.name(out), intsAttr("perm", pr.perm))
	case "broadcast":
		shape := pr.shape
		if p.values[out].batch {
			// Expand broadcasts 1 to the input's size: the batch.
			shape = append([]int{1}, shape[1:]...)
		}
		w.node("Expand", []string{in[0], w.ints(shape...)}, w.name(out))
	case "sum":
		w.node("ReduceSum", []string{in[0], w.ints(pr.axes...)}, w.name(out), intAttr("keepdims", keep))
	case "mean", "max", "min", "prod":
		if len(pr.in) == 1 {
			w.node(onnxReduce[pr.op], in, w.name(out), intsAttr("axes", pr.axes), intAttr("keepdims", keep))
			break
		}
		w.node(onnxBinary[pr.op], in, w.name(out))
	case "softmax":
		w.node("Softmax", in, w.name(out), intAttr("axis", pr.axis))
	case "log_softmax":
		w.node("LogSoftmax", in, w.name(out), intAttr("axis", pr.axis))
	case "slice":
		n := len(pr.rngs)
		starts, ends, axes, steps := make([]int, n), make([]int, n), make([]int, n), make([]int, n)
		for i, r := range pr.rngs {
			starts[i], ends[i], axes[i], steps[i] = r.Start, r.Stop, i, max(r.Step, 1)
		}
		if n > 0 && p.values[out].batch {
			ends[0] = math.MaxInt // the whole batch (INT64_MAX on 64-bit machines)
		}
		w.node("Slice", []string{in[0], w.ints(starts...), w.ints(ends...), w.ints(axes...), w.ints(steps...)}, w.name(out))
	case "pad":
		pads := []string{in[0], w.ints(append(append([]int(nil), pr.lo...), pr.hi...)...)}
		if pr.num != 0 {
			fill := "c" + strconv.Itoa(len(w.g.Initializer))
			w.initializer(fill, p.values[out].elem, nil, numBytes(pr.num, p.values[out].elem))
			pads = append(pads, fill)
		}
		w.node("Pad", pads, w.name(out), stringAttr("mode", "constant"))
	case "argmax":
		w.node("ArgMax", in, w.name(out), intAttr("axis", pr.axis), intAttr("keepdims", 0), intAttr("select_last_index", 0))
	case "concat":
		w.node("Concat", in, w.name(out), intAttr("axis", pr.axis))
	case "cumsum":
		rev := 0
		if pr.rev {
			rev = 1
		}
		axis := "c" + strconv.Itoa(len(w.g.Initializer))
		w.initializer(axis, i64, nil, int64Bytes([]int64{int64(pr.axis)}))
		w.node("CumSum", []string{in[0], axis}, w.name(out), intAttr("reverse", rev))
	case "gather_elements":
		w.node("GatherElements", in, w.name(out), intAttr("axis", pr.axis))
	case "scatter_add_elements":
		w.node("ScatterElements", in, w.name(out), intAttr("axis", pr.axis), stringAttr("reduction", "add"))
	case "take":
		w.node("Gather", in, w.name(out), intAttr("axis", pr.axis))
	default:
		if op, ok := onnxUnary[pr.op]; ok && len(in) == 1 {
			w.node(op, in, w.name(out))
			break
		}
		if op, ok := onnxBinary[pr.op]; ok && len(in) == 2 {
			w.node(op, in, w.name(out))
			break
		}
		return fmt.Errorf("export: %s: the primitive %q has no ONNX translation", p.name, pr.op)
	}
	return nil
}
