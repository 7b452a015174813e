package lang

// Error is an error in a program's source, at a position.
type Error struct {
	File string // the file name, or "" if unknown
	Pos  Pos
	Msg  string
}

// Error formats e as "file:line:col: message", or "line:col: message"
// without a file name. Control characters in the file name are escaped.
func (e *Error) Error() string {
	s := e.Pos.String() + ": " + e.Msg
	if e.File != "" {
		s = Escape(e.File) + ":" + s
	}
	return s
}
