#!/bin/bash
# Before (c3331ab) and after, alternating, 3 rounds.
cd /tmp/bp
for r in 1 2 3; do
  for f in text markdown json; do
    for b in before after; do
      bin=./backprop; [ $b = before ] && bin=./backprop-before
      /usr/bin/time -f "$r chain250k $f $b %e s %M KB" $bin explain chain.bp --format $f > /dev/null
    done
  done
  for f in text json; do
    for b in before after; do
      bin=./backprop; [ $b = before ] && bin=./backprop-before
      /usr/bin/time -f "$r chain100k-order2 $f $b %e s %M KB" $bin explain chain100k.bp --order 2 --format $f > /dev/null
    done
  done
done
