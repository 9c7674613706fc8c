#!/usr/bin/env bash
# spark-submit recipe: the job on YARN with one GPU per executor (see deploy/README.md, "YARN
# with GPUs"). Arguments are those of `pcsr run`:
#
#   deploy/submit-yarn-gpu.sh --input s3a://scans/2026/ --output s3a://scans-sr/2026/ \
#     --model s3a://models/carn-pcsr-x4.pth#sha256=... --adaptive
#
# Needs Hadoop 3.1+ with GPU scheduling (resource type yarn.io/gpu, the NodeManager GPU plugin;
# Spark maps spark.executor.resource.gpu.amount to yarn.io/gpu) and, on every node, either
#  - the executor image (deploy/Dockerfile) through YARN's Docker runtime: PCSR_IMAGE=..., or
#  - libtorch 2.7.1+cu128 unpacked at PCSR_LIBTORCH (default /opt/libtorch/lib).
#
# Environment: SPARK_HOME (its bin/spark-submit), PCSR_APP_JAR (default
# job/target/pcsr-job-spark.jar), PCSR_EXECUTORS (4), PCSR_EXECUTOR_CORES (4),
# PCSR_EXECUTOR_MEMORY (8g), PCSR_MEMORY_OVERHEAD (6g: libtorch and the CUDA context live outside
# the heap), PCSR_QUEUE, PCSR_IMAGE, PCSR_LIBTORCH, PCSR_DRY_RUN=1 (print the command only).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

app_jar="${PCSR_APP_JAR:-$here/job/target/pcsr-job-spark.jar}"
executors="${PCSR_EXECUTORS:-4}"
cores="${PCSR_EXECUTOR_CORES:-4}"
memory="${PCSR_EXECUTOR_MEMORY:-8g}"
overhead="${PCSR_MEMORY_OVERHEAD:-6g}"
libtorch="${PCSR_LIBTORCH:-/opt/libtorch/lib}"
image="${PCSR_IMAGE:-}"
submit="${SPARK_HOME:+$SPARK_HOME/bin/}spark-submit"

# DJL: natives from PYTORCH_LIBRARY_PATH, never downloaded; no call home; its small JNI copy goes
# to the container's working directory (writable, removed with the container, any home dir)
jvm_opts="-Dai.djl.offline=true -DOPT_OUT_TRACKING=true -DDJL_CACHE_DIR=./djl-cache --add-modules=jdk.incubator.vector"
env_conf=()
for target in spark.executorEnv spark.yarn.appMasterEnv; do # executors, and the driver (cluster mode)
  env_conf+=(--conf "$target.DJL_OFFLINE=true" --conf "$target.OPT_OUT_TRACKING=true"
    --conf "$target.DJL_CACHE_DIR=./djl-cache"
    --conf "$target.PYTORCH_LIBRARY_PATH=$libtorch" --conf "$target.PYTORCH_VERSION=2.7.1"
    --conf "$target.PYTORCH_FLAVOR=cu128" --conf "$target.OMP_WAIT_POLICY=PASSIVE")
  if [[ -n "$image" ]]; then
    env_conf+=(--conf "$target.YARN_CONTAINER_RUNTIME_TYPE=docker"
      --conf "$target.YARN_CONTAINER_RUNTIME_DOCKER_IMAGE=$image")
  fi
done

cmd=("$submit" --master yarn --deploy-mode cluster --name pcsr --class io.pcsr.job.PcsrCli
  ${PCSR_QUEUE:+--queue "$PCSR_QUEUE"}
  --num-executors "$executors" --executor-cores "$cores" --executor-memory "$memory"
  --conf "spark.executor.memoryOverhead=$overhead"
  # one GPU per executor, one task per GPU at a time; the task's torch threads = spark.task.cpus
  --conf spark.executor.resource.gpu.amount=1
  --conf spark.task.resource.gpu.amount=1
  --conf "spark.task.cpus=$cores"
  --conf spark.executor.resource.gpu.discoveryScript=./gpu-discovery.sh
  --files "$here/deploy/gpu-discovery.sh"
  --conf "spark.executor.extraJavaOptions=$jvm_opts"
  --conf "spark.driver.extraJavaOptions=$jvm_opts"
  "${env_conf[@]}"
  "$app_jar" run "$@")

if [[ -n "${PCSR_DRY_RUN:-}" ]]; then
  printf '%q ' "${cmd[@]}"
  echo
  exit 0
fi
exec "${cmd[@]}"
