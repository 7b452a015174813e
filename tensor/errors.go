package tensor

import (
	"fmt"
	"strings"
)

// ShapeError is the value a tensor function panics with when its operands
// have incompatible shapes, an axis is out of range or an index is invalid.
// Op names the function, Shapes the operands' shapes.
type ShapeError struct {
	Op     string  // the function, such as "MatMul"
	Shapes []Shape // the shapes involved
	Reason string  // what is wrong, when the shapes alone do not say
}

// Error formats e as "tensor: MatMul: incompatible shapes [2 3] and [2 3]".
func (e *ShapeError) Error() string {
	var b strings.Builder
	b.WriteString("tensor: ")
	b.WriteString(e.Op)
	b.WriteString(": ")
	if len(e.Shapes) > 0 {
		if len(e.Shapes) == 1 {
			b.WriteString("shape ")
		} else {
			b.WriteString("incompatible shapes ")
		}
		for i, s := range e.Shapes {
			if i > 0 {
				if i == len(e.Shapes)-1 {
					b.WriteString(" and ")
				} else {
					b.WriteString(", ")
				}
			}
			b.WriteString(s.String())
		}
		if e.Reason != "" {
			b.WriteString(": ")
		}
	}
	b.WriteString(e.Reason)
	return b.String()
}

// DTypeError is the value a tensor function panics with when its operands
// have different element types or an element type is unknown.
type DTypeError struct {
	Op     string
	DTypes []DType
}

// Error formats e as "tensor: Add: mixed element types float64 and float32".
func (e *DTypeError) Error() string {
	parts := make([]string, len(e.DTypes))
	for i, d := range e.DTypes {
		parts[i] = d.String()
	}
	if len(parts) == 1 {
		return fmt.Sprintf("tensor: %s: unsupported element type %s", e.Op, parts[0])
	}
	return fmt.Sprintf("tensor: %s: mixed element types %s", e.Op, strings.Join(parts, " and "))
}

// Catch runs f and returns the *ShapeError or *DTypeError it panicked with,
// or nil if it returned normally. Other panics go on.
func Catch(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			switch e := r.(type) {
			case *ShapeError:
				err = e
			case *DTypeError:
				err = e
			default:
				panic(r)
			}
		}
	}()
	f()
	return nil
}

func checkDType(op string, x, y *Tensor) {
	if x.dtype != y.dtype {
		panic(&DTypeError{Op: op, DTypes: []DType{x.dtype, y.dtype}})
	}
}

// normAxis returns axis in [0, rank), accepting negative axes counted from
// the end, or panics with a *ShapeError.
func normAxis(op string, axis int, s Shape) int {
	r := len(s)
	a := axis
	if a < 0 {
		a += r
	}
	if a < 0 || a >= r {
		panic(&ShapeError{Op: op, Shapes: []Shape{s}, Reason: fmt.Sprintf("axis %d out of range for rank %d", axis, r)})
	}
	return a
}

// notNil panics with a *ShapeError naming op if one of xs is nil.
func notNil(op string, xs ...*Tensor) {
	for _, x := range xs {
		if x == nil {
			panic(&ShapeError{Op: op, Reason: "nil *Tensor"})
		}
	}
}
