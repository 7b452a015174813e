package program

import (
	"bytes"
	"fmt"
	"io"

	"github.com/seed812a03d2/backprop/lang"
)

// The default limits, which a zero field of Limits stands for. They keep
// the command within a few GiB of memory on any input: a program of
// DefaultMaxBytes is about 10 million nodes, which the engine
// differentiates in about 1 GiB.
const (
	DefaultMaxBytes   = 64 << 20   // bytes of program text
	DefaultMaxNodes   = 10_000_000 // nodes of the graph
	DefaultMaxHessian = 1_000_000  // entries of the Hessian: 1,000 Wrt nodes
	// DefaultMaxElements is 128 MiB of float64 for one tensor.
	DefaultMaxElements = 1 << 24 // elements of one tensor
)

// Limits bound what a program may cost, so that no input exhausts memory
// or time: a program beyond a limit is an error, checked before the work
// it would cost. A zero field means the default; a negative one, no limit.
type Limits struct {
	// MaxBytes bounds the program text that Read reads; Parse and Build
	// check it too.
	MaxBytes int
	// MaxNodes bounds the nodes of the graph, those of subexpressions and
	// constants included, checked statement by statement as it is built.
	// Second derivatives take one backward pass per Wrt node: those
	// passes together may visit at most SecondOrderWork·MaxNodes nodes.
	MaxNodes int
	// MaxHessian bounds the entries of the Hessian, the square of the
	// number of Wrt nodes, for Hessian and second-order explanations.
	// Computing it takes one backward pass per Wrt node.
	MaxHessian int
	// MaxElements bounds the elements of each tensor a statement makes,
	// checked before the operation runs: broadcasting and the matrix
	// product can make a tensor far larger than their operands.
	MaxElements int
}

// SecondOrderWork is how many times MaxNodes the backward passes of second
// derivatives may visit in all: about 30 s of work at the default.
const SecondOrderWork = 100

func limit(v, def int) int {
	switch {
	case v == 0:
		return def
	case v < 0:
		return int(^uint(0) >> 1)
	}
	return v
}

func (l Limits) maxBytes() int   { return limit(l.MaxBytes, DefaultMaxBytes) }
func (l Limits) maxNodes() int   { return limit(l.MaxNodes, DefaultMaxNodes) }
func (l Limits) maxHessian() int { return limit(l.MaxHessian, DefaultMaxHessian) }
func (l Limits) maxElements() int {
	return limit(l.MaxElements, DefaultMaxElements)
}

// LimitError reports a program beyond one of its Limits.
type LimitError struct {
	File  string
	Pos   lang.Pos // where the limit was passed, or the zero Pos
	What  string   // "bytes of program text", "nodes", "Hessian entries" or "elements"
	Flag  string   // the backprop command's flag that sets the limit: "--max-nodes"
	Limit int
	Got   int // the amount asked for, where it is known, or 0
}

// Error formats e as "net.bp:7:1: over the limit of 10000000 nodes (see
// --max-nodes)", or with the amount asked for where it is known.
func (e *LimitError) Error() string {
	prefix := ""
	switch {
	case e.File != "" && e.Pos.Line > 0:
		prefix = lang.Escape(e.File) + ":" + e.Pos.String() + ": "
	case e.File != "":
		prefix = lang.Escape(e.File) + ": "
	case e.Pos.Line > 0:
		prefix = e.Pos.String() + ": "
	}
	if e.Got > 0 {
		return fmt.Sprintf("%s%d %s, over the limit of %d (see %s)", prefix, e.Got, e.What, e.Limit, e.Flag)
	}
	return fmt.Sprintf("%sover the limit of %d %s (see %s)", prefix, e.Limit, e.What, e.Flag)
}

// Read reads the text of a program from r and builds it as Parse does.
// It reads at most opt.Limits.MaxBytes, and checks the text as it arrives
// (see lang.Checker), so that binary data is refused at its first bad
// byte without reading the rest and an endless or oversized input at the
// limit.
func Read(file string, r io.Reader, opt Options) (*Compiled, error) {
	src, err := readText(file, r, opt.Limits.maxBytes())
	if err != nil {
		return nil, err
	}
	return Parse(file, src, opt)
}

// readText reads at most max bytes of program text from r.
func readText(file string, r io.Reader, max int) ([]byte, error) {
	c := lang.Checker{File: file}
	var b bytes.Buffer
	buf := make([]byte, 64<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if b.Len()+n > max {
				return nil, &LimitError{File: file, What: "bytes of program text", Flag: "--max-input", Limit: max}
			}
			if _, cerr := c.Write(buf[:n]); cerr != nil {
				return nil, cerr
			}
			b.Write(buf[:n])
		}
		if err == io.EOF {
			return b.Bytes(), nil
		}
		if err != nil {
			return nil, err
		}
	}
}
