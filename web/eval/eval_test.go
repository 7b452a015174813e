package eval_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seed812a03d2/backprop/explain"
	"github.com/seed812a03d2/backprop/program"
	"github.com/seed812a03d2/backprop/web/eval"
)

const worked = "u1 = 4\nu2 = 2\nu3 = u1 + u2\nu4 = u3^2\nu5 = sin(u4)\n"

type row struct {
	V, C          string
	ContribValue  float64 `json:"contribution_value"`
	GValue        float64 `json:"G_value"`
	Partial       float64
	Step          int
	LocalAt       string `json:"local_at"`
	LocalValueAny any    `json:"local_value"`
}

type explanation struct {
	Of      string
	Rows    []row
	Answers []struct {
		Wrt   string
		Value float64
	}
}

func decode(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%v in %s", err, raw)
	}
}

// The response's numbers are those of explain run on the same program,
// bit for bit, and the whole response is valid JSON.
func TestEvaluateIsExplain(t *testing.T) {
	resp := eval.Evaluate(eval.Request{Program: worked}, eval.Limits{})
	if resp.Error != nil {
		t.Fatal(resp.Error)
	}
	var all map[string]any
	if err := json.Unmarshal(resp.AppendJSON(nil), &all); err != nil {
		t.Fatalf("AppendJSON: %v", err)
	}
	var got explanation
	decode(t, resp.Explanation, &got)
	pg, err := program.Parse("", []byte(worked), program.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := explain.Backward(explain.Graph{Of: pg.Output(), Wrt: pg.WrtNodes(), Name: pg.Name, OfName: pg.OutputName(), WrtNames: pg.WrtNames}, explain.Options{})
	if len(got.Rows) != len(want.Rows) || len(got.Rows) != 4 {
		t.Fatalf("%d rows, explain has %d", len(got.Rows), len(want.Rows))
	}
	for i, r := range got.Rows {
		w := want.Rows[i]
		if r.V != w.V || r.C != w.C || r.ContribValue != w.ContribValue || r.GValue != w.GValue {
			t.Errorf("row %d: %+v, explain %+v", i, r, w)
		}
	}
	var d struct {
		Nodes []struct{ ID, Name, Op string }
		Edges []struct{ From, To, Local string }
	}
	decode(t, resp.Diagram, &d)
	if len(d.Nodes) != 5 || len(d.Edges) != 4 || d.Nodes[4].Name != "u5" || d.Edges[3].Local != "cos(u4)" {
		t.Errorf("diagram %+v", d)
	}
	if len(resp.Inputs) != 2 || resp.Inputs[0].Name != "u1" || resp.Inputs[0].Value != 4 || resp.Inputs[1].Value != 2 {
		t.Errorf("inputs %+v", resp.Inputs)
	}
}

func TestEvaluateSet(t *testing.T) {
	resp := eval.Evaluate(eval.Request{Program: worked, Set: map[string]float64{"u1": 5}, Wrt: []string{"u1"}}, eval.Limits{})
	var e explanation
	decode(t, resp.Explanation, &e)
	if want := 14 * math.Cos(49); len(e.Answers) != 1 || math.Abs(e.Answers[0].Value-want) > 1e-12 {
		t.Errorf("with u1 = 5, ∂u5/∂u1 = %+v, want 14·cos(49) = %v", e.Answers, want)
	}
	resp = eval.Evaluate(eval.Request{Program: worked, Set: map[string]float64{"nope": 1}}, eval.Limits{})
	if resp.Error == nil || !strings.Contains(resp.Error.Message, "nope") {
		t.Errorf("a --set of no input: %+v", resp.Error)
	}
}

func TestEvaluateErrors(t *testing.T) {
	for _, tt := range []struct {
		req       eval.Request
		line, col int
		want      string
	}{
		{eval.Request{Program: "a = 1\nb = 2\nc = a + * b\n"}, 3, 9, ""},
		{eval.Request{Program: "a = 1\nb = a +\n"}, 2, 8, ""},
		{eval.Request{Program: worked, Of: "zz"}, 0, 0, "zz"},
		{eval.Request{Program: worked, Wrt: []string{"<script>"}}, 0, 0, "<script>"},
		{eval.Request{Program: "x = <script>alert(1)</script>\n"}, 1, 5, ""},
	} {
		resp := eval.Evaluate(tt.req, eval.Limits{})
		e := resp.Error
		if e == nil || e.Line != tt.line || e.Col != tt.col || !strings.Contains(e.Message, tt.want) || resp.Explanation != nil {
			t.Errorf("%q: error %+v, want at %d:%d", tt.req.Program, e, tt.line, tt.col)
			continue
		}
		if out := resp.AppendJSON(nil); bytes.Contains(out, []byte("<")) {
			t.Errorf("the JSON of an error echoing markup has a raw <: %s", out)
		}
	}
}

// A program over the node limit is refused before its work, quickly.
func TestEvaluateLimits(t *testing.T) {
	var b strings.Builder
	b.WriteString("x = 1\n")
	for range 2000 {
		b.WriteString("x = sin(x) + x * 2\n")
	}
	start := time.Now()
	resp := eval.Evaluate(eval.Request{Program: b.String()}, eval.Limits{MaxNodes: 1000})
	if resp.Error == nil || !strings.Contains(resp.Error.Message, "1000") || resp.Error.Line == 0 {
		t.Errorf("over the node limit: %+v", resp.Error)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("refusing took %v", d)
	}
	resp = eval.Evaluate(eval.Request{Program: strings.Repeat("#", 300<<10)}, eval.Limits{})
	if resp.Error == nil || !strings.Contains(resp.Error.Message, "bytes") {
		t.Errorf("over the byte limit: %+v", resp.Error)
	}
}

func TestEvaluateSecondOrder(t *testing.T) {
	resp := eval.Evaluate(eval.Request{Program: worked, Order: 2}, eval.Limits{})
	if resp.Error != nil || len(resp.Second) != 2 {
		t.Fatalf("second passes %d, error %+v", len(resp.Second), resp.Error)
	}
	var e struct{ First string }
	decode(t, resp.Second[1], &e)
	if e.First != "u2" {
		t.Errorf("the second pass is of ∂u5/∂%s, want u2", e.First)
	}
}

// The check by a nudge agrees with G·ε at scalar and tensor nodes.
func TestEvaluateCheck(t *testing.T) {
	tensorProg := "W = [[1, 2], [3, 4]]\nx = [[0.5], [-1]]\nh = tanh(W @ x)\ny = sum(h * h)\n"
	for _, tt := range []struct{ src, node string }{
		{worked, "u1"}, {worked, "u3"}, {worked, "u5"}, {tensorProg, "W"}, {tensorProg, "h"},
	} {
		resp := eval.Evaluate(eval.Request{Program: tt.src, Check: tt.node, Eps: 1e-6}, eval.Limits{})
		c := resp.Check
		if resp.Error != nil || c == nil {
			t.Errorf("%s: %+v", tt.node, resp.Error)
			continue
		}
		if a, p := float64(c.Actual), float64(c.Predicted); p == 0 || math.Abs(a-p) > 1e-3*math.Abs(p) {
			t.Errorf("%s: the output changes by %v, G·ε is %v", tt.node, a, p)
		}
	}
	if resp := eval.Evaluate(eval.Request{Program: worked, Check: "u9"}, eval.Limits{}); resp.Error == nil {
		t.Error("the check of no node gave no error")
	}
}

var fuzzSeeds = []string{
	worked, "", "x", "x =", "= 1", "x = 1\ny = x @ x\n", "x = [[1, 2]]\ny = sum(x @ x)\n",
	"x = [1, 2\n", "x = 1 / 0\ny = log(x - x)\n", "x = 1\nx = x + x\n", "a = sum([[1]] + [[1], [2]])\n",
	"x = 1e400\n", "x = -0\ny = sqrt(x)\n", "\x00\xff", "x = ((((((((1))))))))\n", "y = z\n",
}

// Evaluate answers garbage with an error, never a panic.
func TestEvaluateGarbage(t *testing.T) {
	for _, src := range fuzzSeeds {
		for _, order := range []int{1, 2} {
			resp := eval.Evaluate(eval.Request{Program: src, Order: order, Check: "x"}, eval.Limits{})
			if resp.Error != nil && strings.Contains(resp.Error.Message, "internal error") {
				t.Errorf("%q: %s", src, resp.Error.Message)
			}
			var v any
			if err := json.Unmarshal(resp.AppendJSON(nil), &v); err != nil {
				t.Errorf("%q: the response is not JSON: %v", src, err)
			}
		}
	}
}

func FuzzEvaluate(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		resp := eval.Evaluate(eval.Request{Program: src, Order: 2}, eval.Limits{MaxNodes: 2000})
		if resp.Error != nil && strings.Contains(resp.Error.Message, "internal error") {
			t.Errorf("%q: %s", src, resp.Error.Message)
		}
	})
}

