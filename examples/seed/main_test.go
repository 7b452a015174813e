package main

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

func TestSeedOutput(t *testing.T) {
	var b bytes.Buffer
	run(&b)
	out := b.String()
	// 12·cos(36) = -1.535564275528856, the worked example's answer.
	if want := -1.535564275528856; math.Abs(12*math.Cos(36)-want) > 1e-15 {
		t.Fatalf("12·cos(36) = %v; the reference value %v is wrong", 12*math.Cos(36), want)
	}
	for _, want := range []string{
		"u3 = u1 + u2  = 6\n",
		"u4 = u3^2     = 36\n",
		"u5 = sin(u4)  = -0.9917788534431158\n",
		"grad_table[u5] = 1                        = 1\n",
		"grad_table[u4] = cos(u4)·grad_table[u5]   = -0.12796368962740468\n",
		"grad_table[u1] = 1·grad_table[u3]         = -1.535564275528856\n",
		"∂u5/∂u1 = 12·cos(36) = -1.535564275528856\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
