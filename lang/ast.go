package lang

import "strconv"

// Pos is a position in a program's source: 1-based line and column. The
// column counts characters (Unicode code points), not bytes. The fields
// are 32-bit to keep syntax trees small: lines are at most [MaxLineBytes]
// long, and a source of more than 2³¹ lines is rejected.
type Pos struct {
	Line, Col int32
}

// String formats p as "line:col".
func (p Pos) String() string {
	return strconv.Itoa(int(p.Line)) + ":" + strconv.Itoa(int(p.Col))
}

// Program is a parsed graph program: its statements in order.
type Program struct {
	Stmts []*Stmt
}

// Stmt is one statement, NAME = EXPR.
type Stmt struct {
	Name    string
	X       Expr
	NamePos Pos
	// Input reports whether X is a plain number literal, optionally signed,
	// or a tensor literal: such a name is an input of the graph.
	Input bool
	// Def is the number of the assignment to Name this statement makes: 0
	// for the first, 1 for the second, … A name may be assigned again; each
	// assignment is a new node.
	Def int
}

// Expr is an expression: *Num, *Tensor, *Ref, *Unary, *Binary or *Call.
type Expr interface {
	// Pos returns the position of the expression's first character.
	Pos() Pos
	expr()
}

// Num is a number literal.
type Num struct {
	At    Pos
	Text  string  // as written
	Value float64 // its value; literals too large for float64 are errors
}

// Tensor is a tensor literal: [0.05, 0.10], or [[1, 2], [3, 4]] with
// one list per row. Its elements are numbers, optionally signed.
type Tensor struct {
	At     Pos
	Shape  []int     // the size of each axis: [2 2] for [[1, 2], [3, 4]]
	Values []float64 // the elements in row-major order
	Texts  []string  // the elements as written, with their signs
}

// Ref is a reference to a name assigned earlier.
type Ref struct {
	At Pos
	// Stmt is the index in Program.Stmts of the statement whose binding the
	// reference sees: the latest assignment to Name before it.
	Stmt int32
	Name string
}

// Unary is a unary operation: Op is '-' or '+'.
type Unary struct {
	At Pos
	Op byte
	X  Expr
}

// Binary is a binary operation: Op is one of + - * / ^ (** is written ^)
// and @, the matrix product.
type Binary struct {
	X, Y  Expr
	OpPos Pos
	Op    byte
}

// Call is a call of a built-in function: its positional arguments, then
// its named ones (sum(x, axis=1)).
type Call struct {
	At    Pos
	Func  string
	Args  []Expr
	Named []Named
}

// Named is a named argument of a call: Name=X.
type Named struct {
	At   Pos // the position of the name
	Name string
	X    Expr
}

// Pos returns the position of the number's first character.
func (e *Num) Pos() Pos { return e.At }

// Pos returns the position of the literal's opening bracket.
func (e *Tensor) Pos() Pos { return e.At }

// Pos returns the position of the reference's first character.
func (e *Ref) Pos() Pos { return e.At }

// Pos returns the position of the unary operation's first character.
func (e *Unary) Pos() Pos { return e.At }

// Pos returns the position of the binary operation's first character.
func (e *Binary) Pos() Pos { return e.X.Pos() }

// Pos returns the position of the call's first character.
func (e *Call) Pos() Pos { return e.At }

func (*Num) expr()    {}
func (*Tensor) expr() {}
func (*Ref) expr()    {}
func (*Unary) expr()  {}
func (*Binary) expr() {}
func (*Call) expr()   {}
