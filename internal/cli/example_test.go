package cli_test

import (
	"os"
	"strings"

	"github.com/seed812a03d2/backprop/internal/cli"
)

func ExampleRun() {
	src := "x = 3\ny = x^2 + sin(x)\n"
	cli.Run([]string{"grad", "-", "--format", "json"}, strings.NewReader(src), os.Stdout, os.Stderr)
	// Output: {"of": "y", "value": 9.141120008059866, "grad": {"x": 5.010007503399555}}
}
