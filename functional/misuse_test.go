package functional_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/functional"
)

func TestNilFunction(t *testing.T) {
	var g ad.Graph
	x := g.ScalarVar("x", 1)
	zero := func(ad.Node) ad.Node { return ad.Node{} }
	for name, f := range map[string]func(){
		"Grad":            func() { functional.Grad(nil) },
		"ValueAndGrad":    func() { functional.ValueAndGrad(nil) },
		"VJP":             func() { functional.VJP(nil, x, x) },
		"JVP":             func() { functional.JVP(nil, x, x) },
		"Jacobian":        func() { functional.Jacobian(nil, x) },
		"JacobianForward": func() { functional.JacobianForward(nil, x) },
		"Hessian":         func() { functional.Hessian(nil, x) },
		"HVP":             func() { functional.HVP(nil, x, x) },
	} {
		if err := panicOf(f); !isGraphError(err) || err.Error() != "ad: functional."+name+": nil function" {
			t.Errorf("%s(nil): got %v; want ad: functional.%s: nil function", name, err, name)
		}
	}
	if err := panicOf(func() { functional.Grad(zero)(x) }); !isGraphError(err) || !strings.Contains(err.Error(), "f returned the zero Node") {
		t.Errorf("Grad of a function returning the zero Node: got %v", err)
	}
	if err := panicOf(func() { functional.Grad(func(x ad.Node) ad.Node { return x })(ad.Node{}) }); !isGraphError(err) || !strings.Contains(err.Error(), "zero Node as the argument") {
		t.Errorf("Grad(f)(zero Node): got %v", err)
	}
}

func isGraphError(err error) bool {
	var ge *ad.GraphError
	return errors.As(err, &ge)
}

// panicOf returns the error f panics with, or nil.
func panicOf(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err, _ = r.(error)
		}
	}()
	f()
	return nil
}
