#!/usr/bin/env bash
# EMR bootstrap action (runs on every node before YARN starts): puts what the PCSR executors need
# where deploy/emr/step.json expects it. Fetches at bootstrap time, never while the job runs:
#   /opt/libtorch/lib          libtorch 2.7.1 for CUDA 12.8 (cxx11 ABI), DJL 0.36's cu128 JNI target
#   /opt/pcsr/gpu-discovery.sh Spark's GPU discovery script
# Arguments: S3 prefix holding gpu-discovery.sh and the libtorch zip you mirrored there, e.g.
#   s3://YOUR-BUCKET/pcsr/bootstrap   (libtorch-cxx11-abi-shared-with-deps-2.7.1+cu128.zip)
# and optionally its sha256.
set -euo pipefail
prefix="${1:?usage: bootstrap-pcsr.sh s3://BUCKET/PREFIX [LIBTORCH_SHA256]}"
sha="${2:-}"
zip="libtorch-cxx11-abi-shared-with-deps-2.7.1+cu128.zip"
sudo mkdir -p /opt/pcsr
aws s3 cp "$prefix/gpu-discovery.sh" /tmp/gpu-discovery.sh
sudo install -m 0755 /tmp/gpu-discovery.sh /opt/pcsr/gpu-discovery.sh
aws s3 cp "$prefix/$zip" /tmp/libtorch.zip
if [[ -n "$sha" ]]; then echo "$sha  /tmp/libtorch.zip" | sha256sum -c -; fi
sudo unzip -q -o /tmp/libtorch.zip -d /opt
rm -f /tmp/libtorch.zip
test -f /opt/libtorch/lib/libtorch_cuda.so
