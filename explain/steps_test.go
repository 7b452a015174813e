package explain

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/program"
	"github.com/seed812a03d2/backprop/tensor"
)

// The programs of the tests of Options.Steps.
const (
	workedExample = "u1 = 4\nu2 = 2\nu3 = u1 + u2\nu4 = u3^2\nu5 = sin(u4)\n"
	manyConsumers = "x = 3\ny = x*x + sin(x) + x\n" // x has three consumers, one of which uses it twice
	usedTwice     = "x = 3\ny = x*x\n"              // one row, two steps
	twiceInChain  = "x = 3\nz = 2\ny = z*x*x*z\n"   // x and z used by two consumers each
	matmulSum     = "W = [[1, 2], [3, 4]]\nx = [[1], [2]]\ny = sum(W @ x)\n"
	broadcastSum  = "W = [[1, 2], [3, 4]]\nx = [[1], [2]]\ny = sum(W * W + x)\n" // W used twice, x broadcast
)

var stepPrograms = []struct{ name, src string }{
	{"worked example", workedExample},
	{"many consumers", manyConsumers},
	{"used twice", usedTwice},
	{"twice in a chain", twiceInChain},
	{"matmul", matmulSum},
	{"broadcast", broadcastSum},
}

// compile builds src as the command does, with the given settings.
func compile(t *testing.T, src string, set ...program.Setting) *program.Compiled {
	t.Helper()
	pg, err := program.Parse("", []byte(src), program.Options{Set: set})
	if err != nil {
		t.Fatalf("program.Parse(%q) = %v", src, err)
	}
	return pg
}

// explainSteps explains src's backward pass with Options.Steps.
func explainSteps(t *testing.T, src string, set ...program.Setting) *Explanation {
	t.Helper()
	return Backward(graphOf(compile(t, src, set...)), Options{Steps: true})
}

// traceOf returns, for the backward pass of src run by ad.Trace on a
// graph of its own, the number of steps and which of them are the second
// use of a node by the consumer of the step before (x·x), which the
// table shows in the row of the first.
func traceOf(t *testing.T, src string, set ...program.Setting) (n int, second map[int]bool) {
	t.Helper()
	pg := compile(t, src, set...)
	second = map[int]bool{}
	var last ad.Step
	ad.Trace(pg.Output(), func(s ad.Step) {
		if n > 0 && s.V == last.V && s.C == last.C {
			second[n] = true
		}
		last = s
		n++
	}, pg.WrtNodes()...)
	return n, second
}

// checkSteps checks that the rows' steps are the trace's: each step of
// the trace makes exactly one row, except a second use, which is in the
// row of the first.
func checkSteps(t *testing.T, src string, e *Explanation, n int, second map[int]bool) {
	t.Helper()
	var want []int
	for k := range n {
		if !second[k] {
			want = append(want, k)
		}
	}
	var got []int
	for _, r := range e.Rows {
		got = append(got, r.Step)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("%q: the rows' steps, sorted, are %v; want %v (%d steps, second uses %v)", src, got, want, n, second)
	}
}

