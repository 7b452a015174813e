#!/usr/bin/env python3
"""PyTorch and numpy side of the benchmark suite (bench/cmd/runall runs it).

Reads the data that runall generated (raw little-endian files and
meta.json in --data), runs the same workloads, times them the same way
(one warm-up call, then --reps repetitions of as many calls as fill
--minrep seconds; min/median/max over the repetitions' times per call) and
prints one JSON object on stdout: versions, and for each measurement its
times and the values runall checks against its float64 reference.

Threads: torch.set_num_threads and threadpoolctl.threadpool_limits, since
PyTorch's GEMM (and numpy's) runs on OpenBLAS's own thread pool.

If torch, numpy or threadpoolctl cannot be imported it prints
{"skip": "..."} and exits 0, so that runall reports why.
"""

import argparse
import gc
import json
import math
import os
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--minrep", type=float, default=0.1)
    ap.add_argument("--workloads", default="worked,chain,mlp,gemm,hvp")
    args = ap.parse_args()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import openblas
    openblas.ensure()
    try:
        import numpy as np
        import threadpoolctl
        import torch
    except ImportError as e:
        print(json.dumps({"skip": f"cannot import {e.name} in {sys.executable} ({e}); "
                          "install Debian's python3-torch python3-numpy python3-threadpoolctl "
                          "(and libopenblas0-pthread for an optimised BLAS)",
                          "versions": [], "results": []}))
        return
    Bench(args, np, torch, threadpoolctl).run()


def threads_case(t):
    return "1 thread" if t == 1 else f"{t} threads"


