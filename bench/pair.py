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

Where OpenBLAS does not know the CPU (Debian 12's 0.3.21 and Emerald
Rapids) it would run its Prescott (SSE3) kernels; the script then runs
itself again with OPENBLAS_CORETYPE set to the newest kernels the CPU has
(SkylakeX with AVX-512, Haswell with AVX2) and says so on stderr.
"""
import os
import sys
import time

import threadpoolctl
import torch  # loads the BLAS PyTorch runs on, for threadpoolctl to see


def core_type():
    if os.environ.get("OPENBLAS_CORETYPE"):
        return None
    archs = [i.get("architecture") for i in threadpoolctl.threadpool_info() if i.get("internal_api") == "openblas"]
    if archs != ["Prescott"]:
        return None
    flags = set()
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
                break
    if {"avx512f", "avx512bw", "avx512dq", "avx512vl"} <= flags:
        return "SkylakeX"
    if {"avx2", "fma"} <= flags:
        return "Haswell"
    return None


core = core_type()
if core:
    print(f"OpenBLAS does not know this CPU and would run its Prescott kernels: PyTorch runs with OPENBLAS_CORETYPE={core}",
          file=sys.stderr, flush=True)
    os.execve(sys.executable, [sys.executable] + sys.argv, dict(os.environ, OPENBLAS_CORETYPE=core))

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
