package optim_test

import (
	"testing"

	"github.com/seed812a03d2/backprop/nn"
	"github.com/seed812a03d2/backprop/optim"
	"github.com/seed812a03d2/backprop/tensor"
)

// BenchmarkStep times one step of each optimizer on the parameters of the
// 784-256-256-10 MLP (269,322 float32 numbers).
func BenchmarkStep(b *testing.B) {
	shapes := [][]int{{256, 784}, {256}, {256, 256}, {256}, {10, 256}, {10}}
	for _, c := range []struct {
		name string
		new  func(ps []*nn.Param) optim.Optimizer
	}{
		{"SGD", func(ps []*nn.Param) optim.Optimizer { return optim.NewSGD(ps, optim.SGDConfig{LR: 0.01}) }},
		{"SGD-momentum", func(ps []*nn.Param) optim.Optimizer {
			return optim.NewSGD(ps, optim.SGDConfig{LR: 0.01, Momentum: 0.9})
		}},
		{"Adam", func(ps []*nn.Param) optim.Optimizer { return optim.NewAdam(ps, optim.DefaultAdam()) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			var ps []*nn.Param
			for i, s := range shapes {
				p := nn.NewParam(string(rune('a'+i)), tensor.Full(tensor.Float32, 0.5, s...))
				p.Grad.Fill(0.01)
				ps = append(ps, p)
			}
			o := c.new(ps)
			for b.Loop() {
				o.Step()
			}
		})
	}
}
