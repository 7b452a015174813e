package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
)

// maxIDXSize bounds the elements an IDX header may announce, so that a
// corrupt header is an error, not an allocation of the machine's memory.
const maxIDXSize int64 = 1 << 31

// intsTo64 returns s as int64s.
func intsTo64(s []int) []int64 {
	out := make([]int64, len(s))
	for i, v := range s {
		out[i] = int64(v)
	}
	return out
}

// ReadIDX reads an IDX file of unsigned bytes (the format of MNIST and
// Fashion-MNIST: a magic number 0x0000 0x08 rank, the sizes as big-endian
// uint32, then the elements), gzipped or not. It returns the sizes and
// the elements in row-major order. name is used in errors only.
func ReadIDX(r io.Reader, name string) (shape []int, elems []byte, err error) {
	br := bufio.NewReader(r)
	if magic, _ := br.Peek(2); bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		z, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %v", name, err)
		}
		defer z.Close()
		br = bufio.NewReader(z)
	}
	var head [4]byte
	if _, err := io.ReadFull(br, head[:]); err != nil {
		return nil, nil, fmt.Errorf("%s: reading the IDX magic number: %w", name, eofIsUnexpected(err))
	}
	if head[0] != 0 || head[1] != 0 {
		return nil, nil, fmt.Errorf("%s: not an IDX file (magic number %x)", name, head)
	}
	if head[2] != 0x08 {
		return nil, nil, fmt.Errorf("%s: IDX element type 0x%02x; only unsigned bytes (0x08) are supported", name, head[2])
	}
	rank := int(head[3])
	if rank == 0 {
		return nil, nil, fmt.Errorf("%s: IDX file of rank 0", name)
	}
	shape = make([]int, rank)
	size := int64(1) // at most maxIDXSize·(2³²-1): no overflow
	for i := range shape {
		var d uint32
		if err := binary.Read(br, binary.BigEndian, &d); err != nil {
			return nil, nil, fmt.Errorf("%s: reading size %d of %d: %w", name, i+1, rank, eofIsUnexpected(err))
		}
		size *= int64(d)
		if size > maxIDXSize || size > math.MaxInt {
			sizes := append(append([]int64(nil), intsTo64(shape[:i])...), int64(d))
			return nil, nil, fmt.Errorf("%s: IDX sizes %v exceed %d elements", name, sizes, min(maxIDXSize, int64(math.MaxInt)))
		}
		shape[i] = int(d)
	}
	// Read what is there, growing as it comes, rather than trust the
	// header with a buffer of its size.
	elems, err = io.ReadAll(io.LimitReader(br, size))
	if err == nil && int64(len(elems)) < size {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %d of the %d elements of shape %v: %w", name, len(elems), size, shape, err)
	}
	return shape, elems, nil
}

func eofIsUnexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

func readIDXFile(fsys fs.FS, name string) ([]int, []byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	return ReadIDX(f, name)
}
