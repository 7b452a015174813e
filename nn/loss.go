package nn

import (
	"fmt"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/tensor"
)

// Reduction says how a loss combines the losses of the examples of a
// batch.
type Reduction int

const (
	// Mean averages the losses (PyTorch's default).
	Mean Reduction = iota
	// Sum adds them.
	Sum
	// None keeps one loss per example.
	None
)

func (r Reduction) apply(l ad.Node) ad.Node {
	switch r {
	case Mean:
		return ops.Mean(l)
	case Sum:
		return ops.Sum(l)
	case None:
		return l
	}
	panic(fmt.Errorf("nn: unknown reduction %d", int(r)))
}

// CrossEntropy returns the cross-entropy of logits, [N C], against integer
// labels, [N] with values in [0, C): -log softmax(logits)[label] for each
// example, computed stably through LogSoftmax, then reduced. It panics
// with a *tensor.ShapeError if the shapes do not fit or a label is out of
// range.
func CrossEntropy(logits ad.Node, labels *tensor.Index, r Reduction) ad.Node {
	return NLL(ops.LogSoftmax(logits, 1), labels, r)
}

// CrossEntropySmoothed is CrossEntropy with label smoothing ε, as
// PyTorch's label_smoothing: the target puts 1 - ε on the label and ε
// spread evenly over all C classes, so each example's loss is
// (1 - ε)·(-log p[label]) + ε·mean over classes of (-log p).
func CrossEntropySmoothed(logits ad.Node, labels *tensor.Index, eps float64, r Reduction) ad.Node {
	if !(eps >= 0 && eps <= 1) {
		panic(fmt.Errorf("nn: CrossEntropySmoothed: smoothing %v outside [0, 1]", eps))
	}
	logp := ops.LogSoftmax(logits, 1)
	nll := NLL(logp, labels, None)
	if eps == 0 {
		return r.apply(nll)
	}
	uniform := ops.Neg(ops.Mean(logp, 1))
	l := ops.Add(ops.Mul(nll, ops.Const(nll, 1-eps)), ops.Mul(uniform, ops.Const(nll, eps)))
	return r.apply(l)
}

// NLL returns the negative log-likelihood of log-probabilities, [N C],
// at integer labels, [N]: -logp[i, label[i]], reduced. It panics with a
// *tensor.ShapeError if the shapes do not fit or a label is out of range.
func NLL(logp ad.Node, labels *tensor.Index, r Reduction) ad.Node {
	s, ls := logp.Shape(), labels.Shape()
	if len(s) != 2 || len(ls) != 1 || ls[0] != s[0] {
		panic(&tensor.ShapeError{Op: "NLL", Shapes: []tensor.Shape{s, ls}, Reason: "want log-probabilities [N C] and labels [N]"})
	}
	picked := ops.Reshape(ops.Gather(logp, 1, labels.Column()), s[0])
	return r.apply(ops.Neg(picked))
}

// BCEWithLogits returns the binary cross-entropy of sigmoid(x) against
// targets y in [0, 1] of x's shape, computed stably from the logits as
// softplus(x) - x·y, then reduced.
func BCEWithLogits(x, y ad.Node, r Reduction) ad.Node {
	sameShape("BCEWithLogits", x, y)
	return r.apply(ops.Sub(ops.Softplus(x), ops.Mul(x, y)))
}

// MSE returns the squared error (x - y)², reduced.
func MSE(x, y ad.Node, r Reduction) ad.Node {
	sameShape("MSE", x, y)
	return r.apply(ops.Square(ops.Sub(x, y)))
}

// Huber returns the Huber loss of d = x - y with threshold delta, as
// PyTorch's HuberLoss: d²/2 where |d| ≤ delta and delta·(|d| - delta/2)
// elsewhere, reduced. It panics if delta is not positive.
func Huber(x, y ad.Node, delta float64, r Reduction) ad.Node {
	sameShape("Huber", x, y)
	if !(delta > 0) {
		panic(fmt.Errorf("nn: Huber: delta %v is not positive", delta))
	}
	d := ops.Sub(x, y)
	a := ops.Abs(d)
	quad := ops.Mul(ops.Square(d), ops.Const(d, 0.5))
	lin := ops.Mul(ops.Sub(a, ops.Const(d, delta/2)), ops.Const(d, delta))
	return r.apply(ops.Where(ops.LessEqual(a, ops.Const(d, delta)), quad, lin))
}

func sameShape(op string, x, y ad.Node) {
	if !x.Shape().Equal(y.Shape()) {
		panic(&tensor.ShapeError{Op: op, Shapes: []tensor.Shape{x.Shape(), y.Shape()}, Reason: "the input and the target must have the same shape"})
	}
}

// Accuracy returns the fraction of rows of logits, [N C], whose largest
// element is at the label's position.
func Accuracy(logits *tensor.Tensor, labels *tensor.Index) float64 {
	return float64(Correct(logits, labels)) / float64(labels.Shape().Size())
}

// Correct returns the number of rows of logits, [N C], whose largest
// element is at the label's position. It panics with a *tensor.ShapeError
// if the shapes do not fit.
func Correct(logits *tensor.Tensor, labels *tensor.Index) int {
	s, ls := logits.Shape(), labels.Shape()
	if len(s) != 2 || len(ls) != 1 || ls[0] != s[0] {
		panic(&tensor.ShapeError{Op: "Accuracy", Shapes: []tensor.Shape{s, ls}, Reason: "want logits [N C] and labels [N]"})
	}
	n := 0
	for i, p := range tensor.ArgMax(logits, 1).Data() {
		if p == labels.Data()[i] {
			n++
		}
	}
	return n
}
