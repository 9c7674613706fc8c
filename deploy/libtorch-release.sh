# shellcheck shell=bash
# Sourced by gpu-smoke.sh and gpu-bench.sh. DJL 0.36's JNI is compiled against libtorch 2.7.1 and
# misreads the tensors of other releases (on libtorch 2.11 its first tensor failed with "set_stride
# is not allowed on a Tensor created from .data or .detach()"), so refuse any other release up front,
# unless the folder's libdjl_torch.so is the PCSR torch bridge (deploy/gpu-jni) built for it.
# A libtorch zip names its release in build-version beside lib/; a pip-installed torch in version.py.
require_libtorch_release() { # $1: a lib/ folder
  local lib="$1" want=2.7.1 found="" bridge=""
  if [[ -f "$lib/../build-version" ]]; then
    found="$(head -n 1 "$lib/../build-version")"
  elif [[ -f "$lib/../version.py" ]]; then
    found="$(sed -n "s/^__version__ = '\(.*\)'.*/\1/p" "$lib/../version.py")"
  fi
  if [[ -f "$lib/libdjl_torch.so" ]]; then
    bridge="$(grep -a -o -m 1 'pcsr-torch-bridge libtorch [0-9][^[:cntrl:]]*' "$lib/libdjl_torch.so" | head -n 1)"
    bridge="${bridge##* }"
  fi
  if [[ -n "$bridge" ]]; then
    if [[ -n "$found" && "$found" != "$bridge" ]]; then
      fail "libtorch at $lib is $found but its PCSR torch bridge was built for $bridge: rebuild it with deploy/gpu-jni/build.sh"
    fi
    echo "libtorch: the PCSR torch bridge built for libtorch $bridge stands in for DJL's JNI (inference only)" >&2
    return 0
  fi
  if [[ -n "$found" && "$found" != "$want"* ]]; then
    fail "libtorch at $lib is $found; DJL's PyTorch JNI is built for libtorch $want and does not work with another release. Use a libtorch $want+cu128 (cxx11 ABI) build, or build the PCSR torch bridge for it: deploy/gpu-jni/build.sh."
  fi
}
