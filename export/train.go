package export

import (
	"fmt"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/nn"
	"github.com/seed812a03d2/backprop/ops"
	"github.com/seed812a03d2/backprop/optim"
	"github.com/seed812a03d2/backprop/tensor"
)

// TrainStep returns the Func of one whole training step of model: the
// loss, its gradient with respect to each trainable parameter (the
// backward pass, as graph operations) and the optimizer's update
// (optim.StepGraph), from the parameters, the optimizer's state and a
// batch to the parameters and state after the step.
//
// loss is the step's loss, recorded in a graph by model's Forward in
// training mode from the batch, whose inputs are named in batch (the
// images as a leaf, the labels as an Index). The Func's inputs are, in
// order: each trainable parameter by its name; each buffer (BatchNorm's
// running statistics) by its name; each state tensor of opt by its name
// (opt.State); "lr" and "step" (scalars of the parameters' element type:
// the learning rate and the number of the step, 1 at the first); the
// mask of each Dropout layer, named by its path in the model and ".mask"
// ("2.mask"), the scaled ones and zeros that it multiplies by; then
// batch. Its outputs are "loss", then "new_" and the name of each
// parameter, buffer and state tensor after the step, then "new_step", the
// next step's number. Running it again on its new_ outputs, with new
// masks, is training; the engine's optimizer on the same batches and
// masks computes the same numbers.
func TrainStep(name string, loss ad.Node, model nn.Module, opt optim.GraphStepper, batch ...Input) (*Func, error) {
	if !loss.Valid() {
		return nil, fmt.Errorf("export: %s: the loss is the zero Node", name)
	}
	if s := loss.Shape(); s.Size() != 1 {
		return nil, fmt.Errorf("export: %s: the loss has shape %v; want a single number", name, s)
	}
	g := loss.Graph()
	// The modules that keep state or draw random numbers, by path.
	updates := map[*nn.Param]ad.Node{}
	var masks []Input
	var walkErr error
	walk("", model, func(path string, m nn.Module) {
		switch m := m.(type) {
		case *nn.Dropout:
			if mask, ok := m.Mask(g); ok {
				masks = append(masks, Input{Name: join(path, "mask"), Node: mask})
			}
		case *nn.BatchNorm:
			mean, variance, ok := m.RunningUpdate(g)
			if !ok {
				walkErr = fmt.Errorf("export: %s: the BatchNorm %s was not run in training mode in the loss's graph", name, join(path, ""))
				return
			}
			updates[m.RunningMean], updates[m.RunningVar] = mean, variance
		}
	})
	if walkErr != nil {
		return nil, walkErr
	}
	var ps, bufs []*nn.Param
	for _, p := range model.Params() {
		if p.Buffer {
			if _, ok := updates[p]; !ok {
				return nil, fmt.Errorf("export: %s: the buffer %s has no update in a training step (only BatchNorm's running statistics have one)", name, p.Name)
			}
			bufs = append(bufs, p)
			continue
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
	for _, b := range bufs {
		in = append(in, Input{Name: b.Name, Node: b.Node(g)})
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
	in = append(in, masks...)
	in = append(in, batch...)
	// StepGraph replaces the nodes of the parameters and the state in s
	// with their values after the update.
	opt.StepGraph(s)
	out := []Output{{Name: "loss", Node: loss}}
	for i, p := range ps {
		out = append(out, Output{Name: "new_" + p.Name, Node: s.Params[i]})
	}
	for _, b := range bufs {
		out = append(out, Output{Name: "new_" + b.Name, Node: updates[b]})
	}
	for i, st := range opt.State() {
		out = append(out, Output{Name: "new_" + st.Name, Node: s.State[i]})
	}
	out = append(out, Output{Name: "new_step", Node: ops.Add(s.Step, ops.Const(s.Step, 1))})
	return New(name, in, out)
}

// walk calls f for m and every module under it, with its path of
// container names ("3", "block.1"; "" for m itself).
func walk(path string, m nn.Module, f func(string, nn.Module)) {
	f(path, m)
	if c, ok := m.(nn.Container); ok {
		names, mods := c.Modules()
		for i, sub := range mods {
			walk(join(path, names[i]), sub, f)
		}
	}
}

// join joins a module's path and a name with a dot.
func join(path, name string) string {
	switch {
	case path == "":
		return name
	case name == "":
		return path
	}
	return path + "." + name
}
