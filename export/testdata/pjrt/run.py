#!/usr/bin/env python3
"""Runs a training step written by backprop's export.Func.StableHLO in XLA.

It compiles the StableHLO module with XLA through JAX's PJRT client, runs
the step on one device and, with the module's sharding annotations
(mhlo.num_partitions = N), on N devices, each time for the number of steps
that the data holds (each step's new_ outputs are the next step's inputs,
each step takes its batch), compares the outputs of the last step with the
engine's and reports the largest difference and the time of a step.

Commands. Write the MNIST MLP's training step and its data, on a machine
with this repository (the batch of 128 split over 2 devices, 20 steps):

    go test ./export -run TestStableHLOPJRTData -pjrt /tmp/pjrt \
        -pjrt.steps 20 -pjrt.batch 128 -pjrt.devices 2 -pjrt.dtype float32

Then, on a machine with JAX and a PJRT plugin (pip install "jax[cuda12]",
"jax[tpu]", or "jax" for CPUs), with the folder copied there:

    python3 run.py /tmp/pjrt                    # one device, then N of the module
    python3 run.py /tmp/pjrt --devices all      # one device, then every device found
    python3 run.py /tmp/pjrt --devices 4        # ... or 4 of them
    JAX_PLATFORMS=cpu XLA_FLAGS=--xla_force_host_platform_device_count=8 \
        python3 run.py /tmp/pjrt --devices all  # 8 CPU devices on one machine

The folder holds step.mlir (the module), data.npz (inputs/NAME: the first
step's inputs; batches/NAME: the batch inputs of every step, stacked;
expected/NAME: the engine's outputs of the last step) and meta.json (the
names of the inputs and outputs in order, the batch inputs, the number of
steps, the tolerance). --devices M rewrites the module's annotations for a
mesh of M devices: mhlo.num_partitions = M and {devices=[M,1,...]<=[M]}
for the batch inputs.

It exits with status 1 if a difference is above the tolerance (meta.json's,
or --tolerance) and 2 if the module does not compile.

The PJRT calls are JAX's internal client API (jax.extend.backend and
jaxlib's Client.compile_and_load and LoadedExecutable.execute_sharded, as
jax 0.7 has them); older versions of jax name them differently, and
compile() stands in for compile_and_load() where it is missing. The module's
mhlo.sharding annotations are read by XLA's GSPMD partitioner, which this
script asks for (use_shardy_partitioner = False); --shardy asks for Shardy
instead, which imports the same annotations in recent XLA.
"""

import argparse
import json
import os
import re
import statistics
import sys
import time

import numpy as np

import jax

jax.config.update("jax_enable_x64", True)  # the module's int64 labels and float64 steps

from jax.sharding import Mesh, NamedSharding, PartitionSpec  # noqa: E402

try:
    from jax.extend.backend import get_backend, get_compile_options
except ImportError:  # older jax
    from jax._src.xla_bridge import get_backend
    from jax._src.compiler import get_compile_options
from jax._src.lib import xla_client as xc  # noqa: E402


def partitions(text):
    """The module's mhlo.num_partitions, 1 if it has none."""
    m = re.search(r"mhlo\.num_partitions = (\d+) : i32", text)
    return int(m.group(1)) if m else 1


def for_devices(text, n):
    """The module annotated for n devices; for n = 1 without shardings."""
    text = re.sub(r"mhlo\.num_partitions = \d+ : i32", f"mhlo.num_partitions = {n} : i32", text)
    if n == 1:
        return re.sub(r', mhlo\.sharding = "[^"]*"', "", text)
    return re.sub(r"\{devices=\[\d+((?:,1)*)\]<=\[\d+\]\}", lambda m: "{devices=[%d%s]<=[%d]}" % (n, m.group(1), n), text)


def compile_module(backend, text, devices, shardy):
    """Compiles the module text for the devices, one partition each."""
    n = len(devices)
    opts = get_compile_options(num_replicas=1, num_partitions=n,
                               device_assignment=np.array(devices, dtype=object).reshape(1, n))
    build = opts.executable_build_options
    build.use_spmd_partitioning = True
    if hasattr(build, "use_shardy_partitioner"):
        build.use_shardy_partitioner = shardy
    if hasattr(backend, "compile_and_load"):
        try:
            device_list = xc.DeviceList(tuple(devices))
        except (AttributeError, TypeError):
            device_list = list(devices)
        return backend.compile_and_load(text, executable_devices=device_list, compile_options=opts)
    return backend.compile(text, compile_options=opts)