// same reports whether a and b are the same float64, NaN included.
func same(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

// valuesOf returns a value as the rows give it: the scalar v, or the
// elements of tensor t if it is not nil.
func valuesOf(v float64, t *Tensor) []float64 {
	if t != nil {
		return t.Values
	}
	return []float64{v}
}

// ulps is the tolerance of a sum done in another order: a few units in
// the last place of the terms.
func ulps(terms ...float64) float64 {
	m := 0.0
	for _, x := range terms {
		m = math.Max(m, math.Abs(x))
	}
	return 4 * m * 0x1p-52
}

// checkPartials checks each V's running totals: taken in step order, a
// row's Partial is the Partial before it plus its contribution (exactly,
// as the engine adds them, but for a row of two steps, whose contribution
// the engine adds one use at a time), and the Partial of V's last step is
// its G.
func checkPartials(t *testing.T, src string, e *Explanation, second map[int]bool) {
	t.Helper()
	byV := map[string][]Row{}
	var vs []string
	for _, r := range e.Rows {
		if byV[r.V] == nil {
			vs = append(vs, r.V)
		}
		byV[r.V] = append(byV[r.V], r)
	}
	for _, v := range vs {
		rows := byV[v]
		slices.SortFunc(rows, func(a, b Row) int { return a.Step - b.Step })
		var prev []float64
		for _, r := range rows {
			if (r.PartialTensor != nil) != (r.GTensor != nil) {
				t.Errorf("%q: row %s←%s: PartialTensor %v, GTensor %v; want both or neither", src, r.V, r.C, r.PartialTensor, r.GTensor)
				continue
			}
			if r.PartialTensor != nil && !math.IsNaN(r.Partial) {
				t.Errorf("%q: row %s←%s: Partial = %v beside PartialTensor; want NaN", src, r.V, r.C, r.Partial)
			}
			partial, contrib := valuesOf(r.Partial, r.PartialTensor), valuesOf(r.ContribValue, r.ContribTensor)
			if len(partial) != len(contrib) {
				t.Errorf("%q: row %s←%s: partial %v, contribution %v; want the same size", src, r.V, r.C, partial, contrib)
				continue
			}
			for i := range partial {
				want := contrib[i]
				if prev != nil {
					want = prev[i] + contrib[i]
				}
				ok := same(partial[i], want)
				if !ok && second[r.Step+1] && prev != nil {
					ok = math.Abs(partial[i]-want) <= ulps(prev[i], contrib[i])
				}
				if !ok {
					t.Errorf("%q: row %s←%s (step %d): partial[%d] = %v; want %v, the partial before it plus its contribution %v", src, r.V, r.C, r.Step, i, partial[i], want, contrib[i])
				}
			}
			prev = partial
		}
		last := rows[len(rows)-1]
		p, g := valuesOf(last.Partial, last.PartialTensor), valuesOf(last.GValue, last.GTensor)
		if !slices.EqualFunc(p, g, same) {
			t.Errorf("%q: G[%s] = %v, but the partial at its last step (%d) is %v", src, v, g, last.Step, p)
		}
	}
}

// The rows' steps are the trace's steps, each once, and the partials are
// the engine's running totals, which end at G.
func TestStepsAreTheTrace(t *testing.T) {
	for _, tt := range stepPrograms {
		t.Run(tt.name, func(t *testing.T) {
			e := explainSteps(t, tt.src)
			n, second := traceOf(t, tt.src)
			checkSteps(t, tt.src, e, n, second)
			checkPartials(t, tt.src, e, second)
		})
	}
}

// Without a second use of a node, the rows' steps are 0, …, len(Rows)-1.
func TestStepsArePermutation(t *testing.T) {
	for _, src := range []string{workedExample, "x = 3\ny = x*2 + sin(x) + x\n", matmulSum} {
		e := explainSteps(t, src)
		var got []int
		for _, r := range e.Rows {
			got = append(got, r.Step)
		}
		slices.Sort(got)
		for k, s := range got {
			if s != k {
				t.Errorf("%q: the rows' steps, sorted, are %v; want 0 … %d", src, got, len(e.Rows)-1)
				break
			}
		}
	}
}

// The worked example's steps, in the order the engine takes them (the
// trace of ad/doc.go): u5's consumer first, then u4's, then u3's inputs
// in order.
func TestStepsOfWorkedExample(t *testing.T) {
	e := explainSteps(t, workedExample)
	want := map[string]int{"u4←u5": 0, "u3←u4": 1, "u1←u3": 2, "u2←u3": 3}
	if len(e.Rows) != len(want) {
		t.Fatalf("%d rows; want %d", len(e.Rows), len(want))
	}
	for _, r := range e.Rows {
		if s, ok := want[r.V+"←"+r.C]; !ok || r.Step != s {
			t.Errorf("row %s←%s: Step = %d; want %d", r.V, r.C, r.Step, s)
		}
	}
}

// A consumer that uses V twice makes one row of two steps: its local
// derivative and contribution are the sums of the two uses', and its
// Partial is the total after the second.
func TestStepsUsedTwice(t *testing.T) {
	e := explainSteps(t, usedTwice)
	if len(e.Rows) != 1 {
		t.Fatalf("%d rows; want 1", len(e.Rows))
	}
	// y = x·x at x = 3: each use contributes x = 3.
	r := e.Rows[0]
	if r.Step != 0 || r.Local != "2·x" || r.LocalAt != "6" || r.LocalValue != 6 || r.ContribValue != 6 || r.Partial != 6 || r.GValue != 6 {
		t.Errorf("row %s←%s = step %d, local %q at %q = %v, contribution %v, partial %v, G %v; want step 0, local 2·x at 6 = 6, contribution 6, partial 6, G 6",
			r.V, r.C, r.Step, r.Local, r.LocalAt, r.LocalValue, r.ContribValue, r.Partial, r.GValue)
	}
}

// On random programs, inputs at 0, ±Inf and NaN included, the steps and
// partials are the trace's.
func TestStepsRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	specials := []float64{0, 1, -1, 2.5, 0.5, -3, 1e300, math.Inf(1), math.NaN()}
	funcs := []string{"sin", "exp", "tanh", "relu", "abs", "sqrt", "log"}
	for range 200 {
		var b strings.Builder
		names := []string{"a", "b", "c"}
		var set []program.Setting
		for _, n := range names {
			fmt.Fprintf(&b, "%s = 1\n", n)
			set = append(set, program.Setting{Name: n, Value: tensor.Scalar(specials[r.IntN(len(specials))])})
		}
		for i := range 2 + r.IntN(6) {
			pick := func() string { return names[r.IntN(len(names))] }
			op := []string{"+", "-", "*", "/"}[r.IntN(4)]
			fmt.Fprintf(&b, "v%d = %s(%s) %s %s * %s\n", i, funcs[r.IntN(len(funcs))], pick(), op, pick(), pick())
			names = append(names, fmt.Sprintf("v%d", i))
		}
		src := b.String()
		e := explainSteps(t, src, set...)
		n, second := traceOf(t, src, set...)
		checkSteps(t, src, e, n, second)
		checkPartials(t, src, e, second)
		if t.Failed() {
			t.Fatalf("with %v", set)
		}
	}
}

