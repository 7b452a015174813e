#!/usr/bin/python3
"""PyTorch's side of bench/cmd/pair: a training step of batch 128 in
float32 as a server, so that the Go side can time it in turns with its
own. The model is the first argument:

- mlp: the 784-256-256-10 MLP of issue 10, section 7 (nn.Linear, ReLU,
  cross-entropy, SGD at lr 0.01);
- cnn: the CNN of examples/mnist and bench/mnist/torch_mnist.py (two 3×3
  convolutions with ReLU and 2×2 max-pools, dropout 0.25, two linear
  layers; Adam at lr 1e-3).

It prints "ready" on stdout, then reads lines "THREADS STEPS" and answers
each with the seconds that STEPS training steps on THREADS threads took.

OpenBLAS's kernels are chosen as in openblas.py, which says on stderr
what it did.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import openblas  # noqa: E402

openblas.ensure()
if openblas.note():
    print(openblas.note(), file=sys.stderr, flush=True)

import threadpoolctl  # noqa: E402
import torch  # noqa: E402

torch.manual_seed(1)
nn = torch.nn
if sys.argv[1:] == ["cnn"]:
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.25), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(128, 1, 28, 28)
elif sys.argv[1:] == ["mlp"]:
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x = torch.rand(128, 784)
else:
    sys.exit("usage: pair.py mlp|cnn")
y = torch.arange(128) % 10
loss_fn = torch.nn.functional.cross_entropy


def step():
    opt.zero_grad(set_to_none=True)
    loss_fn(model(x), y).backward()
    opt.step()


for _ in range(5):
    step()
print("ready", flush=True)
for line in sys.stdin:
    threads, steps = map(int, line.split())
    torch.set_num_threads(threads)
    with threadpoolctl.threadpool_limits(limits=threads):
        step()
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        print(time.perf_counter() - t0, flush=True)
