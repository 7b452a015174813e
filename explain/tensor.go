package explain

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// Tensor is a tensor value as an explanation shows it: its shape and all
// its elements, or, beyond Options.MaxElements elements, their minimum,
// maximum and mean.
//
// In JSON a tensor is an object: {"shape": [2, 2], "values": [[1, 2], [3,
// 4]]} with the elements as nested arrays, or {"shape": [100, 784],
// "size": 78400, "min": -1.5, "max": 2, "mean": 0.01} for a summary.
// Non-finite numbers are the strings "NaN", "+Inf" and "-Inf", as for
// scalars.
type Tensor struct {
	Shape          []int
	Values         []float64 // the elements in row-major order; nil for a summary
	Min, Max, Mean float64   // for a summary
}

// newTensor returns how t is shown with at most maxEl elements.
func newTensor(t *tensor.Tensor, maxEl int) *Tensor {
	s := &Tensor{Shape: []int(t.Shape().Clone())}
	if s.Shape == nil {
		s.Shape = []int{}
	}
	d := t.Float64s()
	if len(d) <= maxEl {
		s.Values = d
		return s
	}
	s.Min, s.Max = math.Inf(1), math.Inf(-1)
	sum := 0.0
	for _, v := range d {
		s.Min, s.Max = math.Min(s.Min, v), math.Max(s.Max, v)
		sum += v
	}
	s.Mean = sum / float64(len(d))
	return s
}

// size is the number of elements.
func (t *Tensor) size() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// String writes the elements as nested lists, "[[1, 2], [3, 4]]", or the
// summary, "[100 784] tensor: min -1.5, max 2, mean 0.01".
func (t *Tensor) String() string {
	if t.Values == nil && t.size() > 0 {
		return fmt.Sprintf("%v tensor: min %s, max %s, mean %s", t.Shape, Number(t.Min), Number(t.Max), Number(t.Mean))
	}
	var b strings.Builder
	t.nest(&b, 0, 0, func(v float64) string { return Number(v) })
	return b.String()
}

// nest writes the elements from offset off along axes axis… as lists.
func (t *Tensor) nest(b *strings.Builder, axis, off int, num func(float64) string) int {
	if axis == len(t.Shape) {
		b.WriteString(num(t.Values[off]))
		return off + 1
	}
	b.WriteByte('[')
	for i := range t.Shape[axis] {
		if i > 0 {
			b.WriteString(", ")
		}
		off = t.nest(b, axis+1, off, num)
	}
	b.WriteByte(']')
	return off
}

// MarshalJSON writes t as described in Tensor's documentation.
func (t *Tensor) MarshalJSON() ([]byte, error) {
	if t.Values == nil && t.size() > 0 {
		return json.Marshal(struct {
			Shape []int      `json:"shape"`
			Size  int        `json:"size"`
			Min   jsonNumber `json:"min"`
			Max   jsonNumber `json:"max"`
			Mean  jsonNumber `json:"mean"`
		}{t.Shape, t.size(), jsonNumber(t.Min), jsonNumber(t.Max), jsonNumber(t.Mean)})
	}
	var b strings.Builder
	t.nest(&b, 0, 0, func(v float64) string {
		j, _ := jsonNumber(v).MarshalJSON()
		return string(j)
	})
	return json.Marshal(struct {
		Shape  []int           `json:"shape"`
		Values json.RawMessage `json:"values"`
	}{t.Shape, json.RawMessage(b.String())})
}

// isScalar reports whether n holds one number with no axes.
func isScalar(n ad.Node) bool { return len(n.Shape()) == 0 }

// scalarOf returns n's value if it is a scalar, and NaN for a tensor (its
// value is in the Tensor field beside) or the zero Node.
func scalarOf(n ad.Node) float64 {
	if !n.Valid() || !isScalar(n) {
		return math.NaN()
	}
	return n.Scalar()
}

// tensorOf returns how n's value is shown if it is a tensor, and nil for
// a scalar.
func tensorOf(n ad.Node, maxEl int) *Tensor {
	if !n.Valid() || isScalar(n) {
		return nil
	}
	return newTensor(n.Value(), maxEl)
}