class Bench:
    def __init__(self, args, np, torch, tpc):
        self.args, self.np, self.torch, self.tpc = args, np, torch, tpc
        with open(os.path.join(args.data, "meta.json")) as f:
            self.meta = json.load(f)
        self.arrays = {}
        for fi in self.meta["files"]:
            a = np.fromfile(os.path.join(args.data, fi["name"] + ".bin"), dtype="<" + {"float32": "f4", "float64": "f8", "int64": "i8"}[fi["dtype"]])
            self.arrays[fi["name"]] = a.reshape(fi["shape"])
        self.results = []
        self.workloads = set(args.workloads.split(","))

    def log(self, *a):
        print(*a, file=sys.stderr, flush=True)

    def measure(self, f, skip_warmup=False):
        reps, minrep = self.args.reps, self.args.minrep
        if not skip_warmup:
            t0 = time.perf_counter()
            f()
            one = time.perf_counter() - t0
        else:
            one = minrep
        n = 1
        if one < minrep:
            n = int(minrep / max(one, 1e-6)) + 1
            t0 = time.perf_counter()
            for _ in range(n):
                f()
            per = (time.perf_counter() - t0) / n
            n = max(1, int(minrep / max(per, 1e-9)))
        samples = []
        for _ in range(reps):
            gc.collect()
            t0 = time.perf_counter()
            for _ in range(n):
                f()
            samples.append((time.perf_counter() - t0) / n)
        samples.sort()
        k = len(samples)
        med = samples[k // 2] if k % 2 else (samples[k // 2 - 1] + samples[k // 2]) / 2
        return {"min": samples[0], "med": med, "max": samples[-1], "calls": n, "reps": reps}

    def add(self, workload, case, system, threads, check, timed):
        """check() returns the checked values; timed is called repeatedly.
        check may return (values, seconds) to let a slow check stand in
        for the warm-up call."""
        self.torch.set_num_threads(threads)
        rec = {"workload": workload, "case": case, "system": system, "threads": threads}
        try:
            with self.tpc.threadpool_limits(limits=threads):
                t0 = time.perf_counter()
                rec["check"] = check()
                slow = time.perf_counter() - t0 > 1.0
                rec.update(self.measure(timed, skip_warmup=slow))
            self.log(f"{workload:6s} {case:28s} {system} ... median {rec['med'] * 1e3:.4g} ms")
        except Exception as e:  # reported, and fails the run in runall
            rec["error"] = f"{type(e).__name__}: {e}"
            self.log(f"{workload:6s} {case:28s} {system} ... FAILED: {rec['error']}")
        self.results.append(rec)

    def run(self):
        np, torch = self.np, self.torch
        versions = [f"PyTorch {torch.__version__}", f"numpy {np.__version__}",
                    f"threadpoolctl {self.tpc.__version__}", f"Python {sys.version.split()[0]}"]
        for info in self.tpc.threadpool_info():
            if info.get("user_api") == "blas":
                versions.append(f"{info.get('internal_api')} {info.get('version')} ({info.get('threading_layer')}, {info.get('architecture')}) for PyTorch's and numpy's BLAS")
        torch.set_grad_enabled(True)
        for w in ["worked", "chain", "mlp", "gemm", "hvp"]:
            if w in self.workloads:
                getattr(self, w)()
        notes = [n for n in [sys.modules["openblas"].note()] if n]
        print(json.dumps({"versions": versions, "notes": notes, "results": self.results}))

    # 1. The worked example, full call.
    def worked(self):
        torch = self.torch

        def f():
            u1 = torch.tensor(4.0, dtype=torch.float64, requires_grad=True)
            u2 = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
            u3 = u1 + u2
            u4 = u3 * u3
            u5 = torch.sin(u4)
            u5.backward()
            return u1.grad.item()

        self.add("worked", "", "PyTorch (backward)", 1, lambda: {"value": f()}, f)

    # 2. The chain of 1,000,000 elementary operations.
    def chain(self):
        torch = self.torch
        steps, x0v = self.meta["chain_steps"], self.meta["chain_x0"]

        def f():
            x0 = torch.tensor(x0v, dtype=torch.float64, requires_grad=True)
            x = x0
            for _ in range(steps):
                x = torch.sin(x) * 0.9 + x * 0.1
            x.backward()
            return x0.grad.item()

        self.add("chain", "", "PyTorch (backward)", 1, lambda: {"value": f()}, f)

    # 3. MLP training step.
    def mlp(self):
        torch, a = self.torch, self.arrays
        names = self.meta["param_names"]
        lr = self.meta["mlp_lr"]
        x = torch.from_numpy(a["mlp_X"].copy())
        labels = torch.from_numpy(a["mlp_labels"].copy())
        F = torch.nn.functional

        def fresh():
            return [torch.from_numpy(a["mlp_" + n].copy()).requires_grad_() for n in names]

        def make_step(params):
            W1, b1, W2, b2, W3, b3 = params
            opt = torch.optim.SGD(params, lr=lr)

            def step():
                opt.zero_grad(set_to_none=True)
                h1 = F.relu(torch.addmm(b1, x, W1))
                h2 = F.relu(torch.addmm(b2, h1, W2))
                logits = torch.addmm(b3, h2, W3)
                loss = F.cross_entropy(logits, labels)
                loss.backward()
                opt.step()
                return loss
            return step

        for t in (1, 2):
            def check():
                params = fresh()
                loss = make_step(params)()
                idx = self.meta["grad_idx"]
                return {"value": loss.item(),
                        "grads": [[float(p.grad.reshape(-1)[i]) for i in idx[k]] for k, p in enumerate(params)]}
            self.add("mlp", threads_case(t), "PyTorch", t, check, make_step(fresh()))

    # 4. GEMM.
    def gemm(self):
        np, torch, a = self.np, self.torch, self.arrays
        for n in self.meta["gemm_sizes"]:
            idx = self.meta["gemm_idx"][str(n)]
            for t in (1, 2):
                for bits, dt in ((32, "float32"), (64, "float64")):
                    A, B = a[f"gemm_A{bits}_{n}"], a[f"gemm_B{bits}_{n}"]
                    tA, tB = torch.from_numpy(A.copy()), torch.from_numpy(B.copy())
                    case = f"{n}×{n}, {dt}, {threads_case(t)}"
                    self.add("gemm", case, "PyTorch (torch.mm)", t,
                             lambda: {"c": [float(v) for v in torch.mm(tA, tB).reshape(-1)[idx]]},
                             lambda: torch.mm(tA, tB))
                    self.add("gemm", case, "numpy (matmul)", t,
                             lambda: {"c": [float(v) for v in np.matmul(A, B).reshape(-1)[idx]]},
                             lambda: np.matmul(A, B))

    # 5. Hessian-vector product by double backward.
    def hvp(self):
        torch, a = self.torch, self.arrays
        W = torch.from_numpy(a["hvp_W"].copy())
        x0 = torch.from_numpy(a["hvp_x"].copy())
        v = torch.from_numpy(a["hvp_v"].copy())

        def f():
            x = x0.detach().requires_grad_()
            y = torch.tanh(W @ x).sum()
            g, = torch.autograd.grad(y, x, create_graph=True)
            hv, = torch.autograd.grad(g @ v, x)
            return hv

        self.add("hvp", "", "PyTorch (double backward)", 1, lambda: {"hv": [float(t) for t in f()]}, f)


if __name__ == "__main__":
    main()