// BenchmarkEvaluate is what the page's engine does on each edit of a
// program of about 200 nodes (compiled natively here; WebAssembly in the
// page is slower).
func BenchmarkEvaluate(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("x0 = 0.5\nw = 1.5\n")
	for i := 1; i <= 50; i++ {
		fmt.Fprintf(&sb, "x%d = sin(x%d) * w + x%d * 0.1\n", i, i-1, i-1)
	}
	req := eval.Request{Program: sb.String()}
	for b.Loop() {
		r := eval.Evaluate(req, eval.Limits{})
		r.AppendJSON(nil)
	}
}

// A tensor program: y = sum(tanh(W·x/10)), not linear in W or x, so that
// a check tests something.
const tensorProgram = "W = [[1, 2], [3, 4]]\nx = [[1], [2]]\ny = sum(tanh(W @ x / 10))\n"

// mustEvaluate runs Evaluate with the default limits and fails on an
// error.
func mustEvaluate(t *testing.T, req eval.Request) eval.Response {
	t.Helper()
	resp := eval.Evaluate(req, eval.Limits{})
	if resp.Error != nil {
		t.Fatalf("Evaluate(%+v) error = %+v", req, *resp.Error)
	}
	return resp
}

// mustFail runs Evaluate with lim and returns its error, failing if there
// is none.
func mustFail(t *testing.T, req eval.Request, lim eval.Limits) *eval.Error {
	t.Helper()
	resp := eval.Evaluate(req, lim)
	if resp.Error == nil {
		t.Fatalf("Evaluate(%+v) gives no error", req)
	}
	return resp.Error
}

