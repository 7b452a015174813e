// Package train holds what a training loop needs beyond the model and the
// optimizer: checkpoints of the whole training state, as safetensors
// files ([Checkpoint]), and evaluation of a classifier over a dataset
// ([Evaluate]).
package train
