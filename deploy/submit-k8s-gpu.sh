#!/usr/bin/env bash
# spark-submit recipe: the job on Kubernetes with one NVIDIA GPU per executor pod (see
# deploy/README.md, "Kubernetes"). Arguments are those of `pcsr run`:
#
#   PCSR_K8S_API=https://k8s.example:6443 PCSR_IMAGE=registry.example/pcsr-spark:0.1.0-cu128 \
#   deploy/submit-k8s-gpu.sh --input s3a://scans/2026/ --output s3a://scans-sr/2026/ \
#     --model s3a://models/carn-pcsr-x4.pth#sha256=... --adaptive
#
# Needs the NVIDIA device plugin on the GPU nodes (it serves the nvidia.com/gpu resource) and an
# image built from deploy/Dockerfile (Spark 4.2, Java 17, the thin jar, libtorch 2.7.1+cu128).
# Spark sets the executor pods' nvidia.com/gpu limit from spark.executor.resource.gpu.{vendor,amount}.
#
# Environment: SPARK_HOME (its bin/spark-submit), PCSR_K8S_API (required), PCSR_IMAGE (required),
# PCSR_NAMESPACE (default), PCSR_SERVICE_ACCOUNT (spark), PCSR_EXECUTORS (4),
# PCSR_EXECUTOR_CORES (4), PCSR_EXECUTOR_MEMORY (8g), PCSR_MEMORY_OVERHEAD (6g),
# PCSR_DRY_RUN=1 (print the command only).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

api="${PCSR_K8S_API:-}"
image="${PCSR_IMAGE:-}"
if [[ -z "$api" || -z "$image" ]]; then
  echo "submit-k8s-gpu: set PCSR_K8S_API (the API server URL) and PCSR_IMAGE (built from deploy/Dockerfile)" >&2
  exit 2
fi
cores="${PCSR_EXECUTOR_CORES:-4}"
submit="${SPARK_HOME:+$SPARK_HOME/bin/}spark-submit"
# DJL: natives in the image (PYTORCH_LIBRARY_PATH), never downloaded, no call home; the JNI copy
# goes to /tmp (an emptyDir in the pod template), so a read-only root filesystem is fine
jvm_opts="-Dai.djl.offline=true -DOPT_OUT_TRACKING=true -DDJL_CACHE_DIR=/tmp/djl-cache --add-modules=jdk.incubator.vector"

cmd=("$submit" --master "k8s://$api" --deploy-mode cluster --name pcsr --class io.pcsr.job.PcsrCli
  --conf "spark.kubernetes.container.image=$image"
  --conf "spark.kubernetes.namespace=${PCSR_NAMESPACE:-default}"
  --conf "spark.kubernetes.authenticate.driver.serviceAccountName=${PCSR_SERVICE_ACCOUNT:-spark}"
  --conf "spark.kubernetes.executor.podTemplateFile=$here/deploy/k8s/executor-pod-template.yaml"
  --conf "spark.executor.instances=${PCSR_EXECUTORS:-4}"
  --conf "spark.executor.cores=$cores"
  --conf "spark.executor.memory=${PCSR_EXECUTOR_MEMORY:-8g}"
  --conf "spark.executor.memoryOverhead=${PCSR_MEMORY_OVERHEAD:-6g}"
  # one GPU per executor pod, one task per GPU at a time; torch threads = spark.task.cpus
  --conf spark.executor.resource.gpu.amount=1
  --conf spark.executor.resource.gpu.vendor=nvidia.com
  --conf spark.executor.resource.gpu.discoveryScript=/opt/pcsr/gpu-discovery.sh
  --conf spark.task.resource.gpu.amount=1
  --conf "spark.task.cpus=$cores"
  --conf "spark.executor.extraJavaOptions=$jvm_opts"
  --conf "spark.driver.extraJavaOptions=$jvm_opts"
  --conf spark.executorEnv.DJL_OFFLINE=true --conf spark.executorEnv.OPT_OUT_TRACKING=true
  --conf spark.executorEnv.DJL_CACHE_DIR=/tmp/djl-cache
  --conf spark.executorEnv.OMP_WAIT_POLICY=PASSIVE
  --conf spark.kubernetes.driverEnv.DJL_OFFLINE=true --conf spark.kubernetes.driverEnv.OPT_OUT_TRACKING=true
  --conf spark.kubernetes.driverEnv.DJL_CACHE_DIR=/tmp/djl-cache
  local:///opt/pcsr/pcsr-job-spark.jar run "$@")

if [[ -n "${PCSR_DRY_RUN:-}" ]]; then
  printf '%q ' "${cmd[@]}"
  echo
  exit 0
fi
exec "${cmd[@]}"
