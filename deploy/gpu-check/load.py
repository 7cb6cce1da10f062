#!/usr/bin/env python3
"""GPU load for wattsweep's meter check: timed 8192x8192 matrix products in fp32, tf32 and bf16.

Each phase (and an idle one first) is bracketed by step markers on standard output, which
`wattsweep meter` turns into per-step energy; at the same boundaries this script reads the GPU's
total-energy counter itself through pynvml and writes those readings to the JSON file named by its
argument, so that compare.py can put the two side by side.

Usage: python3 load.py PYNVML_JSON   (PHASE_SECONDS sets each phase's length, default 4)
"""
import json
import os
import sys
import time

import pynvml
import torch

N = 8192
PHASE_SECONDS = float(os.environ.get("PHASE_SECONDS", "4"))
# Products queued between synchronizations: a phase ends at the first check past its length.
CHUNK = 10


def nvml_handle():
    """The NVML handle of cuda:0, which is the first GPU in CUDA_VISIBLE_DEVICES."""
    first = os.environ.get("CUDA_VISIBLE_DEVICES", "0").split(",")[0].strip()
    if first.startswith("GPU-"):
        return pynvml.nvmlDeviceGetHandleByUUID(first)
    return pynvml.nvmlDeviceGetHandleByIndex(int(first) if first.isdigit() else 0)


def text(value):
    return value.decode() if isinstance(value, bytes) else value


# How long after a marker the counter is read again: the meter has read it by then.
BRACKET_SECONDS = 0.02


class Boundaries:
    """At each boundary: reads the counter, prints the marker, and reads it again 20 ms later.

    The meter reads the counter when the marker arrives, between the two reads, so its value lies
    between them; they differ only where the counter ticked (every ~100 ms) in between.
    """

    def __init__(self, handle):
        self.handle = handle
        self.phases = []
        self.open = None

    def _boundary(self, marker):
        torch.cuda.synchronize()  # the work before the boundary is done, on the GPU too
        before = pynvml.nvmlDeviceGetTotalEnergyConsumption(self.handle)
        t = time.monotonic()
        print(marker, flush=True)
        time.sleep(BRACKET_SECONDS)
        after = pynvml.nvmlDeviceGetTotalEnergyConsumption(self.handle)
        return before, after, t

    def begin(self, name):
        mj, mj_after, t = self._boundary(f"WATTSWEEP_STEP {name}")
        self.open = {"name": name, "start_mj": mj, "start_mj_after": mj_after, "start_s": t}

    def end(self, **extra):
        mj, mj_after, t = self._boundary("WATTSWEEP_STEP_END")
        phase = self.open
        phase.update(end_mj=mj, end_mj_after=mj_after, end_s=t, **extra)
        phase["seconds"] = phase["end_s"] - phase["start_s"]
        phase["energy_j"] = (phase["end_mj"] - phase["start_mj"]) / 1000.0
        self.phases.append(phase)
        self.open = None
        print(f"  {phase['name']}: {phase['seconds']:.3f} s, {phase['energy_j']:.1f} J by pynvml"
              + (f", {extra['tflops']:.0f} TFLOP/s" if "tflops" in extra else ""), flush=True)


def matmul_phase(bounds, name, dtype, tf32):
    torch.backends.cuda.matmul.allow_tf32 = tf32
    torch.backends.cudnn.allow_tf32 = tf32
    a = torch.randn(N, N, device="cuda", dtype=dtype)
    b = torch.randn(N, N, device="cuda", dtype=dtype)
    c = torch.empty(N, N, device="cuda", dtype=dtype)
    torch.matmul(a, b, out=c)  # cuBLAS picks its kernel outside the measured phase
    bounds.begin(name)
    start = time.monotonic()
    products = 0
    while True:
        for _ in range(CHUNK):
            torch.matmul(a, b, out=c)
        products += CHUNK
        torch.cuda.synchronize()
        if time.monotonic() - start >= PHASE_SECONDS:
            break
    seconds = time.monotonic() - start
    bounds.end(products=products, tflops=2.0 * N**3 * products / seconds / 1e12)
    del a, b, c
    torch.cuda.empty_cache()


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: load.py PYNVML_JSON")
    pynvml.nvmlInit()
    handle = nvml_handle()
    torch.zeros(1, device="cuda")  # CUDA starts before any phase
    bounds = Boundaries(handle)

    bounds.begin("idle")
    time.sleep(PHASE_SECONDS)
    bounds.end()
    matmul_phase(bounds, "fp32", torch.float32, tf32=False)
    matmul_phase(bounds, "tf32", torch.float32, tf32=True)
    matmul_phase(bounds, "bf16", torch.bfloat16, tf32=False)

    result = {
        "gpu": {
            "name": text(pynvml.nvmlDeviceGetName(handle)),
            "uuid": text(pynvml.nvmlDeviceGetUUID(handle)),
            "driver": text(pynvml.nvmlSystemGetDriverVersion()),
            "torch": torch.__version__,
        },
        "phase_seconds": PHASE_SECONDS,
        "phases": bounds.phases,
    }
    os.makedirs(os.path.dirname(os.path.abspath(sys.argv[1])), exist_ok=True)
    with open(sys.argv[1], "w") as f:
        json.dump(result, f, indent=2)
    pynvml.nvmlShutdown()


if __name__ == "__main__":
    main()
