package explain

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/seed812a03d2/backprop/program"
)

// The streamed writers write what the writers of a held explanation
// write, byte for byte: on the worked example, the network of examples/,
// a program with shared subexpressions and many consumers, and random
// programs.
func TestStreamedEqualsHeld(t *testing.T) {
	network, err := os.ReadFile("../examples/network/network.bp")
	if err != nil {
		t.Fatal(err)
	}
	srcs := []string{
		"u1 = 4\nu2 = 2\nu3 = u1 + u2\nu4 = u3^2\nu5 = sin(u4)\n",
		string(network),
		"x = 0.5\ny = x * x + sin(x) * x\nz = y * y + x\nw = z / y - max(z, x)\n",
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 50 {
		var b strings.Builder
		b.WriteString("a = 0.5\nb = -1.5\n")
		names := []string{"a", "b"}
		for i := range 6 {
			pick := func() string { return names[r.IntN(len(names))] }
			fmt.Fprintf(&b, "v%d = %s(%s) * %s + %s\n", i, []string{"sin", "exp", "tanh", "sigmoid"}[r.IntN(4)], pick(), pick(), pick())
			names = append(names, fmt.Sprintf("v%d", i))
		}
		srcs = append(srcs, b.String())
	}
	for _, src := range srcs {
		pg, err := program.Parse("s.bp", []byte(src), program.Options{})
		if err != nil {
			t.Fatal(err)
		}
		gr := graphOf(pg)
		for _, opt := range []Options{{}, {InTermsOfInputs: true}} {
			var held, streamed bytes.Buffer
			d := NewDiagram(gr)
			if err := Backward(gr, opt).WriteMarkdown(&held, d.Mermaid()); err != nil {
				t.Fatal(err)
			}
			if err := WriteMarkdownStreamed(&streamed, gr, opt, func(w io.Writer) error { return NewDiagram(gr).WriteMermaid(w) }); err != nil {
				t.Fatal(err)
			}
			if held.String() != streamed.String() {
				t.Errorf("markdown of\n%s\nheld:\n%s\nstreamed:\n%s", src, held.String(), streamed.String())
			}
			held.Reset()
			streamed.Reset()
			if err := Backward(gr, opt).WriteJSON(&held); err != nil {
				t.Fatal(err)
			}
			if err := WriteJSONStreamed(&streamed, gr, opt); err != nil {
				t.Fatal(err)
			}
			if held.String() != streamed.String() {
				t.Errorf("JSON of\n%s\nheld:\n%s\nstreamed:\n%s", src, held.String(), streamed.String())
			}
			held.Reset()
			streamed.Reset()
			// The second passes, held and streamed.
			pg, err := program.Parse("s.bp", []byte(src), program.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := SecondOrderEach(graphOf(pg), opt, func(e *Explanation) error {
				return errors.Join(e.WriteText(&held), e.WriteMarkdown(&held, ""), e.WriteJSON(&held))
			}); err != nil {
				t.Fatal(err)
			}
			// A graph of its own, as the first had: each second pass
			// records the first derivatives again, with new engine names.
			again, err := program.Parse("s.bp", []byte(src), program.Options{})
			if err != nil {
				t.Fatal(err)
			}
			first := graphOf(again)
			if err := SecondOrderPasses(first, opt, func(p *Pass) error {
				return errors.Join(p.WriteText(&streamed), p.WriteMarkdown(&streamed), p.WriteJSON(&streamed))
			}); err != nil {
				t.Fatal(err)
			}
			if held.String() != streamed.String() {
				t.Errorf("second passes of\n%s\nheld:\n%s\nstreamed:\n%s", src, held.String(), streamed.String())
			}
			held.Reset()
			streamed.Reset()
			if err := Backward(gr, opt).WriteText(&held); err != nil {
				t.Fatal(err)
			}
			if err := WriteTextStreamed(&streamed, gr, opt); err != nil {
				t.Fatal(err)
			}
			if held.String() != streamed.String() {
				t.Errorf("text of\n%s\nheld:\n%s\nstreamed:\n%s", src, held.String(), streamed.String())
			}
		}
	}
}

// A text table too big for the spool's memory goes to its scratch storage
// (here a temporary file, as the command's), which is closed once the
// table is written, and comes out as the held one does; without scratch
// storage, or when it cannot be made, the rows stay in memory.
func TestTextSpoolScratch(t *testing.T) {
	defer func(n int) { spoolMemory = n }(spoolMemory)
	spoolMemory = 1000
	var src strings.Builder
	src.WriteString("x = 0.5\n")
	for range 200 {
		src.WriteString("x = sin(x)*0.9 + x*0.1\n")
	}
	pg, err := program.Parse("chain.bp", []byte(src.String()), program.Options{})
	if err != nil {
		t.Fatal(err)
	}
	gr := graphOf(pg)
	var held bytes.Buffer
	if err := Backward(gr, Options{}).WriteText(&held); err != nil {
		t.Fatal(err)
	}
	var files []*closeCounter
	for _, scratch := range []func() (io.ReadWriteSeeker, error){
		func() (io.ReadWriteSeeker, error) {
			f, err := os.CreateTemp(t.TempDir(), "spool")
			files = append(files, &closeCounter{File: f})
			return files[len(files)-1], err
		},
		nil,
		func() (io.ReadWriteSeeker, error) { return nil, errors.New("no scratch") },
	} {
		var streamed bytes.Buffer
		if err := WriteTextStreamed(&streamed, gr, Options{Scratch: scratch}); err != nil {
			t.Fatal(err)
		}
		if held.String() != streamed.String() {
			t.Errorf("text through the spool differs from the held text (%d and %d bytes)", held.Len(), streamed.Len())
		}
	}
	if len(files) != 1 || files[0].closed != 1 {
		t.Errorf("scratch files %v; want one, closed once", files)
	} else if st, err := files[0].Stat(); err == nil {
		t.Errorf("the scratch file was still open after the table was written (%d bytes)", st.Size())
	}
}

// closeCounter is a file that counts its Close calls.
type closeCounter struct {
	*os.File
	closed int
}

func (f *closeCounter) Close() error {
	f.closed++
	return f.File.Close()
}

// The JSON writer's direct path writes strings as the encoder does.
func TestJSONStrings(t *testing.T) {
	for _, s := range []string{"", "x#3·0.1", `a"b`, `a\b`, "tab\there", "line\nbreak", "\u2028\u2029", "<&>", "0.9·cos(0.46) = ∞", "\x01\x1f", "é\u00a0"} {
		var direct, enc bytes.Buffer
		j := newJSONWriter(&direct)
		j.str(s)
		j.b.Flush()
		k := newJSONWriter(&enc)
		k.value(2, s)
		k.b.Flush()
		if direct.String() != enc.String() {
			t.Errorf("%q: direct %s, encoder %s", s, direct.String(), enc.String())
		}
	}
}

// A --wrt node made after the output has gradient 0, in every form.
func TestWrtAfterOutput(t *testing.T) {
	pg, err := program.Parse("w.bp", []byte("a = 1\nb = 2\nc = a * b\nd = sin(c)\n"), program.Options{Of: "c", Wrt: []string{"d", "a"}})
	if err != nil {
		t.Fatal(err)
	}
	gr := graphOf(pg)
	e := Backward(gr, Options{})
	if len(e.Inputs) != 2 || e.Inputs[0].Value != 0 || e.Inputs[1].Value != 2 {
		t.Fatalf("answers %+v; want ∂c/∂d = 0, ∂c/∂a = 2", e.Inputs)
	}
	var b bytes.Buffer
	for _, f := range []func() error{
		func() error { return e.WriteText(&b) },
		func() error { return WriteTextStreamed(&b, gr, Options{}) },
		func() error { return WriteJSONStreamed(&b, gr, Options{}) },
		func() error { return WriteMarkdownStreamed(&b, gr, Options{}, nil) },
		func() error {
			return SecondOrderEach(gr, Options{}, func(e *Explanation) error { return e.WriteText(&b) })
		},
	} {
		if err := f(); err != nil {
			t.Fatal(err)
		}
	}
}

// The inputs column shows the inputs' values, also when gradients are
// shown in terms of the inputs: a here is 0, though its formula folds to
// 0.3.
func TestInputsColumnInTermsOfInputs(t *testing.T) {
	pg, err := program.Parse("i.bp", []byte("x = 1e20\na = (x + 0.1) + (0.2 - x)\ny = a * x\n"), program.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := Backward(graphOf(pg), Options{InTermsOfInputs: true})
	for _, r := range e.Rows {
		if r.C == "y" && r.Inputs != "a = 0, x = 1e+20" {
			t.Errorf("row %s←y: inputs %q; want a = 0, x = 1e+20", r.V, r.Inputs)
		}
	}
}

// DiagramEdges counts what NewDiagram draws.
func TestDiagramEdges(t *testing.T) {
	for _, src := range []string{"u1 = 4\nu2 = 2\nu3 = u1 + u2\nu4 = u3^2\nu5 = sin(u4)\n", "x = 0.5\ny = x * x + sin(x) * 0.9\n"} {
		pg, err := program.Parse("d.bp", []byte(src), program.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := DiagramEdges(graphOf(pg)), len(NewDiagram(graphOf(pg)).Edges); got != want {
			t.Errorf("%q: DiagramEdges = %d; the diagram has %d", src, got, want)
		}
	}
}

// plainJSON, eight bytes at a time, finds every byte that JSON escapes,
// at every position, as a byte at a time does.
func TestPlainJSON(t *testing.T) {
	specials := []string{"\x00", "\x1f", `"`, `\`, "\u2028", "\u2029"}
	for n := range 20 {
		base := strings.Repeat("a·", n)
		if !plainJSON(base) || !plainJSON(base+"∂∞⊙′") {
			t.Errorf("%q: not plain", base)
		}
		for i := 0; i <= len(base); i++ {
			for _, c := range specials {
				s := base[:i] + c + base[i:]
				if plainJSON(s) || plainJSONBytes(s, 0, len(s)) {
					t.Errorf("%q: plain, with %q at byte %d", s, c, i)
				}
			}
		}
	}
}
