package export

import (
	"fmt"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/nn"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/optim"
	"github.com/seed812a03d2/backprop/tensor"
)

// TrainStep returns the Func of one whole training step: the loss, its
// gradient with respect to each trainable parameter (the backward pass,
// as graph operations) and the optimizer's update (optim.StepGraph), from
// the parameters, the optimizer's state and a batch to the parameters and
// state after the step.
//
// loss is the step's loss, recorded in a graph from the parameters
// (nn.Param.Node) and the batch, whose inputs are named in batch (the
// images as a leaf, the labels as an Index). The Func's inputs are, in
// order: each trainable parameter of params by its name, each state
// tensor of opt by its name (opt.State), "lr" and "step" (scalars of the
// parameters' element type: the learning rate and the number of the step,
// 1 at the first), then batch. Its outputs are "loss", then "new_" and
// the name of each parameter and state tensor after the step, then
// "new_step", the next step's number. Running it again on its new_ outputs
// is training; running the engine's optimizer on the same batches
// computes the same numbers.
//
// Buffers among params (BatchNorm's running statistics) are not yet
// exported: TrainStep fails on a model with any.
func TrainStep(name string, loss ad.Node, params []*nn.Param, opt optim.GraphStepper, batch ...Input) (*Func, error) {
	if !loss.Valid() {
		return nil, fmt.Errorf("export: %s: the loss is the zero Node", name)
	}
	if s := loss.Shape(); s.Size() != 1 {
		return nil, fmt.Errorf("export: %s: the loss has shape %v; want a single number", name, s)
	}
	g := loss.Graph()
	var ps []*nn.Param
	for _, p := range params {
		if p.Buffer {
			return nil, fmt.Errorf("export: %s: %s is a buffer; training steps with buffers (BatchNorm's running statistics) are not exported yet", name, p.Name)
		}
		ps = append(ps, p)
	}
	if len(ps) == 0 {
		return nil, fmt.Errorf("export: %s: no trainable parameters", name)
	}
	dt := ps[0].Value.DType()
	var in []Input
	s := &optim.GraphStep{}
	for _, p := range ps {
		if p.Value.DType() != dt {
			return nil, fmt.Errorf("export: %s: parameters of two element types (%s is %v, %s is %v)", name, ps[0].Name, dt, p.Name, p.Value.DType())
		}
		n := p.Node(g)
		s.Params = append(s.Params, n)
		in = append(in, Input{Name: p.Name, Node: n})
	}
	s.Grads = ad.Gradients(loss, s.Params...)
	for _, st := range opt.State() {
		n := g.Const(st.Value)
		s.State = append(s.State, n)
		in = append(in, Input{Name: st.Name, Node: n})
	}
	s.LR = g.Const(tensor.Full(dt, opt.LR()))
	s.Step = g.Const(tensor.Full(dt, float64(opt.Steps()+1)))
	in = append(in, Input{Name: "lr", Node: s.LR}, Input{Name: "step", Node: s.Step})
	in = append(in, batch...)
	// StepGraph replaces the nodes of the parameters and the state in s
	// with their values after the update.
	opt.StepGraph(s)
	out := []Output{{Name: "loss", Node: loss}}
	for i, p := range ps {
		out = append(out, Output{Name: "new_" + p.Name, Node: s.Params[i]})
	}
	for i, st := range opt.State() {
		out = append(out, Output{Name: "new_" + st.Name, Node: s.State[i]})
	}
	out = append(out, Output{Name: "new_step", Node: ops.Add(s.Step, ops.Const(s.Step, 1))})
	return New(name, in, out)
}
