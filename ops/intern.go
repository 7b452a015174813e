package ops

import (
	"sync"
	"weak"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// Operations with parameters (a shape, axes) are pointers to structs.
// Applying one builds its struct, which allocates; a training loop applies
// the same few thousand every step. intern keeps one operation per
// distinct value, so that applying it again allocates nothing, and a graph
// then meets the same pointer again and finds its code at once. The table
// is bounded: beyond maxInterned distinct values, operations are made as
// before.

// internKey is an operation's value: its kind, small parameters, and up to
// 8 integers (a shape, axes or a permutation).
type internKey struct {
	kind, sub uint8
	flag      bool
	n         int // the number of integers in d, or a parameter
	d         [8]int
}

const maxInterned = 1 << 14

var interned struct {
	sync.Mutex
	m map[internKey]ad.Op
}

// intern returns the operation interned for k, making it with mk the first
// time.
func intern(k internKey, mk func() ad.Op) ad.Op {
	interned.Lock()
	defer interned.Unlock()
	if op, ok := interned.m[k]; ok {
		return op
	}
	op := mk()
	if interned.m == nil {
		interned.m = map[internKey]ad.Op{}
	}
	if len(interned.m) < maxInterned {
		interned.m[k] = op
	}
	return op
}

// intsKey returns the key of kind with the integers s, or false if there
// are more than 8.
func intsKey(kind uint8, s []int) (internKey, bool) {
	k := internKey{kind: kind, n: len(s)}
	if len(s) > len(k.d) {
		return k, false
	}
	copy(k.d[:], s)
	return k, true
}

const (
	internReshape uint8 = iota + 1
	internSpread
	internReduce
	internNorm
	internTranspose
	internConv
)

func reshapeOpFor(shape []int) *reshapeOp {
	k, ok := intsKey(internReshape, shape)
	mk := func() ad.Op { return &reshapeOp{shape: tensor.Shape(shape).Clone()} }
	if !ok {
		return mk().(*reshapeOp)
	}
	return intern(k, mk).(*reshapeOp)
}

func spreadOpFor(shape tensor.Shape, sum bool) *spreadOp {
	k, ok := intsKey(internSpread, shape)
	k.flag = sum
	mk := func() ad.Op { return &spreadOp{shape: shape.Clone(), sum: sum} }
	if !ok {
		return mk().(*spreadOp)
	}
	return intern(k, mk).(*spreadOp)
}

// reduceOpFor takes normalised axes.
func reduceOpFor(kind redKind, axes []int, keep bool) *reduceOp {
	k, ok := intsKey(internReduce, axes)
	k.sub, k.flag = uint8(kind), keep
	mk := func() ad.Op { return &reduceOp{kind: kind, axes: append([]int(nil), axes...), keep: keep} }
	if !ok {
		return mk().(*reduceOp)
	}
	return intern(k, mk).(*reduceOp)
}

func normOpFor(kind normKind, axis int) *normOp {
	k := internKey{kind: internNorm, sub: uint8(kind), n: axis}
	return intern(k, func() ad.Op { return &normOp{kind: kind, axis: axis} }).(*normOp)
}

func transposeOpFor(perm []int) *transposeOp {
	k, ok := intsKey(internTranspose, perm)
	mk := func() ad.Op { return &transposeOp{perm: append([]int(nil), perm...)} }
	if !ok {
		return mk().(*transposeOp)
	}
	return intern(k, mk).(*transposeOp)
}

// gatherKey is a gather's or scatter-add's value. The table holds its
// index and the operation weakly, so that it keeps neither alive: a
// training loop's labels (the same Index each batch) find their operations
// again while graphs use them, and entries whose index or operation is gone
// are dropped when the table is full.
type gatherKey struct {
	idx     weak.Pointer[tensor.Index]
	axis    int
	scatter bool
	n       int
	d       [8]int
}

var gathers struct {
	sync.Mutex
	m map[gatherKey]weak.Pointer[gatherOp]
}

func gatherOpFor(axis int, idx *tensor.Index, scatter bool, shape tensor.Shape) *gatherOp {
	mk := func() *gatherOp { return &gatherOp{axis: axis, idx: idx, scatter: scatter, shape: shape.Clone()} }
	if idx == nil || len(shape) > 8 {
		return mk() // the operation's own checks report a nil index
	}
	k := gatherKey{idx: weak.Make(idx), axis: axis, scatter: scatter, n: len(shape)}
	copy(k.d[:], shape)
	gathers.Lock()
	defer gathers.Unlock()
	if op := gathers.m[k].Value(); op != nil {
		return op
	}
	if gathers.m == nil {
		gathers.m = map[gatherKey]weak.Pointer[gatherOp]{}
	}
	if len(gathers.m) >= maxInterned {
		for k, v := range gathers.m {
			if k.idx.Value() == nil || v.Value() == nil {
				delete(gathers.m, k)
			}
		}
	}
	op := mk()
	if len(gathers.m) < maxInterned {
		gathers.m[k] = weak.Make(op)
	}
	return op
}
