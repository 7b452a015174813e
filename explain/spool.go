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
	last    []string // the last row's cells
	f       *os.File
	w       *bufio.Writer
	noFile  bool // a temporary file could not be made
	removed bool // the file is unlinked already
	err     error
}

// cell adds cell k of a row, of the given number of characters: 0 when
// it is the previous row's cell k, else its length in bytes plus one, its
// length in characters and its bytes.
func (s *spool) cell(k int, c string, runes int) {
	if k >= len(s.last) {
		s.last = append(s.last, make([]string, k+1-len(s.last))...)
	}
	if c == s.last[k] && c != "" {
		s.mem = append(s.mem, 0)
		return
	}
	s.last[k] = c
	s.mem = binary.AppendUvarint(s.mem, uint64(len(c))+1)
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
	r     *bufio.Reader
	last  [][]byte // the last row's cells
	runes []int
}

var errSpool = errors.New("the text table's spool ends early")

// cell returns cell k of the next row, valid until cell k of the row
// after, and its number of characters.
func (r *spoolReader) cell(k int) ([]byte, int, error) {
	if k >= len(r.last) {
		r.last = append(r.last, make([][]byte, k+1-len(r.last))...)
		r.runes = append(r.runes, make([]int, k+1-len(r.runes))...)
	}
	n, err := binary.ReadUvarint(r.r)
	if err != nil {
		return nil, 0, errSpool
	}
	if n == 0 {
		return r.last[k], r.runes[k], nil // the previous row's
	}
	runes, err := binary.ReadUvarint(r.r)
	if err != nil {
		return nil, 0, errSpool
	}
	n--
	if uint64(cap(r.last[k])) < n {
		r.last[k] = make([]byte, n)
	}
	r.last[k], r.runes[k] = r.last[k][:n], int(runes)
	if _, err := io.ReadFull(r.r, r.last[k]); err != nil {
		return nil, 0, errSpool
	}
	return r.last[k], int(runes), nil
}
