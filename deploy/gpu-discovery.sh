#!/usr/bin/env bash
# Spark resource discovery script for GPUs (spark.executor.resource.gpu.discoveryScript): prints
# the GPUs this executor's container can see, as Spark expects:
#   {"name": "gpu", "addresses": ["0", "1"]}
# Addresses are the indexes nvidia-smi reports, i.e. CUDA device numbers inside the container
# (YARN and Kubernetes isolate GPUs, so an executor asking for one sees exactly one, as "0").
# With no nvidia-smi or no GPU it prints an empty list, and Spark refuses to start an executor
# that asked for GPUs, naming the shortfall.
set -euo pipefail
addresses=()
if command -v nvidia-smi >/dev/null 2>&1; then
  while IFS= read -r index; do
    index="${index//[[:space:]]/}"
    [[ "$index" =~ ^[0-9]+$ ]] && addresses+=("\"$index\"")
  done < <(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null || true)
fi
joined="$(IFS=,; echo "${addresses[*]:-}")"
echo "{\"name\": \"gpu\", \"addresses\": [${joined//,/, }]}"
