#!/usr/bin/python3
"""One training epoch of the MNIST models of examples/mnist in PyTorch, for
the side-by-side comparison of bench/mnist/run.sh: the same layers, the same
Adam and batch size, the same standardised data, on the given number of
threads. Prints one line per model: "<model> <seconds for the epoch>
<images/s> <test accuracy>".

    /usr/bin/python3 bench/mnist/torch_mnist.py DATA_DIR THREADS MODELS
"""
import gzip
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import openblas  # noqa: E402 (bench/openblas.py)

openblas.ensure()
if openblas.note():
    print(openblas.note(), file=sys.stderr, flush=True)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def idx(path):
    with gzip.open(path) as f:
        b = f.read()
    rank = b[3]
    shape = [int.from_bytes(b[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(b, dtype=np.uint8, offset=4 + 4 * rank).reshape(shape)


def load(d, split):
    x = torch.from_numpy(idx(f"{d}/{split}-images-idx3-ubyte.gz").astype(np.float32) / 255)
    x = ((x - 0.1307) / 0.3081).reshape(-1, 1, 28, 28)
    y = torch.from_numpy(idx(f"{d}/{split}-labels-idx1-ubyte.gz").astype(np.int64))
    return x, y


def model(name):
    if name == "cnn":
        return nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Dropout(0.25), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))
    return nn.Sequential(
        nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.2),
        nn.Linear(512, 256), nn.ReLU(), nn.Dropout(0.2), nn.Linear(256, 10))


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: torch_mnist.py DATA_DIR THREADS MODELS (e.g. mlp,cnn)")
    d, threads, names = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(",")
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    xtr, ytr = load(d, "train")
    xte, yte = load(d, "t10k")
    for name in names:
        m = model(name)
        opt = torch.optim.Adam(m.parameters(), lr=1e-3)
        perm = torch.randperm(len(xtr))
        m.train()
        start = time.perf_counter()
        for i in range(0, len(xtr), 128):
            j = perm[i:i + 128]
            opt.zero_grad()
            loss = F.cross_entropy(m(xtr[j]), ytr[j])
            loss.backward()
            opt.step()
        secs = time.perf_counter() - start
        m.eval()
        with torch.no_grad():
            acc = sum((m(xte[i:i + 1000]).argmax(1) == yte[i:i + 1000]).sum().item() for i in range(0, 10000, 1000)) / 10000
        print(f"{name} {secs:.2f} {len(xtr) / secs:.0f} {acc:.4f}", flush=True)


main()
