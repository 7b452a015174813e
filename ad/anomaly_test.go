package ad_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

func anomaly(t *testing.T, f func()) *ad.AnomalyError {
	t.Helper()
	var ae *ad.AnomalyError
	if err := catch(f); !errors.As(err, &ae) {
		t.Fatalf("got %v; want an *ad.AnomalyError", err)
	}
	return ae
}

func TestAnomalyForward(t *testing.T) {
	var g ad.Graph
	g.DetectAnomalies(true)
	x := g.ScalarVar("x", 0)
	e := anomaly(t, func() {
		ops.Log(x) // the line reported
	})
	if e.Pass != "forward" || e.Op != "log" || e.Value != "-Inf" || !strings.HasPrefix(e.Site, "anomaly_test.go:") || e.Inputs[0] != "x = 0" {
		t.Errorf("got %+v", e)
	}
	want := "ad: anomaly: log produced -Inf in the forward pass at " + e.Site + "; inputs: x = 0"
	if e.Error() != want {
		t.Errorf("Error() = %q; want %q", e.Error(), want)
	}
	// Tensors, with a summary of the input.
	v := g.Var("v", tensor.FromFloat64s([]float64{1, -1, 4}, 3))
	e = anomaly(t, func() { ops.Sqrt(v) })
	if e.Value != "NaN" || e.Inputs[0] != "v = [3] float64 in [-1, 4]" {
		t.Errorf("got %+v", e)
	}
}

func TestAnomalyNotReportedTwice(t *testing.T) {
	var g ad.Graph
	x := g.ScalarVar("x", 0)
	y := ops.Log(x) // off: -Inf is a value
	g.DetectAnomalies(true)
	z := ops.Mul(y, g.ScalarConst(2)) // passes -Inf on: not an anomaly
	if z.Scalar() >= 0 {
		t.Errorf("z = %v", z.Scalar())
	}
	g.DetectAnomalies(false)
	ops.Log(x) // off again
}

func TestAnomalyBackward(t *testing.T) {
	for _, mode := range []string{"scalar", "tensor", "recorded"} {
		var g ad.Graph
		g.DetectAnomalies(true)
		var x ad.Node
		if mode == "scalar" {
			x = g.ScalarVar("x", 0)
		} else {
			x = g.Var("x", tensor.FromFloat64s([]float64{0, 1}, 2))
		}
		y := ops.Sum(ops.Sqrt(x)) // sqrt(0) = 0 is fine; its derivative is not
		e := anomaly(t, func() {
			if mode == "recorded" {
				ad.Gradients(y, x)
			} else {
				ad.Backward(y)
			}
		})
		if e.Pass != "backward" || e.Op != "the bprop of sqrt for input 0" || e.Value != "+Inf" || !strings.HasPrefix(e.Site, "anomaly_test.go:") {
			t.Errorf("%s: got %+v", mode, e)
		}
	}
}