// LocalAt is the local derivative with the values put in, and LocalValue
// its value; both are empty where the operation states a bprop rule, and
// LocalValue is NaN for a tensor.
func TestStepsLocalAt(t *testing.T) {
	tests := []struct {
		name, src, v, c string
		local, at       string
		value           float64
	}{
		// ∂u4/∂u3 = 2·u3 at u3 = 4 + 2.
		{"square", workedExample, "u3", "u4", "2·u3", "12", 12},
		{"sin", workedExample, "u4", "u5", "cos(u4)", "cos(36)", math.Cos(36)},
		{"add", workedExample, "u1", "u3", "1", "1", 1},
		// The two uses of x in x·x at x = 3: 3 + 3.
		{"used twice", manyConsumers, "x", "x·x", "2·x", "6", 6},
		{"sin of input", manyConsumers, "x", "sin(x)", "cos(x)", "cos(3)", math.Cos(3)},
		// A matrix product states its bprop rule.
		{"matmul", matmulSum, "W", "W @ x", "", "", math.NaN()},
		// W ⊙ W at a tensor W: the tensor is named, not written out.
		{"tensor local", broadcastSum, "W", "W·W", "2·W", "2·W", math.NaN()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := explainSteps(t, tt.src)
			for _, r := range e.Rows {
				if r.V != tt.v || r.C != tt.c {
					continue
				}
				if r.Local != tt.local || r.LocalAt != tt.at || !same(r.LocalValue, tt.value) {
					t.Errorf("row %s←%s: Local %q, LocalAt %q, LocalValue %v; want %q, %q, %v", r.V, r.C, r.Local, r.LocalAt, r.LocalValue, tt.local, tt.at, tt.value)
				}
				return
			}
			var rows []string
			for _, r := range e.Rows {
				rows = append(rows, r.V+"←"+r.C)
			}
			t.Errorf("no row %s←%s among %v", tt.v, tt.c, rows)
		})
	}
}

// Without Options.Steps the step fields are zero.
func TestNoStepsWithoutOption(t *testing.T) {
	for _, tt := range stepPrograms {
		e := Backward(graphOf(compile(t, tt.src)), Options{})
		for _, r := range e.Rows {
			if r.Step != 0 || r.LocalAt != "" || r.LocalValue != 0 || r.Partial != 0 || r.PartialTensor != nil {
				t.Errorf("%s: row %s←%s without Steps: Step %d, LocalAt %q, LocalValue %v, Partial %v, PartialTensor %v; want zero",
					tt.name, r.V, r.C, r.Step, r.LocalAt, r.LocalValue, r.Partial, r.PartialTensor)
			}
		}
	}
}