// stepExplanation is the part of explain's JSON with steps that the tests
// below read.
type stepExplanation struct {
	Of    string  `json:"of"`
	First string  `json:"first"`
	Value float64 `json:"value"`
	Rows  []struct {
		V            string  `json:"V"`
		C            string  `json:"C"`
		ContribValue float64 `json:"contribution_value"`
		GValue       float64 `json:"G_value"`
		Step         *int    `json:"step"`
		Partial      float64 `json:"partial"`
	} `json:"rows"`
}

// The rows are those of explain.Backward with Steps, exactly, their steps
// and partials included.
func TestEvaluateRowsAreExplainsWithSteps(t *testing.T) {
	resp := mustEvaluate(t, eval.Request{Program: worked})
	var got stepExplanation
	decode(t, resp.Explanation, &got)
	pg, err := program.Parse("", []byte(worked), program.Options{})
	if err != nil {
		t.Fatal(err)
	}
	gr := explain.Graph{Of: pg.Output(), Wrt: pg.WrtNodes(), Name: pg.Name, OfName: pg.OutputName(), WrtNames: pg.WrtNames}
	want := explain.Backward(gr, explain.Options{Steps: true})
	if got.Of != "u5" || got.Value != want.Value {
		t.Errorf("explanation of %s = %v; want u5 = %v", got.Of, got.Value, want.Value)
	}
	if len(got.Rows) != len(want.Rows) {
		t.Fatalf("%d rows; want %d", len(got.Rows), len(want.Rows))
	}
	for i, r := range got.Rows {
		w := want.Rows[i]
		if r.V != w.V || r.C != w.C || r.ContribValue != w.ContribValue || r.GValue != w.GValue || r.Partial != w.Partial {
			t.Errorf("row %d = %s←%s, contribution %v, G %v, partial %v; want %s←%s, %v, %v, %v", i, r.V, r.C, r.ContribValue, r.GValue, r.Partial, w.V, w.C, w.ContribValue, w.GValue, w.Partial)
		}
		if r.Step == nil || *r.Step != w.Step {
			t.Errorf("row %d (%s←%s): step %v; want %d", i, r.V, r.C, r.Step, w.Step)
		}
	}
}

