#!/usr/bin/env python3
"""Puts wattsweep meter's energy per step beside pynvml's reading of the same counter.

Usage: python3 compare.py METER_JSON PYNVML_JSON

Both read NVML's total-energy counter at the same phase boundaries: load.py just before it prints
a marker and again 20 ms after, the meter when the marker arrives, in between. The counter ticks
about every 100 ms, so the two differ only where a tick falls between the reads, by one tick's
energy (power x 0.1 s) at most; the meter's quantum column says how large that is. "bracket ok"
says the meter's energy lies between the smallest and largest that pynvml's reads allow.
"""
import json
import sys

TARGET_PERCENT = 1.0


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: compare.py METER_JSON PYNVML_JSON")
    with open(sys.argv[1]) as f:
        meter = json.load(f)
    with open(sys.argv[2]) as f:
        reference = json.load(f)
    gpu = reference["gpu"]
    print(f"\nGPU: {gpu['name']} {gpu['uuid']}, driver {gpu['driver']}, torch {gpu['torch']}")
    print(f"meter method: {meter['method']}{' (estimate)' if meter['estimate'] else ''}")
    if meter.get("meterError"):
        print(f"METER FAILED: {meter['meterError']}")
    steps = {s["name"]: s for s in meter["steps"]}
    header = ("phase", "time s", "meter J", "pynvml J", "diff J", "diff %", "quantum J",
              "bracket", "meter W", "TFLOP/s")
    rows = []
    worst = 0.0
    brackets_ok = True
    for phase in reference["phases"]:
        step = steps.get(phase["name"])
        if step is None:
            rows.append((phase["name"], f"{phase['seconds']:.3f}", "missing", "", "", "", "", "",
                         "", ""))
            worst = float("inf")
            continue
        diff = step["energyJoules"] - phase["energy_j"]
        percent = 100.0 * diff / phase["energy_j"] if phase["energy_j"] else float("nan")
        if phase["seconds"] >= 1.0:
            worst = max(worst, abs(percent))
        low = (phase["end_mj"] - phase["start_mj_after"]) / 1000.0
        high = (phase["end_mj_after"] - phase["start_mj"]) / 1000.0
        inside = low - 0.001 <= step["energyJoules"] <= high + 0.001
        brackets_ok = brackets_ok and inside
        rows.append((phase["name"], f"{step['seconds']:.3f}", f"{step['energyJoules']:.1f}",
                     f"{phase['energy_j']:.1f}", f"{diff:+.1f}", f"{percent:+.2f}",
                     f"{step['resolutionJoules']:.1f}", "ok" if inside else "OUTSIDE",
                     f"{step['meanPowerWatts']:.1f}",
                     f"{phase['tflops']:.0f}" if "tflops" in phase else ""))
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    for r in [header] + rows:
        print("  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                        for i, (c, w) in enumerate(zip(r, widths))))
    if not meter["method"].startswith("nvml"):
        print("\nTHE METER DID NOT USE NVML: the comparison means nothing (see 'why' in meter.json)")
    long_phases = [p for p in reference["phases"] if p["seconds"] >= 1.0]
    if not long_phases:
        print("\nno phase lasted 1 s or longer: nothing to hold to the target")
    verdict = "within" if worst <= TARGET_PERCENT else "OUTSIDE"
    print(f"\nlargest |difference| over phases of 1 s or longer: {worst:.2f}% "
          f"({verdict} the {TARGET_PERCENT:.0f}% target); meter inside pynvml's brackets: "
          f"{'all phases' if brackets_ok else 'NOT ALL PHASES'}")
    print(f"whole run: {meter['wallSeconds']:.3f} s, {meter['energyJoules']:.1f} J, "
          f"mean {meter['meanPowerWatts']:.1f} W; power readings: {meter['power']}")


if __name__ == "__main__":
    main()
