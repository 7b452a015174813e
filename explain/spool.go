package explain

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// spoolMemory is the number of bytes a spool keeps in memory before it
// moves them to its scratch storage (a variable for the tests).
var spoolMemory = 32 << 20

// spool holds the cells of a text table's rows, written once and read
// back once: in memory up to spoolMemory bytes, then in the storage that
// scratch makes (Options.Scratch). Without it, or where it fails, the
// cells stay in memory.
type spool struct {
	scratch func() (io.ReadWriteSeeker, error)
	mem     []byte
	last    []string // the last row's cells
	f       io.ReadWriteSeeker
	w       *bufio.Writer
	inMem   bool // the cells stay in memory
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

// endRow moves the cells to the scratch storage once they are many.
func (s *spool) endRow() {
	if len(s.mem) >= spoolMemory && !s.inMem {
		s.toScratch()
	}
}

// toScratch moves what is in memory to the scratch storage, making it
// first.
func (s *spool) toScratch() {
	if s.f == nil {
		if s.scratch == nil {
			s.inMem = true
			return
		}
		f, err := s.scratch()
		if err != nil || f == nil {
			s.inMem = true
			return
		}
		s.f, s.w = f, bufio.NewWriterSize(f, 1<<20)
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
	s.toScratch()
	if s.err == nil {
		s.err = s.w.Flush()
	}
	if s.err == nil {
		_, s.err = s.f.Seek(0, io.SeekStart)
	}
	if s.err != nil {
		return nil, fmt.Errorf("the scratch storage of the text table: %w", s.err)
	}
	return &spoolReader{r: bufio.NewReaderSize(s.f, 1<<20)}, nil
}

// close closes the scratch storage, if there is one and it is a Closer.
func (s *spool) close() {
	if c, ok := s.f.(io.Closer); ok {
		c.Close()
	}
}

// spoolReader reads a spool's cells in order.
type spoolReader struct {
	r     *bufio.Reader
	last  [][]byte // the last row's cells
	runes []int
}

var errSpool = errors.New("the text table's spool ends early")

// spoolError is errSpool for the end of the data, else the read error
// of the scratch storage.
func spoolError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errSpool
	}
	return fmt.Errorf("reading the scratch storage of the text table: %w", err)
}

// cell returns cell k of the next row, valid until cell k of the row
// after, and its number of characters.
func (r *spoolReader) cell(k int) ([]byte, int, error) {
	if k >= len(r.last) {
		r.last = append(r.last, make([][]byte, k+1-len(r.last))...)
		r.runes = append(r.runes, make([]int, k+1-len(r.runes))...)
	}
	n, err := binary.ReadUvarint(r.r)
	if err != nil {
		return nil, 0, spoolError(err)
	}
	if n == 0 {
		return r.last[k], r.runes[k], nil // the previous row's
	}
	runes, err := binary.ReadUvarint(r.r)
	if err != nil {
		return nil, 0, spoolError(err)
	}
	n--
	if uint64(cap(r.last[k])) < n {
		r.last[k] = make([]byte, n)
	}
	r.last[k], r.runes[k] = r.last[k][:n], int(runes)
	if _, err := io.ReadFull(r.r, r.last[k]); err != nil {
		return nil, 0, spoolError(err)
	}
	return r.last[k], int(runes), nil
}
