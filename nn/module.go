package nn

import (
	"slices"
	"strconv"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/tensor"
)

// A Module is a function of a node with parameters: a layer, or layers
// composed. Forward records the module's computation in x's graph, using
// its parameters through [Param.Node]. Params returns the module's
// trainable parameters and buffers, each once, in a fixed order.
type Module interface {
	Forward(x ad.Node) ad.Node
	Params() []*Param
}

// A Trainer is a module that behaves differently in training and in
// evaluation (Dropout, BatchNorm). Modules start in training mode.
type Trainer interface {
	SetTraining(training bool)
}

// Train puts m, and every module it holds, in training mode.
func Train(m Module) { setTraining(m, true) }

// Eval puts m, and every module it holds, in evaluation mode: Dropout
// passes its input through and BatchNorm uses its running statistics.
func Eval(m Module) { setTraining(m, false) }

func setTraining(m Module, on bool) {
	if t, ok := m.(Trainer); ok {
		t.SetTraining(on)
	}
}

// Trainable returns the parameters of m that are trained, without its
// buffers: what an optimizer updates.
func Trainable(m Module) []*Param {
	var ps []*Param
	for _, p := range m.Params() {
		if !p.Buffer {
			ps = append(ps, p)
		}
	}
	return ps
}

// State returns all of m's parameters and buffers: what a checkpoint of
// the model holds.
func State(m Module) []*Param { return m.Params() }

// Infer runs m on x without recording a gradient: it resets g, records x
// as a constant, runs m's Forward with recording off and returns the
// output's value. The value belongs to g and is valid until g's next Reset
// (copy it with Clone to keep it). Infer does not change m's mode: call
// [Eval] first for evaluation.
func Infer(g *ad.Graph, m Module, x *tensor.Tensor) *tensor.Tensor {
	g.Reset()
	var y ad.Node
	g.NoRecord(func() { y = m.Forward(g.Const(x)) })
	return y.Value()
}

// Func is an activation or any other function without parameters, as a
// module: Func(ops.ReLU).
type Func func(x ad.Node) ad.Node

// Forward returns f(x).
func (f Func) Forward(x ad.Node) ad.Node { return f(x) }

// Params returns nil: a function has no parameters.
func (Func) Params() []*Param { return nil }

// A Sequence applies its modules in order, each to the output of the one
// before. It names the parameters of its modules by position, as
// PyTorch's Sequential ("0.weight", "2.bias"), or by the name given with
// [Named] ("fc1.weight").
type Sequence struct {
	modules []Module
	names   []string
}

// Named gives m a name in a Sequence.
func Named(name string, m Module) Module { return named{name, m} }

type named struct {
	name string
	Module
}

func (n named) SetTraining(on bool) { setTraining(n.Module, on) }

// Sequential returns a Sequence of the modules, and puts each module's
// name in front of its parameters' names. A module belongs to one
// container: putting it in two names its parameters twice.
func Sequential(modules ...Module) *Sequence {
	s := &Sequence{}
	for i, m := range modules {
		name := strconv.Itoa(i)
		if n, ok := m.(named); ok {
			name, m = n.name, n.Module
		}
		for _, p := range m.Params() {
			p.Name = name + "." + p.Name
		}
		s.modules = append(s.modules, m)
		s.names = append(s.names, name)
	}
	return s
}

// Forward applies the modules in order.
func (s *Sequence) Forward(x ad.Node) ad.Node {
	for _, m := range s.modules {
		x = m.Forward(x)
	}
	return x
}

// Params returns the parameters and buffers of the modules, in order.
func (s *Sequence) Params() []*Param {
	var ps []*Param
	for _, m := range s.modules {
		ps = append(ps, m.Params()...)
	}
	return ps
}

// SetTraining sets the mode of every module.
func (s *Sequence) SetTraining(on bool) {
	for _, m := range s.modules {
		setTraining(m, on)
	}
}

// Modules returns the modules of s with their names.
func (s *Sequence) Modules() ([]string, []Module) {
	return slices.Clone(s.names), slices.Clone(s.modules)
}

// A Container is a module made of modules, which it names: what walks a
// model (a checkpoint looking for generator states) goes through.
type Container interface {
	Module
	Modules() (names []string, modules []Module)
}