def run(backend, text, devices, meta, data, shardy):
    """Runs the steps on devices; returns the last step's outputs by name,
    the compile time and the times of the steps, in seconds."""
    n = len(devices)
    start = time.perf_counter()
    exe = compile_module(backend, for_devices(text, n), devices, shardy)
    compile_secs = time.perf_counter() - start

    mesh = Mesh(np.array(devices), ("data",))
    split = NamedSharding(mesh, PartitionSpec("data"))
    whole = NamedSharding(mesh, PartitionSpec())
    batch_names = set(meta["batches"])

    def put(name, x):
        return jax.device_put(x, split if name in batch_names else whole)

    args = {name: put(name, data["inputs/" + name]) for name in meta["inputs"] if name not in batch_names}
    steps = meta["steps"]
    # Every step's batch on the devices before the clock starts.
    batches = [{name: put(name, data["batches/" + name][k]) for name in meta["batches"]} for k in range(steps)]
    jax.block_until_ready([args, batches])

    outs, times = None, []
    for k in range(steps):
        args.update(batches[k])
        t0 = time.perf_counter()
        res = exe.execute_sharded([args[name] for name in meta["inputs"]])
        shards = res.disassemble_into_single_device_arrays()
        # Every output is replicated: each device holds it whole.
        outs = {}
        for name, per_device in zip(meta["outputs"], shards):
            if n == 1:
                outs[name] = per_device[0]
            else:
                outs[name] = jax.make_array_from_single_device_arrays(per_device[0].shape, whole, per_device)
        jax.block_until_ready(list(outs.values()))
        times.append(time.perf_counter() - t0)
        for name, v in outs.items():
            if name.startswith("new_") and name[4:] in args:
                args[name[4:]] = v
    return {name: np.asarray(v) for name, v in outs.items()}, compile_secs, times


def compare(outs, data, meta):
    """The largest absolute difference of each output from the engine's."""
    diffs = {}
    for name in meta["outputs"]:
        want = data["expected/" + name]
        got = outs[name].astype(np.float64)
        if got.shape != want.shape:
            raise SystemExit(f"{name}: shape {got.shape} from XLA, {want.shape} from the engine")
        d = np.abs(got - want.astype(np.float64))
        diffs[name] = float(np.nanmax(d)) if d.size else 0.0
        if np.any(np.isnan(got) != np.isnan(want)):
            diffs[name] = float("inf")
    return diffs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", help="the folder that TestStableHLOPJRTData wrote")
    ap.add_argument("--platform", default=None, help="the PJRT platform (cpu, cuda, rocm, tpu); JAX's default if unset")
    ap.add_argument("--devices", default=None, help="the devices of the sharded run: a number, or 'all'; the module's mhlo.num_partitions if unset")
    ap.add_argument("--tolerance", type=float, default=None, help="the largest difference allowed; meta.json's if unset")
    ap.add_argument("--shardy", action="store_true", help="partition with Shardy instead of GSPMD")
    a = ap.parse_args()

    with open(os.path.join(a.folder, "meta.json")) as f:
        meta = json.load(f)
    with open(os.path.join(a.folder, meta["module"])) as f:
        text = f.read()
    data = dict(np.load(os.path.join(a.folder, meta["data"])))
    tol = a.tolerance if a.tolerance is not None else meta["tolerance"]

    backend = get_backend(a.platform)
    devices = backend.local_devices()
    n = partitions(text)
    if a.devices == "all":
        n = len(devices)
    elif a.devices is not None:
        n = int(a.devices)
    print(f"{backend.platform} ({backend.platform_version}): {len(devices)} devices: {devices}")
    print(f"{meta['steps']} steps of {meta['module']}, {meta['dtype']}, the batch {meta['batches']}")

    runs = [1]
    if n > 1:
        if n > len(devices):
            print(f"the sharded run needs {n} devices; {len(devices)} found: skipped")
        else:
            runs.append(n)
    worst_all, report = 0.0, []
    for k in runs:
        try:
            outs, compile_secs, times = run(backend, text, devices[:k], meta, data, a.shardy)
        except Exception as e:  # a module that XLA refuses
            print(f"{k} devices: XLA failed: {e}")
            sys.exit(2)
        diffs = compare(outs, data, meta)
        worst = max(diffs.values())
        worst_all = max(worst_all, worst)
        later = times[1:] or times
        print(f"{k} device(s): compiled in {compile_secs:.2f} s; a step {1e3 * statistics.median(later):.3f} ms "
              f"(median of steps 2 to {len(times)}; the first {1e3 * times[0]:.3f} ms)")
        print(f"  largest difference from the engine after {len(times)} steps: {worst:.3g} "
              f"({max(diffs, key=diffs.get)}); loss {float(outs['loss']):.9g} (engine {float(data['expected/loss']):.9g})")
        report.append((k, statistics.median(later)))
    if len(report) == 2:
        (_, one), (k, many) = report
        print(f"speed-up on {k} devices: {one / many:.2f}x")
    if not worst_all <= tol:
        print(f"FAIL: a difference of {worst_all:.3g} is above the tolerance {tol:g}")
        sys.exit(1)
    print(f"ok: every difference is within {tol:g}")


if __name__ == "__main__":
    main()