// jsonRows decodes the rows of an explanation's JSON.
func jsonRows(t *testing.T, b []byte) []map[string]json.RawMessage {
	t.Helper()
	var j struct {
		Rows []map[string]json.RawMessage `json:"rows"`
	}
	if err := json.Unmarshal(b, &j); err != nil {
		t.Fatalf("the JSON does not parse: %v\n%s", err, b)
	}
	return j.Rows
}

var stepMembers = []string{"step", "local_at", "local_value", "partial"}

// The JSON has the members of the steps with Options.Steps only, so that
// the command's JSON, made without, is as it was.
func TestStepsJSON(t *testing.T) {
	for _, tt := range stepPrograms {
		t.Run(tt.name, func(t *testing.T) {
			gr := graphOf(compile(t, tt.src))
			var b bytes.Buffer
			if err := Backward(gr, Options{}).WriteJSON(&b); err != nil {
				t.Fatal(err)
			}
			for _, r := range jsonRows(t, b.Bytes()) {
				for _, m := range stepMembers {
					if _, ok := r[m]; ok {
						t.Errorf("without Steps, a row has the member %q: %v", m, r)
					}
				}
			}
			b.Reset()
			e := Backward(gr, Options{Steps: true})
			if err := e.WriteJSON(&b); err != nil {
				t.Fatal(err)
			}
			rows := jsonRows(t, b.Bytes())
			if len(rows) != len(e.Rows) {
				t.Fatalf("the JSON has %d rows; want %d", len(rows), len(e.Rows))
			}
			for i, r := range rows {
				for _, m := range stepMembers {
					if _, ok := r[m]; !ok {
						t.Errorf("with Steps, row %d has no member %q: %v", i, m, r)
					}
				}
				var step int
				var at string
				if err := errors.Join(json.Unmarshal(r["step"], &step), json.Unmarshal(r["local_at"], &at)); err != nil {
					t.Errorf("row %d: %v", i, err)
				}
				if want := e.Rows[i]; step != want.Step || at != want.LocalAt {
					t.Errorf("row %d: step %d, local_at %q; want %d, %q", i, step, at, want.Step, want.LocalAt)
				}
				// A tensor's partial is an object, a scalar's a number
				// or the string "NaN".
				wantObject := e.Rows[i].PartialTensor != nil
				if isObject := bytes.HasPrefix(r["partial"], []byte("{")); isObject != wantObject {
					t.Errorf("row %d: partial %s; want a tensor object: %v", i, r["partial"], wantObject)
				}
				lv, wantLV := string(r["local_value"]), jsonNum(e.Rows[i].LocalValue)
				if lv != wantLV {
					t.Errorf("row %d: local_value %s; want %s", i, lv, wantLV)
				}
			}
		})
	}
}

// The worked example's JSON row for (u3, u4), with its steps.
func TestStepsJSONRow(t *testing.T) {
	var b bytes.Buffer
	if err := explainSteps(t, workedExample).WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	for _, r := range jsonRows(t, b.Bytes()) {
		if string(r["V"]) != `"u3"` {
			continue
		}
		got := fmt.Sprintf("%s %s %s %s %s", r["C"], r["step"], r["local_at"], r["local_value"], r["partial"])
		// The partial is 12·cos(36), the engine's product.
		want := fmt.Sprintf(`"u4" 1 "12" 12 %s`, Number(12*math.Cos(36)))
		if got != want {
			t.Errorf("row of u3: C, step, local_at, local_value, partial = %s; want %s", got, want)
		}
		return
	}
	t.Errorf("no row of u3 in\n%s", b.String())
}

