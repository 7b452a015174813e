#!/usr/bin/env bash
# The MLP training step of issue 10, §7, side by side with PyTorch, in N
# separate runs of the suite (default 5), one after another: on a shared
# machine the ratio moves from run to run by more than a single run shows.
# Run from the bench directory:
#
#     ./mlp_ratios.sh [N]
#
# Prints, per run, the medians per step of PyTorch and backprop and their
# ratio on 1 and on 2 threads, then the largest ratio of each.
set -euo pipefail
runs=${1:-5}
go build -o /tmp/backprop-runall ./cmd/runall
echo "run | 1 thread: PyTorch | backprop | × PyTorch | 2 threads: PyTorch | backprop | × PyTorch"
worst1=0 worst2=0
for i in $(seq "$runs"); do
	if ! out=$(/tmp/backprop-runall -only mlp -systems backprop,python -out '' 2>/tmp/backprop-runall.err) ||
		! grep -q '^| 1 thread | PyTorch |' <<<"$out"; then
		echo "run $i: the suite failed or ran without PyTorch; see /tmp/backprop-runall.err" >&2
		exit 1
	fi
	row() { grep -E "^\| $1 \| $2 \|" <<<"$out" | awk -F'|' '{gsub(/ /, "", $5); gsub(/ /, "", $7); print $5, $7}'; }
	read -r t1 _ < <(row "1 thread" PyTorch)
	read -r b1 r1 < <(row "1 thread" backprop)
	read -r t2 _ < <(row "2 threads" PyTorch)
	read -r b2 r2 < <(row "2 threads" backprop)
	echo "$i | $t1 | $b1 | $r1 | $t2 | $b2 | $r2"
	worst1=$(awk -v a="$worst1" -v b="${r1%%×*}" 'BEGIN{print (b > a) ? b : a}')
	worst2=$(awk -v a="$worst2" -v b="${r2%%×*}" 'BEGIN{print (b > a) ? b : a}')
done
echo "largest ratio over $runs runs: 1 thread ${worst1}×, 2 threads ${worst2}×"
