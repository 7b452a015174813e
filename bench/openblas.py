"""OpenBLAS's kernels for the PyTorch side of the benchmarks.

OpenBLAS picks its kernels by CPU model, and a model newer than its
release (Debian 12's 0.3.21 does not know Intel Emerald Rapids) gets its
Prescott (SSE3) kernels, at a quarter of the speed, which would flatter
every system compared with PyTorch. Each script calls ensure() first: where
OpenBLAS, as PyTorch loads it, reports Prescott, ensure() runs the script
again with OPENBLAS_CORETYPE set to the newest kernels the CPU has
(SkylakeX with AVX-512, Haswell with AVX2). A value the user set is left
alone. note() then says what was done, or returns None.
"""
import os
import sys

_MARK = "BACKPROP_BENCH_OPENBLAS_CORETYPE"  # set on the run that ensure() started


def _core_type():
    try:
        import threadpoolctl
        import torch  # noqa: F401 (loads the BLAS that PyTorch runs on)
    except ImportError:
        return None
    archs = [i.get("architecture") for i in threadpoolctl.threadpool_info() if i.get("internal_api") == "openblas"]
    if archs != ["Prescott"]:
        return None
    flags = set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    break
    except OSError:
        return None
    if {"avx512f", "avx512bw", "avx512dq", "avx512vl"} <= flags:
        return "SkylakeX"
    if {"avx2", "fma"} <= flags:
        return "Haswell"
    return None


def ensure():
    """Runs the script again with OPENBLAS_CORETYPE where OpenBLAS does
    not know the CPU; returns where nothing needs doing."""
    if os.environ.get("OPENBLAS_CORETYPE"):
        return
    core = _core_type()
    if core:
        env = dict(os.environ, OPENBLAS_CORETYPE=core)
        env[_MARK] = core
        os.execve(sys.executable, [sys.executable] + sys.argv, env)


def note():
    """What ensure() did, as a sentence, or None."""
    core = os.environ.get(_MARK)
    if not core or os.environ.get("OPENBLAS_CORETYPE") != core:
        return None
    return (f"OpenBLAS does not know this CPU and would run its Prescott (SSE3) kernels, which would make "
            f"PyTorch and numpy look slow; PyTorch ran with OPENBLAS_CORETYPE={core}, the newest of its kernels "
            f"that the CPU runs (a value already set is left alone).")