// With Steps the streamed writers write what the held explanation
// writes, for the first pass and the second; the text and Markdown tables
// are those without Steps.
func TestStepsStreamedEqualsHeld(t *testing.T) {
	steps := Options{Steps: true}
	for _, tt := range stepPrograms {
		t.Run(tt.name, func(t *testing.T) {
			gr := graphOf(compile(t, tt.src))
			var held, streamed bytes.Buffer
			if err := Backward(gr, steps).WriteJSON(&held); err != nil {
				t.Fatal(err)
			}
			if err := WriteJSONStreamed(&streamed, gr, steps); err != nil {
				t.Fatal(err)
			}
			if held.String() != streamed.String() {
				t.Errorf("JSON held:\n%s\nstreamed:\n%s", held.String(), streamed.String())
			}
			for _, w := range []struct {
				name  string
				write func(e *Explanation, b *bytes.Buffer) error
			}{
				{"text", func(e *Explanation, b *bytes.Buffer) error { return e.WriteText(b) }},
				{"Markdown", func(e *Explanation, b *bytes.Buffer) error { return e.WriteMarkdown(b, "") }},
				{"HTML tables", func(e *Explanation, b *bytes.Buffer) error { return e.WriteHTMLTables(b) }},
			} {
				var with, without bytes.Buffer
				if err := errors.Join(w.write(Backward(gr, steps), &with), w.write(Backward(gr, Options{}), &without)); err != nil {
					t.Fatal(err)
				}
				if with.String() != without.String() {
					t.Errorf("%s with Steps:\n%s\nwithout:\n%s", w.name, with.String(), without.String())
				}
			}
			if strings.Contains(tt.src, "[") {
				return // the second passes need scalars
			}
			held.Reset()
			streamed.Reset()
			// Each on a graph of its own: each second pass records the
			// first derivatives again, with new engine names.
			if err := SecondOrderEach(graphOf(compile(t, tt.src)), steps, func(e *Explanation) error {
				checkPartials(t, tt.src+" (second pass)", e, nil)
				return e.WriteJSON(&held)
			}); err != nil {
				t.Fatal(err)
			}
			if err := SecondOrderPasses(graphOf(compile(t, tt.src)), steps, func(p *Pass) error { return p.WriteJSON(&streamed) }); err != nil {
				t.Fatal(err)
			}
			if held.String() != streamed.String() {
				t.Errorf("second passes held:\n%s\nstreamed:\n%s", held.String(), streamed.String())
			}
		})
	}
}

// A tensor program with Steps: every row of a tensor node has its
// partial as a tensor, and the matrix product's rows have no local
// derivative.
func TestStepsTensor(t *testing.T) {
	pg := compile(t, matmulSum)
	e := Backward(graphOf(pg), Options{Steps: true})
	// y = sum(W·x): G[W·x] = [[1], [1]], G[W] = G[W·x]·xᵀ = [[1, 2], [1, 2]],
	// G[x] = Wᵀ·G[W·x] = [[4], [6]].
	want := map[string][]float64{"W @ x": {1, 1}, "W": {1, 2, 1, 2}, "x": {4, 6}}
	for _, r := range e.Rows {
		if r.PartialTensor == nil {
			t.Errorf("row %s←%s: no PartialTensor (Partial %v); want a tensor", r.V, r.C, r.Partial)
			continue
		}
		if w, ok := want[r.V]; !ok || !slices.Equal(r.PartialTensor.Values, w) {
			t.Errorf("row %s←%s: PartialTensor %v; want %v", r.V, r.C, r.PartialTensor, w)
		}
		if r.Local != "" || r.LocalAt != "" || !math.IsNaN(r.LocalValue) {
			t.Errorf("row %s←%s: Local %q, LocalAt %q, LocalValue %v; want empty, NaN", r.V, r.C, r.Local, r.LocalAt, r.LocalValue)
		}
	}
	if len(e.Rows) != len(want) {
		t.Errorf("%d rows; want %d", len(e.Rows), len(want))
	}
}

// A tensor and a scalar in one program: only the tensor's rows have a
// PartialTensor.
func TestStepsMixed(t *testing.T) {
	src := "a = 2\nx = [1, 2, 3]\ny = sum(a * x) * a\n"
	e := explainSteps(t, src)
	n, second := traceOf(t, src)
	checkSteps(t, src, e, n, second)
	checkPartials(t, src, e, second)
	for _, r := range e.Rows {
		tensorV := r.V != "a" && r.V != "sum(a·x)"
		if (r.PartialTensor != nil) != tensorV {
			t.Errorf("row %s←%s: PartialTensor %v; want a tensor: %v", r.V, r.C, r.PartialTensor, tensorV)
		}
	}
}