// The diagram of the worked example: five nodes, and an edge for each
// input of u3, u4 and u5, labelled with its local derivative.
func TestEvaluateDiagram(t *testing.T) {
	resp := mustEvaluate(t, eval.Request{Program: worked})
	var d struct {
		Nodes []struct{ ID, Name string }
		Edges []struct{ From, To, Local string }
	}
	decode(t, resp.Diagram, &d)
	name := map[string]string{}
	var names []string
	for _, n := range d.Nodes {
		name[n.ID] = n.Name
		names = append(names, n.Name)
	}
	if want := []string{"u1", "u2", "u3", "u4", "u5"}; !slices.Equal(names, want) {
		t.Errorf("diagram nodes %v; want %v", names, want)
	}
	var edges []string
	for _, e := range d.Edges {
		edges = append(edges, fmt.Sprintf("%s→%s: %s", name[e.From], name[e.To], e.Local))
	}
	if want := []string{"u1→u3: 1", "u2→u3: 1", "u3→u4: 2·u3", "u4→u5: cos(u4)"}; !slices.Equal(edges, want) {
		t.Errorf("diagram edges %v; want %v", edges, want)
	}
}

// The inputs are the program's scalar inputs, and Set changes them.
func TestEvaluateInputs(t *testing.T) {
	resp := mustEvaluate(t, eval.Request{Program: worked})
	if want := []eval.Input{{Name: "u1", Value: 4}, {Name: "u2", Value: 2}}; !slices.Equal(resp.Inputs, want) {
		t.Errorf("Inputs = %v; want %v", resp.Inputs, want)
	}
	resp = mustEvaluate(t, eval.Request{Program: worked, Set: map[string]float64{"u1": 5}})
	if want := []eval.Input{{Name: "u1", Value: 5}, {Name: "u2", Value: 2}}; !slices.Equal(resp.Inputs, want) {
		t.Errorf("with u1 set to 5, Inputs = %v; want %v", resp.Inputs, want)
	}
	var e stepExplanation
	decode(t, resp.Explanation, &e)
	// u5 = sin((5 + 2)²).
	if want := math.Sin(49); e.Value != want {
		t.Errorf("with u1 set to 5, u5 = %v; want sin(49) = %v", e.Value, want)
	}
	// A tensor input is not one of the inputs a user changes.
	resp = mustEvaluate(t, eval.Request{Program: "a = 2\n" + tensorProgram})
	if want := []eval.Input{{Name: "a", Value: 2}}; !slices.Equal(resp.Inputs, want) {
		t.Errorf("Inputs of a program with tensor inputs = %v; want %v", resp.Inputs, want)
	}
}

// Errors in the program are at their position, which the message does
// not repeat; errors in the other fields of the request are at none.
func TestEvaluateErrorPositions(t *testing.T) {
	tests := []struct {
		name      string
		req       eval.Request
		line, col int
		message   string // a part of the message
	}{
		// Line 3 is "z = ) + y": column 5 is the ")".
		{"syntax", eval.Request{Program: "x = 1\ny = 2\nz = ) + y\n"}, 3, 5, "found )"},
		{"undefined name", eval.Request{Program: "x = 1\ny = x + z\n"}, 2, 9, "undefined: z"},
		{"unknown function", eval.Request{Program: "x = 1\ny = foo(x)\n"}, 2, 5, "unknown function foo"},
		// At the operator: column 11 of "y = sum(x + [1, 2])".
		{"shapes", eval.Request{Program: "x = [1, 2, 3]\ny = sum(x + [1, 2])\n"}, 2, 11, "[3] and [2]"},
		{"empty", eval.Request{Program: ""}, 1, 1, "empty program"},
		{"bad of", eval.Request{Program: worked, Of: "nope"}, 0, 0, "no node named nope"},
		{"bad wrt", eval.Request{Program: worked, Wrt: []string{"nope"}}, 0, 0, "no node named nope"},
		{"bad set", eval.Request{Program: worked, Set: map[string]float64{"nope": 1}}, 0, 0, "no input named nope"},
		{"tensor output", eval.Request{Program: "x = [1, 2]\ny = x * 2\n"}, 0, 0, "y has shape [2]"},
		{"order 2 of a tensor", eval.Request{Program: tensorProgram, Order: 2}, 0, 0, "W has shape [2 2]"},
		{"bad check", eval.Request{Program: worked, Check: "nope"}, 0, 0, "no node named nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := mustFail(t, tt.req, eval.Limits{})
			if e.Line != tt.line || e.Col != tt.col || !strings.Contains(e.Message, tt.message) {
				t.Errorf("error = %d:%d: %s; want %d:%d: …%s…", e.Line, e.Col, e.Message, tt.line, tt.col, tt.message)
			}
			if tt.line > 0 && strings.HasPrefix(e.Message, fmt.Sprintf("%d:%d", tt.line, tt.col)) {
				t.Errorf("message %q repeats the position", e.Message)
			}
		})
	}
}

