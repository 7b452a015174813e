// Command backprop reads computational graphs written as small programs
// and prints their values, gradients and the step-by-step backpropagation
// that computes them. Run it without arguments to see the worked example;
// backprop --help lists the commands.
package main

import (
	"os"

	"github.com/seed812a03d2/backprop/internal/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
