// Package nn builds neural networks on the engine: parameters that live
// across training steps, layers, losses, initialisers and metrics.
//
// # Parameters and steps
//
// A [Param] is a tensor of the model, with a hierarchical name
// ("fc1.weight") and a Grad of its shape. A model is built once; each
// training step resets a graph, runs the model's Forward on the batch (the
// layers record their parameters with [Param.Node], once per build), and
// calls [Backward] on the loss, which writes every parameter's gradient
// into its Grad, where an optimizer (package optim) finds it:
//
//	model := nn.Sequential(
//		nn.Named("fc1", nn.NewLinear(rng, tensor.Float32, 784, 256)),
//		nn.Func(ops.ReLU),
//		nn.Named("fc2", nn.NewLinear(rng, tensor.Float32, 256, 10)),
//	)
//	opt := optim.NewAdam(nn.Trainable(model), optim.DefaultAdam())
//	for each batch {
//		g.Reset()
//		loss := nn.CrossEntropy(model.Forward(g.Const(x)), labels, nn.Mean)
//		nn.Backward(loss, nn.Trainable(model))
//		opt.Step()
//	}
//
// # Layers
//
// Layers are [Module]s: [Linear], [Conv2d], [Pool2d] (max and average),
// [Flatten], [Dropout], [BatchNorm], [LayerNorm] and [Embedding], composed
// with [Sequential]; an activation is a plain function made a module with
// [Func]. Weights use PyTorch's layouts ([out in] for Linear, [out in kH
// kW] for Conv2d) and PyTorch's default initialisation, drawn from the
// seeded generator given to the constructor, so that a seed gives the same
// model. Modules start in training mode; [Eval] and [Train] switch every
// module of a model, and [Infer] runs a model without recording a gradient.
//
// # Losses and metrics
//
// [CrossEntropy] (with [CrossEntropySmoothed] for label smoothing), [NLL],
// [BCEWithLogits], [MSE] and [Huber] reduce by [Mean], [Sum] or [None].
// Labels are *tensor.Index values. [Accuracy] and [Correct] score logits.
//
// # Panics
//
// Shapes that do not fit panic with a *tensor.ShapeError that names the
// layer or loss and the shapes, as the operations of package ops do.
package nn
