package ad_test

import (
	"errors"
	"math"
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// An op without a JVP rule gets one by transposing its bprop: softplus
// (defined in example_test.go) has only Bprop.
func TestJVPWithoutRule(t *testing.T) {
	var g ad.Graph
	xv := []float64{-2, 0.5, 3}
	x := g.Var("x", tensor.FromFloat64s(xv, 3))
	w := g.Var("w", tensor.FromFloat64s([]float64{1, 2, 3, 4, 5, 6}, 3, 2))
	y := ops.MatMul(ops.Reshape(ad.Apply(softplus{}, x), 1, 3), w) // [1 2]
	v := g.Const(tensor.FromFloat64s([]float64{1, -1, 2}, 3))
	got := ad.JVP(y, []ad.Node{x}, []ad.Node{v}).Value().Data()
	// ∂y_j = Σ_i sigmoid(x_i)·v_i·w_ij.
	for j := range 2 {
		want := 0.0
		for i, xi := range xv {
			want += 1 / (1 + math.Exp(-xi)) * []float64{1, -1, 2}[i] * float64(1+2*i+j)
		}
		if math.Abs(got[j]-want) > 1e-12 {
			t.Errorf("JVP[%d] = %v; want %v", j, got[j], want)
		}
	}
	// And it can be differentiated again: ∂/∂x of Σ JVP.
	d := ad.Gradients(ops.Sum(ad.JVP(ops.Sum(ad.Apply(softplus{}, x)), []ad.Node{x}, []ad.Node{v})), x)[0].Value().Data()
	for i, xi := range xv {
		s := 1 / (1 + math.Exp(-xi))
		if want := s * (1 - s) * []float64{1, -1, 2}[i]; math.Abs(d[i]-want) > 1e-12 {
			t.Errorf("∂/∂x JVP [%d] = %v; want %v", i, d[i], want)
		}
	}
}

func TestJVPScalarsAndIndependence(t *testing.T) {
	var g ad.Graph
	u1, u2, u3, _, u5 := seed(&g)
	one, zero := g.ScalarConst(1), g.ScalarConst(0)
	// Along u1 alone: the worked example's answer.
	if got, want := ad.JVP(u5, []ad.Node{u1, u2}, []ad.Node{one, zero}).Scalar(), 12*math.Cos(36); math.Abs(got-want) > 1e-15*math.Abs(want) {
		t.Errorf("JVP along u1 = %v; want %v", got, want)
	}
	// u3 given as an independent input keeps its own tangent.
	if got, want := ad.JVP(u5, []ad.Node{u1, u3}, []ad.Node{one, one}).Scalar(), 12*math.Cos(36); math.Abs(got-want) > 1e-15*math.Abs(want) {
		t.Errorf("JVP along u3 = %v; want %v", got, want)
	}
	// y does not depend on a node created after it.
	late := g.ScalarVar("late", 1)
	if got := ad.JVP(u5, []ad.Node{late}, []ad.Node{one}).Scalar(); got != 0 {
		t.Errorf("JVP along a later node = %v; want 0", got)
	}
}

func TestJVPMisuse(t *testing.T) {
	var g ad.Graph
	x := g.Var("x", tensor.Zeros(tensor.Float64, 2))
	y := ops.Sum(x)
	for name, f := range map[string]func(){
		"lengths": func() { ad.JVP(y, []ad.Node{x}, nil) },
		"shapes":  func() { ad.JVP(y, []ad.Node{x}, []ad.Node{g.ScalarConst(1)}) },
		"zero":    func() { ad.JVP(y, []ad.Node{{}}, []ad.Node{g.ScalarConst(1)}) },
	} {
		err := catch(f)
		var ge *ad.GraphError
		if !errors.As(err, &ge) || ge.Op != "JVP" {
			t.Errorf("%s: got %v; want an *ad.GraphError from JVP", name, err)
		}
	}
}

// JVP does not write into the caller's slices, even where they have room
// beyond their length.
func TestJVPLeavesArgumentsAlone(t *testing.T) {
	var g ad.Graph
	x := g.ScalarVar("x", 1)
	spare := g.ScalarVar("spare", 2)
	buf := []ad.Node{x, spare}
	xs := buf[:1]
	ad.JVP(ops.Sin(x), xs, []ad.Node{g.ScalarConst(1)})
	if buf[1] != spare {
		t.Errorf("JVP overwrote the caller's array beyond len(xs): %v", buf[1])
	}
}
