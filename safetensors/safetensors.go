// Package safetensors reads and writes tensors in the safetensors format
// (https://github.com/huggingface/safetensors), which other libraries
// (PyTorch, JAX, NumPy, Go's nlpodyssey/safetensors) load.
//
// # The format
//
// A file is an 8-byte little-endian unsigned header size N, then N bytes
// of a JSON object, then the tensors' bytes. The object maps each tensor's
// name to its dtype ("F32" or "F64" here), its shape and its data offsets
// [begin, end) into the bytes after the header; the optional key
// "__metadata__" maps strings to strings. Elements are little-endian, in
// row-major order. This package writes the header padded with spaces to a
// multiple of 8 bytes, tensors in the order given and back to back, and
// on reading checks everything the specification requires: the header
// fits in the file, begins with '{', is valid JSON without repeated names;
// the offsets cover the data exactly, without holes or overlaps; each
// tensor's byte count is its shape's size times its element size.
package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"

	"github.com/seed812a03d2/backprop/tensor"
)

// Named is a tensor with the name it has in a file.
type Named struct {
	Name   string
	Tensor *tensor.Tensor
}

// MaxHeader is the largest header Read accepts, as the reference
// implementation: 100 MB.
const MaxHeader = 100_000_000

const metadataKey = "__metadata__"

func dtypeName(d tensor.DType) string {
	if d == tensor.Float32 {
		return "F32"
	}
	return "F64"
}

// Write writes the tensors and the metadata to w as one safetensors file.
// Names must be distinct and not "__metadata__".
func Write(w io.Writer, tensors []Named, metadata map[string]string) error {
	var h bytes.Buffer
	h.WriteByte('{')
	first := true
	sep := func() {
		if !first {
			h.WriteByte(',')
		}
		first = false
	}
	if len(metadata) > 0 {
		sep()
		m, err := json.Marshal(metadata) // keys sorted
		if err != nil {
			return err
		}
		h.WriteString(`"__metadata__":`)
		h.Write(m)
	}
	seen := map[string]bool{}
	var offset int
	for _, t := range tensors {
		if t.Name == metadataKey || seen[t.Name] {
			return fmt.Errorf("safetensors: Write: tensor name %q is repeated or reserved", t.Name)
		}
		seen[t.Name] = true
		n := t.Tensor.Size() * elemSize(t.Tensor.DType())
		name, _ := json.Marshal(t.Name)
		shape, _ := json.Marshal([]int(t.Tensor.Shape()))
		if len(t.Tensor.Shape()) == 0 {
			shape = []byte("[]")
		}
		sep()
		fmt.Fprintf(&h, `%s:{"dtype":%q,"shape":%s,"data_offsets":[%d,%d]}`, name, dtypeName(t.Tensor.DType()), shape, offset, offset+n)
		offset += n
	}
	h.WriteByte('}')
	for h.Len()%8 != 0 {
		h.WriteByte(' ')
	}
	var size [8]byte
	binary.LittleEndian.PutUint64(size[:], uint64(h.Len()))
	if _, err := w.Write(size[:]); err != nil {
		return err
	}
	if _, err := w.Write(h.Bytes()); err != nil {
		return err
	}
	buf := make([]byte, 0, 1<<16)
	for _, t := range tensors {
		if err := writeElems(w, t.Tensor, buf); err != nil {
			return err
		}
	}
	return nil
}

func elemSize(d tensor.DType) int {
	if d == tensor.Float32 {
		return 4
	}
	return 8
}

