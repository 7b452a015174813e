package explain

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// spoolMemory is the number of bytes a spool keeps in memory before it
// moves them to a temporary file (a variable for the tests).
var spoolMemory = 32 << 20

// spool holds the cells of a text table's rows, written once and read
// back once: in memory up to spoolMemory bytes, then in a temporary file,
// which is removed as soon as it is made (on systems that allow it; else
// when the spool is closed). Where no temporary file can be made, the
// cells stay in memory.
type spool struct {
	mem     []byte
	f       *os.File
	w       *bufio.Writer
	noFile  bool // a temporary file could not be made
	removed bool // the file is unlinked already
	err     error
}

// cell adds a cell of the given number of characters: its length in
// bytes and in characters, then its bytes.
func (s *spool) cell(c string, runes int) {
	s.mem = binary.AppendUvarint(s.mem, uint64(len(c)))
	s.mem = binary.AppendUvarint(s.mem, uint64(runes))
	s.mem = append(s.mem, c...)
}

// endRow moves the cells to the temporary file once they are many.
func (s *spool) endRow() {
	if len(s.mem) >= spoolMemory && !s.noFile {
		s.toFile()
	}
}

// toFile moves what is in memory to the temporary file, making it first.
func (s *spool) toFile() {
	if s.f == nil {
		f, err := os.CreateTemp("", "backprop-explain-*")
		if err != nil {
			s.noFile = true
			return
		}
		s.f, s.w = f, bufio.NewWriterSize(f, 1<<20)
		s.removed = os.Remove(f.Name()) == nil // unlinked, it goes when it is closed

	}
	if _, err := s.w.Write(s.mem); err != nil && s.err == nil {
		s.err = err
	}
	s.mem = s.mem[:0]
}

// reader returns the cells from the first.
func (s *spool) reader() (*spoolReader, error) {
	if s.f == nil {
		return &spoolReader{r: bufio.NewReader(bytes.NewReader(s.mem))}, nil
	}
	s.toFile()
	if s.err == nil {
		s.err = s.w.Flush()
	}
	if s.err == nil {
		_, s.err = s.f.Seek(0, io.SeekStart)
	}
	if s.err != nil {
		return nil, fmt.Errorf("the temporary file of the text table: %w", s.err)
	}
	return &spoolReader{r: bufio.NewReaderSize(s.f, 1<<20)}, nil
}

// close removes the temporary file, if there is one.
func (s *spool) close() {
	if s.f != nil {
		s.f.Close()
		if !s.removed {
			os.Remove(s.f.Name()) // where it could not be removed while open
		}
	}
}

// spoolReader reads a spool's cells in order.
type spoolReader struct {
	r   *bufio.Reader
	buf []byte
}

var errSpool = errors.New("the text table's spool ends early")

// cell returns the next cell's bytes, valid until the next call, and its
// number of characters.
func (r *spoolReader) cell() ([]byte, int, error) {
	n, err := binary.ReadUvarint(r.r)
	if err != nil {
		return nil, 0, errSpool
	}
	runes, err := binary.ReadUvarint(r.r)
	if err != nil {
		return nil, 0, errSpool
	}
	if uint64(cap(r.buf)) < n {
		r.buf = make([]byte, n)
	}
	r.buf = r.buf[:n]
	if _, err := io.ReadFull(r.r, r.buf); err != nil {
		return nil, 0, errSpool
	}
	return r.buf, int(runes), nil
}
