package lang

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A Checker checks the text of a program as it arrives, before it is
// parsed, so that a reader can stop at the first bad byte instead of
// reading binary data to the end: a NUL byte, an invalid UTF-8 sequence,
// a line longer than MaxLineBytes or more than 2³¹-1 lines is an *Error at
// its position. Write the text in pieces of any size, then call Close.
// The zero Checker is ready to use; File names the source in errors.
type Checker struct {
	File string

	line, col int32
	lineLen   int               // bytes of the current line so far
	partial   [utf8.UTFMax]byte // an incomplete UTF-8 sequence at the end of the last piece
	npartial  int
	text      bool  // a character other than white space was seen
	err       error // the first error; every later call returns it
}

// Write checks the next piece of text. It returns len(b) and nil, or 0
// and the *Error of the first offence, which every later call returns too.
func (c *Checker) Write(b []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	if c.line == 0 {
		c.line, c.col = 1, 1
	}
	i := 0
	if c.npartial > 0 {
		// Complete the sequence that the last piece ended in.
		var buf [2 * utf8.UTFMax]byte
		n := copy(buf[:], c.partial[:c.npartial])
		n += copy(buf[n:], b[:min(len(b), utf8.UTFMax-c.npartial)])
		if !utf8.FullRune(buf[:n]) {
			c.npartial = copy(c.partial[:], buf[:n])
			return len(b), nil
		}
		r, size := utf8.DecodeRune(buf[:n])
		if err := c.rune(r, size); err != nil {
			return 0, err
		}
		i = size - c.npartial
		c.npartial = 0
	}
	for i < len(b) {
		ch := b[i]
		if ch < utf8.RuneSelf {
			if err := c.rune(rune(ch), 1); err != nil {
				return 0, err
			}
			i++
			continue
		}
		if !utf8.FullRune(b[i:]) {
			c.npartial = copy(c.partial[:], b[i:])
			break
		}
		r, size := utf8.DecodeRune(b[i:])
		if err := c.rune(r, size); err != nil {
			return 0, err
		}
		i += size
	}
	return len(b), nil
}

// rune checks one character of size bytes (utf8.RuneError of size 1 for
// an invalid sequence).
func (c *Checker) rune(r rune, size int) error {
	switch {
	case r == '\n':
		if c.line == 1<<31-1 {
			return c.fail(Pos{c.line, c.col}, "too many lines")
		}
		c.line, c.col, c.lineLen = c.line+1, 1, 0
		return nil
	case c.lineLen+size > MaxLineBytes:
		return c.fail(Pos{c.line, 1}, "line longer than "+strconv.Itoa(MaxLineBytes)+" bytes")
	case r == 0:
		return c.fail(Pos{c.line, c.col}, "binary data (NUL byte) in program")
	case r == utf8.RuneError && size == 1:
		return c.fail(Pos{c.line, c.col}, "invalid UTF-8 encoding")
	case r == '\uFEFF' && c.line == 1 && c.lineLen == 0:
		c.lineLen += size // a byte order mark: Parse skips it
		return nil
	}
	if !c.text && !unicode.IsSpace(r) {
		c.text = true
	}
	c.lineLen += size
	c.col++
	return nil
}

func (c *Checker) fail(pos Pos, msg string) error {
	c.err = &Error{File: c.File, Pos: pos, Msg: msg}
	return c.err
}

// Close ends the text. It returns the number of lines, or the *Error of
// an offence: one found by Write, a UTF-8 sequence cut off at the end, or
// a text with nothing but white space.
func (c *Checker) Close() (lines int, err error) {
	if c.err != nil {
		return 0, c.err
	}
	if c.line == 0 {
		c.line, c.col = 1, 1
	}
	if c.npartial > 0 {
		return 0, c.fail(Pos{c.line, c.col}, "invalid UTF-8 encoding")
	}
	if !c.text {
		return 0, c.fail(Pos{1, 1}, "empty program: no statements")
	}
	return int(c.line), nil
}

// MaxQuote is the number of characters of a name, a number or any other
// text from the input that an error message quotes; Quote cuts the rest.
const MaxQuote = 40

// Quote returns s for an error message: control characters escaped as Go
// escapes them (so that no terminal escape sequence reaches the screen),
// and cut after MaxQuote characters with "…" and the length in bytes, so
// that a megabyte-long name makes a short line.
func Quote(s string) string {
	n := 0
	for i := range s {
		if n == MaxQuote {
			return Escape(s[:i]) + "…(" + strconv.Itoa(len(s)) + " bytes)"
		}
		n++
	}
	return Escape(s)
}

// Escape replaces the control characters and invalid UTF-8 bytes of s
// with Go escapes (\x1b, \n, \u2028), leaving the rest as it is: text from
// outside made safe to print on a terminal.
func Escape(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				fmt.Fprintf(&b, `\x%02x`, s[i])
				continue
			}
			b.WriteRune(r)
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
