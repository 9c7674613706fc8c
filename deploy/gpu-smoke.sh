#!/usr/bin/env bash
# GPU check for the PCSR UDF: runs io.pcsr.udf.spark.PcsrPartitionFunction (the code Spark
# executors run) on the sample images once on the CPU and once on CUDA through DJL, and compares:
# classes differ on at most 0.1 % of pixels (ties at the threshold), HR values within 1e-3
# away from them (outside the 3x3 window of a differing class, which refinement averages over);
# prints output megapixels/s for both. The CPU pass runs the executors' CPU path (JVM SIMD kernels).
#
#   deploy/gpu-smoke.sh [--model PATH] [--tolerance T] [IMAGE...]
#   deploy/gpu-smoke.sh --dry-run [...]     # both passes on the CPU: checks the plumbing, no GPU
#
# Needs (except --dry-run): an NVIDIA GPU (nvidia-smi), and libtorch 2.7.1 built for CUDA 12.8
# (cxx11 ABI) with PYTORCH_LIBRARY_PATH pointing at its lib/ folder: the executor image
# (deploy/Dockerfile) has it at /opt/libtorch/lib. DJL's CUDA JNI (cu128) is in the pytorch-jni jar.
# A node with another libtorch release: a folder made by deploy/gpu-jni/build.sh (PCSR torch bridge).
# The CPU pass runs the same natives with no GPU visible (CUDA_VISIBLE_DEVICES="").
#
# Environment: PCSR_CLASSPATH (default: job/target/pcsr-job.jar and job/target/lib/*; the image
# sets /opt/pcsr/pcsr-job-spark.jar:/opt/spark/jars/*), PCSR_SMOKE_MODEL, JAVA_HOME.
set -euo pipefail
self="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)" # deploy/ here, /opt/pcsr in the image
here="$(cd "$self/.." && pwd)"

dry=0
tolerance=1e-3
model="${PCSR_SMOKE_MODEL:-}"
images=()
while (($#)); do
  case "$1" in
    --dry-run) dry=1 ;;
    --model) model="$2"; shift ;;
    --tolerance) tolerance="$2"; shift ;;
    -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) images+=("$1") ;;
  esac
  shift
done

fail() { echo "gpu-smoke: $*" >&2; exit 2; }

if [[ -z "$model" ]]; then
  for m in "$here/../shared/reference/checkpoints/carn-pcsr-x4.pth" \
           "$here/../shared/reference/checkpoints/fsrcnn-pcsr-x4.pth"; do
    if [[ -f "$m" ]]; then model="$m"; break; fi
  done
fi
[[ -n "$model" && -f "$model" ]] || fail "no model: pass --model PATH (a PCSR .pth or .safetensors)"
if ((${#images[@]} == 0)); then images=("$self"/samples/*.png); fi

cp="${PCSR_CLASSPATH:-$here/job/target/pcsr-job.jar:$here/job/target/lib/*}"
if [[ -z "${PCSR_CLASSPATH:-}" && ! -f "$here/job/target/pcsr-job.jar" ]]; then
  fail "build first: ./mvnw -B -DskipTests package"
fi
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# as deploy/pcsr and the executors: libtorch's OpenMP threads sleep, not spin, between its operations
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"

if ((!dry)); then
  command -v nvidia-smi >/dev/null || fail "no NVIDIA GPU here (nvidia-smi not found). This check needs one; --dry-run runs both passes on the CPU."
  gpus="$(nvidia-smi -L 2>/dev/null | grep -c '^GPU ' || true)"
  ((gpus > 0)) || fail "no NVIDIA GPU visible (nvidia-smi -L lists none). This check needs one."
  [[ -n "${PYTORCH_LIBRARY_PATH:-}" && -f "${PYTORCH_LIBRARY_PATH%%:*}/libtorch_cuda.so" ]] \
    || fail "no CUDA libtorch: set PYTORCH_LIBRARY_PATH to the lib/ folder of libtorch 2.7.1+cu128 (cxx11 ABI); the executor image has /opt/libtorch/lib"
  # shellcheck source=deploy/libtorch-release.sh
  source "$self/libtorch-release.sh"
  require_libtorch_release "${PYTORCH_LIBRARY_PATH%%:*}"
  export PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cu128
  echo "gpu-smoke: $gpus GPU(s): $(nvidia-smi -L | head -n 1)"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# the image carries GpuSmoke compiled (its JRE may lack the compiler); a checkout runs the source
if [[ -f "$self/gpu-smoke.jar" ]]; then
  cp="$self/gpu-smoke.jar:$cp"
  smoke=(GpuSmoke)
else
  smoke=("$self/GpuSmoke.java")
fi
jvm=(-Xmx4g --add-modules=jdk.incubator.vector -Dai.djl.offline=true -DOPT_OUT_TRACKING=true -Daws.disableEc2Metadata=true
  -Dlog4j2.level=warn -cp "$cp")

echo "gpu-smoke: model $model, ${#images[@]} images"
CUDA_VISIBLE_DEVICES="" "$java" "${jvm[@]}" "${smoke[@]}" run --expect cpu "$model" "$work/cpu.bin" "${images[@]}"
if ((dry)); then
  CUDA_VISIBLE_DEVICES="" "$java" "${jvm[@]}" "${smoke[@]}" run --expect cpu "$model" "$work/other.bin" "${images[@]}"
else
  "$java" "${jvm[@]}" "${smoke[@]}" run --expect gpu "$model" "$work/other.bin" "${images[@]}"
fi
"$java" "${jvm[@]}" "${smoke[@]}" compare "$work/cpu.bin" "$work/other.bin" "$tolerance"
