#!/usr/bin/env bash
# Builds the PCSR torch bridge (pcsr_torch_bridge.cpp) against a host's libtorch and lays out a
# folder to use as PYTORCH_LIBRARY_PATH: links to that libtorch's libraries plus the bridge,
# named libdjl_torch.so so that DJL loads it in place of its own JNI. Inference only.
#   deploy/gpu-jni/build.sh TORCH_DIR OUT_DIR
# TORCH_DIR holds include/ and lib/: an unpacked libtorch, or a pip torch
# (python3 -c 'import torch,os; print(os.path.dirname(torch.__file__))').
# JNI headers come from JNI_INCLUDE, else from JAVA_HOME or the javac on PATH. Needs g++ >= 10.
set -euo pipefail
torch=${1:?usage: build.sh TORCH_DIR OUT_DIR}
out=${2:?usage: build.sh TORCH_DIR OUT_DIR}
fail() { echo "gpu-jni/build.sh: $*" >&2; exit 2; }
if [[ -z ${JNI_INCLUDE:-} ]]; then
  jdk=${JAVA_HOME:-}
  [[ -z $jdk ]] && command -v javac > /dev/null && jdk=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
  JNI_INCLUDE=$jdk/include
fi
[[ -f $JNI_INCLUDE/jni.h ]] || fail "no jni.h in '$JNI_INCLUDE': set JNI_INCLUDE, or JAVA_HOME to a JDK"
[[ -f $torch/include/ATen/ATen.h && -f $torch/lib/libtorch_cpu.so ]] \
  || fail "$torch is not a libtorch: it needs include/ATen/ATen.h and lib/libtorch_cpu.so"
command -v "${CXX:-g++}" > /dev/null || fail "no C++ compiler (${CXX:-g++}); set CXX"

release=unknown
if [[ -f $torch/build-version ]]; then release=$(head -n 1 "$torch/build-version")
elif [[ -f $torch/version.py ]]; then release=$(sed -n "s/^__version__ = '\(.*\)'.*/\1/p" "$torch/version.py")
fi
# Every libtorch release since 2.6 (pip and zip alike) uses the C++11 string ABI; older zips came
# in both flavours, and their symbols say which.
abi=1
if command -v nm > /dev/null && ! nm -D --defined-only "$torch/lib/libc10.so" | grep -q __cxx11; then abi=0; fi

mkdir -p "$out"
for f in "$torch"/lib/*.so*; do
  case $(basename "$f") in
    # Python bindings and the shared-memory manager need a Python interpreter; DJL loads every
    # library in the folder, so leave them out.
    libtorch_python.so | libshm* | libtorch_global_deps.so | libdjl_torch.so) ;;
    *) ln -sf "$(readlink -f "$f")" "$out/" ;;
  esac
done
here=$(cd "$(dirname "$0")" && pwd)
${CXX:-g++} -std=c++20 -O2 -fPIC -shared -D_GLIBCXX_USE_CXX11_ABI=$abi \
  -DPCSR_BRIDGE_LIBTORCH="\"$release\"" \
  -I"$JNI_INCLUDE" -I"$JNI_INCLUDE/linux" -isystem "$torch/include" \
  "$here/pcsr_torch_bridge.cpp" -o "$out/libdjl_torch.so" \
  -L"$torch/lib" -Wl,-rpath,"$(readlink -f "$torch/lib")" -ltorch_cpu -lc10
echo "gpu-jni/build.sh: $out is ready for PYTORCH_LIBRARY_PATH (bridge built against libtorch $release)"