// Each limit refuses a program beyond it with a message naming the
// limit, at the statement that passed it, before the work it would cost.
func TestEvaluateEachLimit(t *testing.T) {
	// 20001 statements, 20002 nodes with the constant 1, over the
	// default limit of 20000 at line 20000; 200 KB, under the default
	// limit of 256 KiB.
	big := "x = 1\n" + strings.Repeat("x = x + 1\n", 20_000)
	tests := []struct {
		name    string
		src     string
		lim     eval.Limits
		line    int
		message string
	}{
		// Line 1 makes x, line 2 the constant 1 and a sum, each line
		// after it a sum: line 1000 makes the 1001st node.
		{"nodes", big, eval.Limits{MaxNodes: 1000}, 1000, "over the limit of 1000 nodes"},
		{"default nodes", big, eval.Limits{}, 20_000, "over the limit of 20000 nodes"},
		{"bytes", big, eval.Limits{MaxBytes: 1000}, 0, "over the limit of 1000"},
		{"elements", "x = [1, 2, 3, 4]\ny = sum(x)\n", eval.Limits{MaxElements: 3}, 1, "over the limit of 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			e := mustFail(t, eval.Request{Program: tt.src}, tt.lim)
			// It takes milliseconds; a second leaves room for a slow
			// machine and the race detector.
			if d := time.Since(start); d > time.Second {
				t.Errorf("the limit error took %v", d)
			}
			if e.Line != tt.line || !strings.Contains(e.Message, tt.message) {
				t.Errorf("error = %d:%d: %s; want line %d: …%s…", e.Line, e.Col, e.Message, tt.line, tt.message)
			}
		})
	}
}

// Order 2 adds a second pass per Wrt node, each with its steps; Order 0
// or 1 none.
func TestEvaluateSecondPasses(t *testing.T) {
	for _, tt := range []struct {
		wrt  []string
		want []string
	}{
		{nil, []string{"u1", "u2"}},
		{[]string{"u2"}, []string{"u2"}},
		{[]string{"u2", "u3", "u1"}, []string{"u2", "u3", "u1"}},
	} {
		resp := mustEvaluate(t, eval.Request{Program: worked, Order: 2, Wrt: tt.wrt})
		if len(resp.Second) != len(tt.want) {
			t.Errorf("with Wrt %v, %d second passes; want %d", tt.wrt, len(resp.Second), len(tt.want))
			continue
		}
		for i, s := range resp.Second {
			var e stepExplanation
			decode(t, s, &e)
			if e.First != tt.want[i] || len(e.Rows) == 0 || e.Rows[0].Step == nil {
				t.Errorf("with Wrt %v, second pass %d: first %q, %d rows, steps %v; want %q, rows with steps", tt.wrt, i, e.First, len(e.Rows), len(e.Rows) > 0 && e.Rows[0].Step != nil, tt.want[i])
			}
		}
	}
	for _, order := range []int{0, 1} {
		if resp := mustEvaluate(t, eval.Request{Program: worked, Order: order}); resp.Second != nil {
			t.Errorf("Order %d gives %d second passes; want none", order, len(resp.Second))
		}
	}
}

// The check's fields: Predicted is Grad·Eps, Actual close to it, at
// scalar and tensor nodes, inner nodes included; the default nudge is
// DefaultEps.
func TestEvaluateCheckFields(t *testing.T) {
	const eps = 1e-6
	tests := []struct {
		name, src, node string
	}{
		{"input", worked, "u1"},
		{"inner node", worked, "u3"},
		{"output", worked, "u5"},
		{"tensor input", tensorProgram, "W"},
		{"tensor input x", tensorProgram, "x"},
		{"tensor inner node", tensorProgram, "W @ x"},
		{"reassigned", "x = 1\nx = x * 3\ny = sin(x^2)\n", "x#2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustEvaluate(t, eval.Request{Program: tt.src, Check: tt.node, Eps: eps}).Check
			if c == nil {
				t.Fatal("no check")
			}
			p, a := float64(c.Predicted), float64(c.Actual)
			if c.Node != tt.node || c.Eps != eps || p != float64(c.Grad)*eps {
				t.Errorf("check = %+v; want node %s, eps %v, predicted grad·eps", *c, tt.node, eps)
			}
			// The second-order term is about eps²·f'' against eps·f'.
			if math.Abs(a-p) > 1e-3*math.Abs(p) || p == 0 {
				t.Errorf("check of %s: actual %v, predicted %v; want them within 1e-3 relative", tt.node, a, p)
			}
		})
	}
	c := mustEvaluate(t, eval.Request{Program: worked, Check: "u5"}).Check
	if c == nil || c.Eps != eval.DefaultEps || c.Grad != 1 {
		t.Errorf("check of u5 = %+v; want eps %v, grad 1", c, eval.DefaultEps)
	}
}

