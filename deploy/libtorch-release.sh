# shellcheck shell=bash
# Sourced by gpu-smoke.sh and gpu-bench.sh. DJL 0.36's JNI is compiled against libtorch 2.7.1 and
# misreads the tensors of other releases (on libtorch 2.11 its first tensor failed with "set_stride
# is not allowed on a Tensor created from .data or .detach()"), so refuse any other release up front.
# A libtorch zip names its release in build-version beside lib/; a pip-installed torch in version.py.
require_libtorch_release() { # $1: a lib/ folder
  local lib="$1" want=2.7.1 found=""
  if [[ -f "$lib/../build-version" ]]; then
    found="$(head -n 1 "$lib/../build-version")"
  elif [[ -f "$lib/../version.py" ]]; then
    found="$(sed -n "s/^__version__ = '\(.*\)'.*/\1/p" "$lib/../version.py")"
  fi
  if [[ -n "$found" && "$found" != "$want"* ]]; then
    fail "libtorch at $lib is $found; DJL's PyTorch JNI is built for libtorch $want and does not work with another release. Use a libtorch $want+cu128 (cxx11 ABI) build."
  fi
}
