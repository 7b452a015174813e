package eval_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
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
