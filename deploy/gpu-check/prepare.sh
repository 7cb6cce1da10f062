#!/usr/bin/env bash
# Prepares .gpu-check/ at the project root for the GPU meter check (see README.md here): builds
# the project, copies the jars the meter needs and a jlink'ed Java runtime, the PyTorch load and
# the scripts, then runs the meter once from that runtime to prove it starts on this machine.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/deploy/gpu-check"
DEST="$ROOT/.gpu-check"
JDK_BIN="${JAVA_HOME:+$JAVA_HOME/bin/}"
cd "$ROOT"

echo "Building common and worker..." >&2
if command -v mvn >/dev/null 2>&1; then MVN=mvn; else MVN=./mvnw; fi
# Tests are compiled, not run: the sampler benchmarks that run there are test classes.
"$MVN" -q -B install -DskipTests -pl common,worker -am >&2

rm -rf "$DEST"
mkdir -p "$DEST/lib"

# Only what the meter loads: the GPU machine takes at most 64 MiB, TensorFlow alone is 160 MB.
cp common/target/wattsweep-common-*.jar worker/target/wattsweep-worker-*.jar "$DEST/lib/"
{ tr ':' '\n' < worker/target/classpath.txt; echo; } | while read -r jar; do
  case "$(basename "$jar")" in
    jna-[0-9]*.jar | jackson-databind-*.jar | jackson-core-*.jar | jackson-annotations-*.jar \
      | slf4j-api-*.jar | slf4j-simple-*.jar)
      cp "$jar" "$DEST/lib/" ;;
  esac
done
for needed in wattsweep-common wattsweep-worker jna jackson-databind jackson-core \
    jackson-annotations slf4j-api slf4j-simple; do
  if ! ls "$DEST/lib/$needed"-[0-9]*.jar >/dev/null 2>&1; then
    echo "prepare.sh: no $needed jar was found in worker/target/classpath.txt" >&2
    exit 1
  fi
done

# The sampler benchmarks (SamplerCpuCost, SamplerOverhead) with real NVML; FakeNvmlLibrary is
# what BenchMeters refers to for its fakes, never loaded there.
jar --create --file "$DEST/lib/wattsweep-worker-bench.jar" -C worker/target/test-classes \
  io/wattsweep/worker/meter/bench -C worker/target/test-classes \
  io/wattsweep/worker/meter/FakeNvmlLibrary.class

echo "Linking a Java runtime..." >&2
"${JDK_BIN}jlink" --add-modules java.base,java.logging,java.management,jdk.management --compress=2 \
  --no-header-files --no-man-pages --strip-debug --output "$DEST/jre"

cp "$HERE/run.sh" "$HERE/load.py" "$HERE/compare.py" "$HERE/overhead.py" "$DEST/"
chmod +x "$DEST/run.sh"

# The runtime and the jars must run the meter here, where the fallback is the CPU's.
CP="$(ls "$DEST"/lib/*.jar | tr '\n' ':')"
echo "Smoke test: the jlink'ed runtime runs the meter..." >&2
"$DEST/jre/bin/java" -cp "$CP" io.wattsweep.worker.cli.MeterCommand -- sleep 1 \
  2> "$DEST/smoke.log" || { cat "$DEST/smoke.log" >&2; exit 1; }
grep -E '^(method|total):' "$DEST/smoke.log" >&2
# And loads an NVML library through JNA: a fake one built from the tests' source, if gcc is here.
if command -v gcc >/dev/null 2>&1; then
  fake="$(mktemp -d)"
  gcc -shared -fPIC -O1 -o "$fake/libnvidia-ml.so" worker/src/test/c/fake_nvml.c -lm
  # Unconfigured, the fake has no GPU: the meter must load it, find none and say so.
  WATTSWEEP_NVML_LIBRARY="$fake/libnvidia-ml.so" "$DEST/jre/bin/java" -cp "$CP" \
    io.wattsweep.worker.cli.MeterCommand -- true 2> "$DEST/smoke-nvml.log" || true
  rm -rf "$fake"
  if ! grep -q 'NVML loads but sees no GPU' "$DEST/smoke-nvml.log"; then
    echo "prepare.sh: the jlink'ed runtime did not load NVML through JNA:" >&2
    cat "$DEST/smoke-nvml.log" >&2
    exit 1
  fi
  echo "JNA loads libnvidia-ml from the jlink'ed runtime." >&2
fi
rm -f "$DEST/smoke.log" "$DEST/smoke-nvml.log"

if git -C "$ROOT" rev-parse >/dev/null 2>&1 && ! git -C "$ROOT" check-ignore -q "$DEST"; then
  echo "Note: .gpu-check/ is not ignored by git; add '/.gpu-check/' to .gitignore." >&2
fi
echo "Ready: $(du -sh "$DEST" | cut -f1) in .gpu-check/. On the GPU machine: bash .gpu-check/run.sh" >&2
