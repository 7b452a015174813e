// Package optim updates a model's parameters from their gradients: SGD
// (momentum, Nesterov, weight decay), Adam, AdamW, RMSProp and Adagrad;
// learning-rate schedules; gradient clipping.
//
// Each optimizer follows PyTorch's algorithm (torch.optim) and is tested
// against PyTorch's numbers on the same inputs (testdata/torch.json, made
// by testdata/torch_reference.py). Updates are in place: Step writes each
// parameter's Value from its Grad and allocates nothing. Optimizers work
// on float32 and float64 parameters alike, computing in the parameter's
// own type.
//
// Each optimizer's rule is written once, as a function of an algebra of
// element-wise arithmetic: Step runs it on the tensors in place, and
// StepGraph (see [GraphStepper]) records the same arithmetic as graph
// operations, so that a whole training step, update included, is a graph
// that package export can write out.
//
// A training step is: build the graph from the model, [nn.Backward] the
// loss (the gradients land in each parameter's Grad), then Step. A
// [Schedule] is a function of the step count; [Apply] sets the rate
// before a step. An optimizer's State (its moments, named after their
// parameters) and Steps are what a checkpoint saves.
package optim