// writeElems writes x's elements little-endian, through buf.
func writeElems(w io.Writer, x *tensor.Tensor, buf []byte) error {
	flush := func() error {
		_, err := w.Write(buf)
		buf = buf[:0]
		return err
	}
	if x.DType() == tensor.Float32 {
		for _, v := range x.Float32s() {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
			if len(buf) == cap(buf) {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	} else {
		for _, v := range x.Float64s() {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
			if len(buf) == cap(buf) {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}

// A File is what Read found: the tensors in the order of their data, by
// name, and the metadata.
type File struct {
	Names    []string
	Tensors  map[string]*tensor.Tensor
	Metadata map[string]string
}

// FormatError is a file that is not valid safetensors. File names the
// file, Tensor the tensor where there is one.
type FormatError struct {
	File, Tensor, Reason string
}

func (e *FormatError) Error() string {
	if e.Tensor != "" {
		return fmt.Sprintf("%s: tensor %q: %s", e.File, e.Tensor, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Reason)
}

type info struct {
	DType   string   `json:"dtype"`
	Shape   []int64  `json:"shape"`
	Offsets []uint64 `json:"data_offsets"`
}

// Read parses the safetensors file b; name names it in errors, which are
// *FormatError values. Only F32 and F64 tensors are read; a file with
// another dtype is an error naming the tensor.
func Read(b []byte, name string) (*File, error) {
	fail := func(tensor, format string, a ...any) error {
		return &FormatError{File: name, Tensor: tensor, Reason: fmt.Sprintf(format, a...)}
	}
	if len(b) < 8 {
		return nil, fail("", "%d bytes: too short for the 8-byte header size", len(b))
	}
	n := binary.LittleEndian.Uint64(b)
	if n > MaxHeader {
		return nil, fail("", "header size %d exceeds %d", n, MaxHeader)
	}
	if n > uint64(len(b)-8) {
		return nil, fail("", "header size %d, but only %d bytes follow", n, len(b)-8)
	}
	header, body := b[8:8+n], b[8+n:]
	if len(header) == 0 || header[0] != '{' {
		return nil, fail("", "the header does not begin with '{'")
	}
	entries, err := objectEntries(header)
	if err != nil {
		return nil, fail("", "header: %v", err)
	}
	f := &File{Tensors: map[string]*tensor.Tensor{}}
	type span struct {
		name       string
		begin, end uint64
	}
	var spans []span
	infos := map[string]info{}
	for _, e := range entries {
		if e.key == metadataKey {
			if err := json.Unmarshal(e.value, &f.Metadata); err != nil {
				return nil, fail("", "__metadata__ is not an object of strings: %v", err)
			}
			continue
		}
		var in info
		dec := json.NewDecoder(bytes.NewReader(e.value))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			return nil, fail(e.key, "%v", err)
		}
		if len(in.Offsets) != 2 || in.Offsets[0] > in.Offsets[1] {
			return nil, fail(e.key, "data_offsets %v are not [begin, end]", in.Offsets)
		}
		infos[e.key] = in
		spans = append(spans, span{e.key, in.Offsets[0], in.Offsets[1]})
	}
	slices.SortStableFunc(spans, func(x, y span) int {
		if x.begin != y.begin {
			return cmpU(x.begin, y.begin)
		}
		return cmpU(x.end, y.end)
	})
	var at uint64
	for _, s := range spans {
		if s.begin != at {
			return nil, fail(s.name, "data begins at byte %d, where the data before it ends at %d (a hole or an overlap)", s.begin, at)
		}
		at = s.end
	}
	if at != uint64(len(body)) {
		return nil, fail("", "the tensors cover %d bytes of data, but the file holds %d", at, len(body))
	}
	for _, s := range spans {
		in := infos[s.name]
		var d tensor.DType
		switch in.DType {
		case "F32":
			d = tensor.Float32
		case "F64":
			d = tensor.Float64
		default:
			return nil, fail(s.name, "dtype %q is not supported (only F32 and F64)", in.DType)
		}
		shape := make([]int, len(in.Shape))
		size := uint64(1)
		for i, v := range in.Shape {
			if v < 0 {
				return nil, fail(s.name, "negative size in shape %v", in.Shape)
			}
			shape[i] = int(v)
			if v != 0 && size > math.MaxInt64/uint64(v) {
				return nil, fail(s.name, "shape %v overflows", in.Shape)
			}
			size *= uint64(v)
		}
		if size > uint64(tensor.MaxSize) {
			return nil, fail(s.name, "shape %v has %d elements, more than a tensor holds (%d)", in.Shape, size, tensor.MaxSize)
		}
		if want := size * uint64(elemSize(d)); want != s.end-s.begin {
			return nil, fail(s.name, "shape %v of %s needs %d bytes, but its offsets hold %d", in.Shape, in.DType, want, s.end-s.begin)
		}
		f.Tensors[s.name] = decode(d, shape, body[s.begin:s.end])
		f.Names = append(f.Names, s.name)
	}
	return f, nil
}

func cmpU(x, y uint64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func decode(d tensor.DType, shape []int, b []byte) *tensor.Tensor {
	t := tensor.New(d, shape...)
	if d == tensor.Float32 {
		x := t.Float32s()
		for i := range x {
			x[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
	} else {
		x := t.Float64s()
		for i := range x {
			x[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
		}
	}
	return t
}

type entry struct {
	key   string
	value json.RawMessage
}

// objectEntries returns the members of the JSON object b in order, and an
// error for invalid JSON, a value that is not an object, trailing data or
// a repeated key (which encoding/json would silently overwrite).
func objectEntries(b []byte) ([]entry, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if tok != json.Delim('{') {
		return nil, errors.New("not a JSON object")
	}
	var out []entry
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key := tok.(string)
		if seen[key] {
			return nil, fmt.Errorf("name %s appears twice", strconv.Quote(key))
		}
		seen[key] = true
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		out = append(out, entry{key, v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if rest := b[dec.InputOffset():]; len(bytes.TrimRight(rest, " ")) != 0 {
		return nil, errors.New("data after the JSON object")
	}
	return out, nil
}
