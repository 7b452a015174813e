package safetensors_test

import (
	"bytes"
	"fmt"

	"github.com/seed812a03d2/backprop/safetensors"
	"github.com/seed812a03d2/backprop/tensor"
)

func Example() {
	var file bytes.Buffer
	w := tensor.FromFloat32s([]float32{1, 2, 3, 4}, 2, 2)
	safetensors.Write(&file, []safetensors.Named{{Name: "fc.weight", Tensor: w}}, map[string]string{"format": "pt"})

	f, err := safetensors.Read(file.Bytes(), "model.safetensors")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Names, f.Tensors["fc.weight"], f.Metadata["format"])
	// Output: [fc.weight] [[1 2] [3 4]] pt
}
