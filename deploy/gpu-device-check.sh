#!/usr/bin/env bash
# The GPU checks in one go on a bare NVIDIA host whose only libtorch is a pip torch (no Java, no
# Maven, no network): unpacks a tarball made by deploy/gpu-pack.sh from the same commit, builds
# the PCSR torch bridge against that torch, then runs
#   gpu-smoke.sh  with CARN-PCSR (CPU vs GPU through the executors' code),
#   gpu-bench.sh  CARN-PCSR 2K (with the original CARN), FSRCNN-PCSR 2K, CARN-PCSR 4K,
# each one's output also written to RESULTS_DIR. Exit status: the first check that failed.
#
#   deploy/gpu-device-check.sh PACK.tar.xz [RESULTS_DIR]
#   deploy/gpu-device-check.sh --cpu PACK.tar.xz [RESULTS_DIR]
#     (the same on a CPU with the dry runs: checks the pack's runtime and jars; needs the build's
#      pytorch-native-cpu jar in job/target/lib for DJL's CPU natives)
set -uo pipefail
self="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
here="$(cd "$self/.." && pwd)"
cpu=0
if [[ "${1:-}" == --cpu ]]; then cpu=1; shift; fi
pack=${1:?usage: gpu-device-check.sh [--cpu] PACK.tar.xz [RESULTS_DIR]}
results=${2:-.}
fail() { echo "gpu-device-check: $*" >&2; exit 2; }
[[ -f "$pack" ]] || fail "no pack: $pack (make it with deploy/gpu-pack.sh)"
mkdir -p "$results"

dest="$(mktemp -d)"
trap 'rm -rf "$dest"; rm -f "$self/gpu-smoke.jar"' EXIT
start=$SECONDS
tar -xJf "$pack" -C "$dest" || fail "cannot unpack $pack"
export JAVA_HOME="$dest/jre"
export PCSR_CLASSPATH="$dest/lib/*"
cp "$dest/gpu-smoke.jar" "$self/gpu-smoke.jar" # gpu-smoke.sh runs it when present (no compiler here)
data="$dest/data"
echo "gpu-device-check: unpacked in $((SECONDS - start)) s; $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1)"

dry=()
if ((cpu)); then
  dry=(--dry-run)
  native=("$here"/job/target/lib/pytorch-native-cpu-*.jar)
  [[ -f "${native[0]}" ]] || fail "--cpu needs the build's pytorch-native-cpu jar in job/target/lib"
  PCSR_CLASSPATH="$PCSR_CLASSPATH:${native[0]}"
else
  command -v nvidia-smi > /dev/null || fail "no nvidia-smi here"
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
  torch="$(python3 -c 'import os, torch; print(os.path.dirname(torch.__file__))')" \
    || fail "no Python torch to build the bridge against"
  start=$SECONDS
  JNI_INCLUDE="$JAVA_HOME/include" "$self/gpu-jni/build.sh" "$torch" "$dest/torch" \
    || fail "the torch bridge did not build"
  echo "gpu-device-check: bridge built in $((SECONDS - start)) s"
  export PYTORCH_LIBRARY_PATH="$dest/torch"
fi

status=0
check() { # name, command...
  local name=$1
  shift
  echo "== gpu-device-check: $name: $*"
  local t=$SECONDS
  "$@" 2>&1 | tee "$results/$name.txt"
  local rc=${PIPESTATUS[0]}
  echo "== gpu-device-check: $name: exit $rc after $((SECONDS - t)) s"
  ((rc == 0 || status != 0)) || status=$rc
}
check smoke-carn "$self/gpu-smoke.sh" "${dry[@]}" --model "$data/carn-pcsr-x4.pth"
check bench-carn-2k "$self/gpu-bench.sh" "${dry[@]}" --model "$data/carn-pcsr-x4.pth" \
  --original "$data/carn-x4.pth" --hr "$data/test2k-1232-hr.png"
check bench-fsrcnn-2k "$self/gpu-bench.sh" "${dry[@]}" --model "$data/fsrcnn-pcsr-x4.pth" \
  --original "$data/fsrcnn-x4.pth" --hr "$data/test2k-1232-hr.png"
if ((!cpu)); then
  check bench-carn-4k "$self/gpu-bench.sh" --model "$data/carn-pcsr-x4.pth" \
    --hr "$data/test2k-1232-hr.png" --hr-size 3840x2160
fi
echo "gpu-device-check: $( ((status == 0)) && echo PASS || echo "FAIL (exit $status)")"
exit "$status"
