#!/usr/bin/env bash
# Runs on the GPU machine, from .gpu-check/ (prepared by deploy/gpu-check/prepare.sh): the
# PyTorch load under wattsweep's meter, then the meter's energy per phase beside pynvml's
# reading of the same counter over the same phases. Results go to $OUT (default .gpu-check/out).
# GPU picks the GPU (default 0); PHASE_SECONDS the length of each phase (default 4).
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${OUT:-$HERE/out}"
GPU="${GPU:-0}"
mkdir -p "$OUT"
CP="$(ls "$HERE"/lib/*.jar | tr '\n' ':')"

nvidia-smi --query-gpu=index,name,uuid,driver_version,power.limit --format=csv \
  > "$OUT/nvidia-smi.csv" 2>&1 || true
cat "$OUT/nvidia-smi.csv"

"$HERE/jre/bin/java" -cp "$CP" io.wattsweep.worker.cli.MeterCommand \
  --gpus "$GPU" --interval-ms 100 --json "$OUT/meter.json" \
  -- python3 "$HERE/load.py" "$OUT/pynvml.json" 2>&1 | tee "$OUT/meter.log"
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
  echo "run.sh: the metered load exited with status $status" >&2
fi

python3 "$HERE/compare.py" "$OUT/meter.json" "$OUT/pynvml.json" | tee "$OUT/comparison.txt"

# The meter's own cost, with the real NVML (SKIP_OVERHEAD=1 skips this part, about 3 minutes).
if [ "${SKIP_OVERHEAD:-0}" != 1 ]; then
  java="$HERE/jre/bin/java"
  export CUDA_VISIBLE_DEVICES="$GPU"
  echo "== CPU cost of the sampler at 10 Hz, real NVML (SamplerCpuCost) =="
  "$java" -cp "$CP" io.wattsweep.worker.meter.bench.SamplerCpuCost 5 3 nvml-1 none 2>&1 \
    | tee "$OUT/sampler-cpu-cost.txt"
  echo "== Sampler in the stepping process, CPU-loop steps, real NVML (SamplerOverhead) =="
  for meter in nvml-1 control; do
    "$java" -cp "$CP" io.wattsweep.worker.meter.bench.SamplerOverhead cpu "$meter" 10 20 2>&1 \
      | tee "$OUT/sampler-overhead-cpu-$meter.txt"
  done
  unset CUDA_VISIBLE_DEVICES
  echo "== GPU steps without and with a metering process (overhead.py) =="
  GPU="$GPU" python3 "$HERE/overhead.py" "$java" "$CP" "$OUT/overhead.json" 2>&1 \
    | tee "$OUT/overhead.txt"
fi
exit "$status"
