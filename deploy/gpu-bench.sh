#!/usr/bin/env bash
# GPU benchmark for the issue "GPU path ready": on one NVIDIA GPU, through DJL's CUDA libtorch,
# runs `pcsr bench` in float32 and in float16 on one HR image and reports
#   - the chunk size chosen from free device memory (spark.pcsr.engine.chunk=auto),
#   - output megapixels/s per routing setting, float32 and float16,
#   - float16's PSNR change against float32 per setting; FAIL if any |change| > the target.
#
#   deploy/gpu-bench.sh [--model PATH] [--hr IMAGE] [--hr-size WxH] [--original PATH] [--repeat N]
#                       [--target DB]
#   deploy/gpu-bench.sh --dry-run [...]   # same runs on the CPU (1 thread, small image): plumbing only
#
# Needs (except --dry-run): nvidia-smi, and libtorch 2.7.1 for CUDA 12.8 (cxx11 ABI) with
# PYTORCH_LIBRARY_PATH pointing at its lib/ folder (the executor image: /opt/libtorch/lib), or a
# folder made by deploy/gpu-jni/build.sh for the node's own libtorch (the PCSR torch bridge).
# Defaults: CARN-PCSR from ../shared/reference if present (else the bundled FSRCNN-PCSR), the
# demo image test2k-1232 from there (else deploy/samples/astronaut.png), best of 3, target 0.01 dB.
set -euo pipefail
self="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
here="$(cd "$self/.." && pwd)"

dry=0
repeat=3
target=0.01
model=""
hr=""
extra=()
while (($#)); do
  case "$1" in
    --dry-run) dry=1 ;;
    --model) model="$2"; shift ;;
    --hr) hr="$2"; shift ;;
    --hr-size|--original) extra+=("$1" "$2"); shift ;;
    --repeat) repeat="$2"; shift ;;
    --target) target="$2"; shift ;;
    -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "gpu-bench: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

fail() { echo "gpu-bench: $*" >&2; exit 2; }
shared="$here/../shared/reference"
[[ -d "$shared" ]] || shared="$here/shared/reference" # a device machine's copy of the checkout
if [[ -z "$model" && -f "$shared/checkpoints/carn-pcsr-x4.pth" ]]; then
  model="$shared/checkpoints/carn-pcsr-x4.pth"
fi
if [[ -z "$hr" ]]; then
  if ((!dry)) && [[ -f "$shared/images/test2k-1232-hr.png" ]]; then
    hr="$shared/images/test2k-1232-hr.png"
  else
    hr="$self/samples/astronaut.png" # small: the dry run only checks the plumbing
  fi
fi
[[ -f "$hr" ]] || fail "no HR image: $hr"
[[ -z "$model" || -f "$model" ]] || fail "no model file: $model"
[[ -n "${PCSR_CLASSPATH:-}" || -f "$here/job/target/pcsr-job.jar" ]] || fail "build first: ./mvnw -B -DskipTests package"

args=(bench --hr "$hr" --repeat "$repeat" --chunk auto)
[[ -n "$model" ]] && args+=(--model "$model")
args+=("${extra[@]}")
if ((dry)); then
  export CUDA_VISIBLE_DEVICES=""
  args+=(--threads 1)
  expect="cpu()"
else
  command -v nvidia-smi >/dev/null || fail "no NVIDIA GPU here (nvidia-smi not found); --dry-run runs on the CPU."
  [[ -n "${PYTORCH_LIBRARY_PATH:-}" && -f "${PYTORCH_LIBRARY_PATH%%:*}/libtorch_cuda.so" ]] \
    || fail "no CUDA libtorch: set PYTORCH_LIBRARY_PATH to the lib/ folder of libtorch 2.7.1+cu128 (cxx11 ABI)"
  # shellcheck source=deploy/libtorch-release.sh
  source "$self/libtorch-release.sh"
  require_libtorch_release "${PYTORCH_LIBRARY_PATH%%:*}"
  export PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cu128
  nvidia-smi --query-gpu=name,memory.total,memory.free --format=csv,noheader | head -n 1 \
    | sed 's/^/gpu-bench: GPU: /'
  expect="gpu(0)"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for p in float32 float16; do
  echo "gpu-bench: $p: pcsr ${args[*]} --precision $p"
  "$self/pcsr" "${args[@]}" --precision "$p" 2>&1 | grep -v '^SLF4J' | tee "$work/$p.txt"
  grep -q "device $expect," "$work/$p.txt" \
    || fail "$p ran on $(grep -o 'device [^,]*' "$work/$p.txt" | head -n 1), expected $expect"
done

echo
echo "gpu-bench summary ($hr, ${model:-bundled model}):"
grep -o 'device [^,]*, precision [a-z0-9]*, chunk [0-9]* LR pixels' "$work/float16.txt" | sed 's/^/  /'
echo "  output megapixels/s (best of $repeat):"
paste <(grep ' MP/s' "$work/float32.txt" | sed 's/ *model.*//') \
      <(grep ' MP/s' "$work/float16.txt" | sed 's/.* \([0-9.]* MP\/s\).*/\1/') \
  | awk -F'\t' '{printf "    %-40s (float32)   %s (float16)\n", $1, $2}'
# rows of the "float16 vs float32" table: name, "+0.0001 dB", flips, max |diff|
changes="$(awk '/vs float32 \(same setting/{t=1; next} t && / dB /{print} t && /^$/{t=0}' "$work/float16.txt")"
[[ -n "$changes" ]] || fail "no float16 vs float32 table in the bench output"
echo "  float16 vs float32 (target: |PSNR change| <= $target dB):"
echo "$changes" | sed 's/^ */    /'
worst="$(echo "$changes" | awk '{for (i = 1; i < NF; i++) if ($(i+1) == "dB") {v = $i < 0 ? -$i : $i; if (v > m) m = v}} END {printf "%.4f", m}')"
if awk -v w="$worst" -v t="$target" 'BEGIN {exit !(w <= t)}'; then
  echo "gpu-bench: PASS (largest |PSNR change| $worst dB)"
else
  echo "gpu-bench: FAIL (largest |PSNR change| $worst dB > $target dB)"
  exit 1
fi
