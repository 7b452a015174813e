package train_test

import (
	"bytes"
	"fmt"

	"github.com/seed812a03d2/backprop/nn"
	"github.com/seed812a03d2/backprop/train"
)

// Save a training run after three steps and resume it in a new run: the
// parameters, the optimizer's moments and step count, the loader's
// position and Dropout's generator all come back.
func ExampleCheckpoint() {
	a := newRun(1)
	for range 3 {
		a.step()
	}
	var file bytes.Buffer
	if err := a.checkpoint().Save(&file); err != nil {
		fmt.Println(err)
		return
	}

	b := newRun(2)
	if err := b.checkpoint().Load(file.Bytes(), "run.safetensors"); err != nil {
		fmt.Println(err)
		return
	}
	a.step()
	b.step()
	fmt.Println("steps:", b.opt.Steps(), "same weights:", nn.State(a.model)[0].Value.At(0, 0) == nn.State(b.model)[0].Value.At(0, 0))
	fmt.Println("accuracy:", train.Evaluate(b.model, dataset(), 40).Accuracy > 0)
	// Output:
	// steps: 4 same weights: true
	// accuracy: true
}