// User text in an error message is plain text, and the response's JSON,
// json.Marshal's and AppendJSON's, escapes what HTML would read, so that
// a page or a proxy that puts it in HTML runs nothing.
func TestEvaluateHostileText(t *testing.T) {
	const script = "<script>alert(1)</script>"
	tests := []struct {
		name string
		req  eval.Request
	}{
		{"program", eval.Request{Program: "x = " + script}},
		{"of", eval.Request{Program: worked, Of: script}},
		{"wrt", eval.Request{Program: worked, Wrt: []string{"<img src=x onerror=alert(1)>"}}},
		{"set", eval.Request{Program: worked, Set: map[string]float64{script: 1}}},
		{"check", eval.Request{Program: worked, Check: script + "&amp;"}},
		{"comment", eval.Request{Program: "# " + script + "\n" + worked, Order: 2, Check: "u3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := eval.Evaluate(tt.req, eval.Limits{})
			if e := resp.Error; e != nil && (strings.Contains(e.Message, "&lt;") || strings.Contains(e.Message, "&gt;") || strings.Contains(e.Message, "&#")) {
				t.Errorf("error message %q is HTML-escaped; want plain text", e.Message)
			}
			if (resp.Error == nil) != (tt.name == "comment") {
				t.Errorf("error %+v; want one for all but the comment", resp.Error)
			}
			b, err := json.Marshal(resp)
			if err != nil {
				t.Fatal(err)
			}
			for _, out := range [][]byte{b, resp.AppendJSON(nil)} {
				if i := bytes.IndexAny(out, "<>&"); i >= 0 {
					t.Errorf("the response's JSON has %q at %d: %s", out[i], i, out)
				}
				var back eval.Response
				decode(t, out, &back)
				if (back.Error == nil) != (resp.Error == nil) || back.Error != nil && back.Error.Message != resp.Error.Message {
					t.Errorf("the response's error reads back as %+v; want %+v", back.Error, resp.Error)
				}
			}
		})
	}
}

// garbageLimits keeps the requests of the garbage tests cheap.
var garbageLimits = eval.Limits{MaxBytes: 4096, MaxNodes: 2000, MaxElements: 1024, MaxDiagram: 500}

// checkAnswer checks what Evaluate promises for any request: no panic
// (Evaluate's last resort says "internal error"), JSON that parses, and
// an error with a message and a position or none, and no answer beside.
func checkAnswer(t *testing.T, req eval.Request, resp eval.Response) {
	t.Helper()
	if e := resp.Error; e != nil {
		if strings.Contains(e.Message, "internal error") {
			t.Errorf("Evaluate(%q, order %d, check %q) panicked: %s", req.Program, req.Order, req.Check, e.Message)
		}
		if e.Message == "" || e.Line < 0 || e.Col < 0 || (e.Line > 0) != (e.Col > 0) {
			t.Errorf("Evaluate(%q) error %+v; want a message, and a line and column or neither", req.Program, *e)
		}
		if resp.Explanation != nil || resp.Diagram != nil || resp.Check != nil {
			t.Errorf("Evaluate(%q) gives an error and an answer", req.Program)
		}
	} else if !json.Valid(resp.Explanation) || resp.Diagram != nil && !json.Valid(resp.Diagram) {
		t.Errorf("Evaluate(%q) JSON does not parse:\n%s\n%s", req.Program, resp.Explanation, resp.Diagram)
	}
	for _, s := range resp.Second {
		if !json.Valid(s) {
			t.Errorf("Evaluate(%q) second pass does not parse:\n%s", req.Program, s)
		}
	}
	if _, err := json.Marshal(resp); err != nil {
		t.Errorf("json.Marshal of the response to %q: %v", req.Program, err)
	}
	if out := resp.AppendJSON(nil); !json.Valid(out) {
		t.Errorf("AppendJSON of the response to %q is not JSON: %s", req.Program, out)
	}
}

