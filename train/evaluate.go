package train

import (
	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/data"
	"github.com/seed812a03d2/backprop/nn"
)

// Metrics are a model's mean cross-entropy and accuracy over a dataset.
type Metrics struct {
	Loss, Accuracy float64
}

// Evaluate runs the classifier m over d in batches of the given size in
// evaluation mode, without recording gradients, and returns its mean
// cross-entropy and its accuracy. It leaves m in training mode.
func Evaluate(m nn.Module, d *data.Dataset, batch int) Metrics {
	nn.Eval(m)
	defer nn.Train(m)
	var g ad.Graph
	l := data.NewLoader(d, batch, false, 0)
	var loss float64
	correct := 0
	for b := range l.Batches() {
		g.Reset()
		g.NoRecord(func() {
			logits := m.Forward(g.Const(b.X))
			loss += nn.CrossEntropy(logits, b.Y, nn.Sum).Value().Item()
			correct += nn.Correct(logits.Value(), b.Y)
		})
	}
	n := float64(d.Len())
	return Metrics{Loss: loss / n, Accuracy: float64(correct) / n}
}
