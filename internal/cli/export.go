package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/seed812a03d2/backprop/ad"
	"github.com/seed812a03d2/backprop/export"
	"github.com/seed812a03d2/backprop/lang"
	"github.com/seed812a03d2/backprop/program"
)

var exportFlags = append(append([]flagSpec(nil), commonFlags...),
	maxNodesFlag(program.DefaultMaxNodes),
	flagSpec{name: "format", value: "FORMAT", help: "onnx (a binary ONNX model, opset 17) or stablehlo (MLIR text for XLA) (default onnx)"},
	flagSpec{name: "grad", help: "export the gradients of the output with respect to the --wrt nodes too, as outputs grad_NAME"},
	flagSpec{name: "o", value: "FILE", help: "the file to write (required)"})

// exportCmd writes the program as a function of its inputs: the output,
// and with --grad its gradients, in ONNX or StableHLO.
func exportCmd(args []string, stdin io.Reader, out *output) error {
	p, err := parseArgs("export", exportFlags, args)
	if err != nil {
		return err
	}
	if p.has("help") {
		out.WriteString(usage("export", "export FILE [--format onnx|stablehlo] [--grad] -o OUT", exportFlags))
		return nil
	}
	f, err := format("export", p, "onnx", "onnx", "stablehlo")
	if err != nil {
		return err
	}
	dest, ok := p.last("o")
	if !ok || dest == "" {
		return usagef("backprop export: -o FILE is required (the %s file to write)", f)
	}
	pg, err := load("export", p, stdin, "", program.DefaultMaxNodes)
	if err != nil {
		return err
	}
	labels, nodes := pg.Inputs()
	in := make([]export.Input, len(labels))
	for i := range labels {
		in[i] = export.Input{Name: labels[i], Node: nodes[i]}
	}
	outs := []export.Output{{Name: pg.OutputName(), Node: pg.Output()}}
	if p.has("grad") {
		grads := ad.Gradients(pg.Output(), pg.WrtNodes()...)
		for i, w := range pg.WrtNames {
			outs = append(outs, export.Output{Name: "grad_" + w, Node: grads[i]})
		}
	}
	fn, err := export.New(pg.File(), in, outs)
	if err != nil {
		return err
	}
	var b []byte
	if f == "stablehlo" {
		var text string
		text, err = fn.StableHLO(export.StableHLOOptions{})
		b = []byte(text)
	} else {
		b, err = fn.ONNX()
	}
	if err != nil {
		return err
	}
	if err := os.WriteFile(dest, b, 0o644); err != nil {
		return fmt.Errorf("backprop export: %v", err)
	}
	names := make([]string, len(outs))
	for i, o := range outs {
		names[i] = o.Name
	}
	fmt.Fprintf(out, "wrote %s: %d inputs, %d outputs (%s)\n", lang.Quote(dest), len(in), len(outs), strings.Join(names, ", "))
	return nil
}