// garbage are programs, right and wrong, that TestEvaluateMutations
// mutates.
var garbage = []string{
	worked,
	tensorProgram,
	"x = 3\ny = x*x + sin(x) + x\n",
	"x = 0\ny = log(x) * 0 + x\n",
	"x = 1\ny = log(x - 1)\n",
	"x = 1e308\ny = x * x - x * x\n",
	"a = -4\nb = 2\nc = a + b\nd = a * b + b**3\nc = c + c + 1\ne = c - d\nf = e^2\n",
	"x = 1\nx = x * 3\ny = x^2\n",
	"W = [[1]]\ny = sum(W @ W, axis=-1)\n",
	"x = [1, 2, 3, 4]\ny = sum(reshape(x, 2, 2) @ transpose(reshape(x, 2, 2)))\n",
	"x = [1, 2, 3]\ny = max(x) + min(x, axis=0) + logsumexp(x) + prod(x) + std(x)\n",
	"x = 0.5\ny = clamp(x, x, 1) + atan2(x, x) + leaky_relu(x, 0.2) + elu(-x)\n",
	"x = [[1, 2], [3, 4]]\ny = dot(sum(x, axis=0), sum(x, axis=1))\n",
	"x = 1\ny = 2\nz = ) + y\n",
	"x = <script>alert(1)</script>",
	"x = 1\ny = sum(x, axis=3)\n",
	"x = [1, 2]\ny = sum(reshape(x, -1, -1))\n",
	"x = [1, 2]\ny = sum(transpose(x, 1, 0))\n",
	"= = =",
	"x = 1\n\n\n# only a comment\n",
	"x = 1\ty = 2",
	"x = 1 y = 2\n",
	"x = [[]]\ny = sum(x)\n",
	"x = []\ny = sum(x)\n",
	"x = [1, [2]]\n",
	"x = 2\ny = x ^ 1e6 ^ 1e6\n",
}

// Evaluate answers every request, however wrong: the garbage and random
// mutations of it, with random orders and checks.
func TestEvaluateMutations(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	alphabet := "xyWu1 2=+-*/^@()[],.\n#e_abcsin"
	checks := []string{"", "x", "y", "u1", "u3", "W", "nope", "x#2"}
	var reqs []eval.Request
	for _, src := range append(garbage, fuzzSeeds...) {
		reqs = append(reqs, eval.Request{Program: src}, eval.Request{Program: src, Order: 2, Check: "x"})
		for range 3 {
			b := []byte(src)
			for range 1 + r.IntN(4) {
				i := r.IntN(len(b) + 1)
				switch r.IntN(3) {
				case 0: // insert
					b = slices.Insert(b, i, alphabet[r.IntN(len(alphabet))])
				case 1: // delete
					if i < len(b) {
						b = slices.Delete(b, i, i+1)
					}
				default: // replace
					if i < len(b) {
						b[i] = alphabet[r.IntN(len(alphabet))]
					}
				}
			}
			reqs = append(reqs, eval.Request{Program: string(b), Order: 1 + r.IntN(2), Check: checks[r.IntN(len(checks))]})
		}
	}
	for _, req := range reqs {
		checkAnswer(t, req, eval.Evaluate(req, garbageLimits))
	}
}

// AppendJSON appends to what is there, and a check beyond the diagram's
// limit is an error, not dropped.
func TestAppendJSONAndCheckLimit(t *testing.T) {
	resp := eval.Evaluate(eval.Request{Program: worked}, eval.Limits{})
	out := resp.AppendJSON([]byte("[1,"))
	var v []any
	if err := json.Unmarshal(append(out, ']'), &v); err != nil {
		t.Errorf("AppendJSON after other bytes: %v", err)
	}
	resp = eval.Evaluate(eval.Request{Program: worked, Check: "u3"}, eval.Limits{MaxDiagram: 3})
	if resp.Error == nil || !strings.Contains(resp.Error.Message, "check") {
		t.Errorf("a check beyond the diagram's limit: %+v", resp.Error)
	}
}
