#!/usr/bin/env python3
"""How much wattsweep's meter slows a GPU step: steps timed without and with the meter sampling.

A step is a fixed amount of GPU work ended by a synchronization: "large" is four 8192x8192 fp32
products (compute-bound), "small" two hundred 1024x1024 products (bound by kernel launches, so
by the CPU and the driver, where NVML calls would contend). Blocks of steps run without the
meter, then with a `wattsweep meter --interval-ms 100` process reading the same GPU through NVML
ten times a second (its sampler runs before its child starts, and the child says when it has),
interleaved off-on, on-off, ... so that drift in clocks and temperature falls on both alike.
Each repetition gives the ratio on/off of the mean step time.

Usage: python3 overhead.py JAVA CLASSPATH OUT_JSON   (REPS sets the repetitions, default 8;
BLOCK_SECONDS the length of a block, default 2: each kind's steps per block are set from it;
KINDS which steps, default "large,small")
"""
import json
import os
import signal
import statistics
import subprocess
import sys
import time

import torch

REPS = int(os.environ.get("REPS", "8"))
BLOCK_SECONDS = float(os.environ.get("BLOCK_SECONDS", "2"))
# Student's t 97.5% quantiles for 1..30 degrees of freedom.
T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
        2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
        2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


def make_step(kind):
    if kind not in ("large", "small"):
        sys.exit(f"KINDS must list large and/or small: {kind!r}")
    n, products = (8192, 4) if kind == "large" else (1024, 200)
    a = torch.randn(n, n, device="cuda")
    b = torch.randn(n, n, device="cuda")
    c = torch.empty(n, n, device="cuda")

    def step():
        for _ in range(products):
            torch.matmul(a, b, out=c)
        torch.cuda.synchronize()

    return step


def block(step, steps):
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - start) / steps


class Meter:
    """A `wattsweep meter` process sampling GPU 0 at 10 Hz while a block runs."""

    def __init__(self, java, classpath):
        self.java = java
        self.classpath = classpath
        self.process = None

    def __enter__(self):
        ready = "import time; print('sampling', flush=True); time.sleep(3600)"
        self.process = subprocess.Popen(
            [self.java, "-cp", self.classpath, "io.wattsweep.worker.cli.MeterCommand",
             "--gpus", os.environ.get("GPU", "0"), "--interval-ms", "100", "--",
             sys.executable, "-c", ready],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            start_new_session=True)
        line = self.process.stdout.readline()
        if line.strip() != "sampling":
            raise RuntimeError(f"the meter did not start its child: {line!r}")
        time.sleep(0.5)  # past the JVM's start-up work, which is not the sampler's cost
        return self

    def __exit__(self, *exc):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait()


def summarize(ratios):
    n = len(ratios)
    mean = statistics.fmean(ratios)
    half = T975[min(n - 1, 30) - 1] * statistics.stdev(ratios) / n ** 0.5 if n > 1 else 0.0
    return {"mean": mean, "ci_low": mean - half, "ci_high": mean + half,
            "median": statistics.median(ratios), "ratios": ratios}


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: overhead.py JAVA CLASSPATH OUT_JSON")
    java, classpath, out = sys.argv[1:]
    torch.backends.cuda.matmul.allow_tf32 = False
    results = {"reps": REPS, "block_seconds": BLOCK_SECONDS,
               "gpu": torch.cuda.get_device_name(0), "kinds": {}}
    for kind in os.environ.get("KINDS", "large,small").split(","):
        step = make_step(kind)
        for _ in range(5):
            step()  # warm-up: cuBLAS picks its kernels
        steps = max(10, round(BLOCK_SECONDS / block(step, 5)))
        ratios = []
        print(f"{kind}: {steps} steps per block", flush=True)
        print(f"{kind}: rep  order   off ms/step  on ms/step  on/off", flush=True)
        for rep in range(REPS):
            on_first = rep % 2 == 1
            if on_first:
                with Meter(java, classpath):
                    on = block(step, steps)
                off = block(step, steps)
            else:
                off = block(step, steps)
                with Meter(java, classpath):
                    on = block(step, steps)
            ratios.append(on / off)
            print(f"{kind}: {rep + 1:3d}  {'on-off' if on_first else 'off-on'}  "
                  f"{off * 1e3:11.3f}  {on * 1e3:10.3f}  {on / off:.4f}", flush=True)
        s = summarize(ratios)
        s["steps_per_block"] = steps
        results["kinds"][kind] = s
        print(f"{kind}: step time on/off: median {s['median']:.4f}, mean {s['mean']:.4f}, "
              f"95% CI [{s['ci_low']:.4f}, {s['ci_high']:.4f}] -> overhead "
              f"{100 * (s['mean'] - 1):+.2f}% (CI {100 * (s['ci_low'] - 1):+.2f}% .. "
              f"{100 * (s['ci_high'] - 1):+.2f}%)", flush=True)
    with open(out, "w") as f:
        json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
