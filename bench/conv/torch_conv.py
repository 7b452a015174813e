#!/usr/bin/python3
"""PyTorch's side of BenchmarkConv2d (ops/conv_test.go): the forward and
backward pass of the MNIST CNN's two convolutions, batch 128, float32, with
the same FLOP count, on 1 and 2 threads. Run from the repository root:

    /usr/bin/python3 bench/conv/torch_conv.py
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import openblas  # noqa: E402 (bench/openblas.py)

openblas.ensure()
if openblas.note():
    print(openblas.note(), file=sys.stderr, flush=True)

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

for threads in (1, 2):
    torch.set_num_threads(threads)
    for name, xs, ws in (("1to32@28x28", (128, 1, 28, 28), (32, 1, 3, 3)),
                         ("32to64@14x14", (128, 32, 14, 14), (64, 32, 3, 3))):
        x = (torch.rand(xs) * 2 - 1).requires_grad_()
        w = (torch.rand(ws) * 2 - 1).requires_grad_()
        seed = torch.ones(xs[0], ws[0], xs[2], xs[3])
        flops = 3 * 2 * xs[0] * ws[0] * xs[2] * xs[3] * ws[1] * ws[2] * ws[3]

        def step():
            x.grad = w.grad = None
            F.conv2d(x, w, padding=1).backward(seed)

        step()
        best = float("inf")
        for _ in range(5):
            n, start = 0, time.perf_counter()
            while time.perf_counter() - start < 0.5:
                step()
                n += 1
            best = min(best, (time.perf_counter() - start) / n)
        print(f"{name} threads={threads}: {best * 1e3:.2f} ms, {flops / best / 1e9:.1f} GFLOP/s", flush=True)
