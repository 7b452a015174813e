#!/usr/bin/env bash
# Times `backprop explain` on the 1M-operation chain (250,000 statements)
# in each streamed format, and --order 2 on 100,000 statements, for two
# builds of the command side by side, alternating, three rounds:
#
#     explain/testdata/bench-million-cli.sh BEFORE-BINARY AFTER-BINARY
#
# Each line: round, program, format, build, wall seconds, peak resident KB.
set -euo pipefail
before=$1 after=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
chain() { echo "x = 0.5"; for ((i = 0; i < $1; i++)); do echo "x = sin(x)*0.9 + x*0.1"; done; }
chain 250000 >"$dir/chain.bp"
chain 100000 >"$dir/chain100k.bp"
for r in 1 2 3; do
	for f in text markdown json; do
		for b in before after; do
			bin=$after; [ $b = before ] && bin=$before
			/usr/bin/time -f "$r chain250k $f $b %e s %M KB" "$bin" explain "$dir/chain.bp" --format $f >/dev/null
		done
	done
	for f in text json; do
		for b in before after; do
			bin=$after; [ $b = before ] && bin=$before
			/usr/bin/time -f "$r chain100k-order2 $f $b %e s %M KB" "$bin" explain "$dir/chain100k.bp" --order 2 --format $f >/dev/null
		done
	done
done
