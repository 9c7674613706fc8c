#!/usr/bin/env bash
# A real Spark standalone cluster on this machine, for trying spark-submit and for the cluster
# tests: one master and N workers, each its own JVM, bound to 127.0.0.1 only, run from the Spark
# jars the build copies to job/target/lib (no Spark download). Executors are started by the
# workers, as on any cluster.
#
#   deploy/standalone-cluster.sh start            # master + workers; prints the master URL
#   deploy/standalone-cluster.sh status           # master URL, pids, executors
#   deploy/standalone-cluster.sh submit [SPARK-SUBMIT OPTIONS --] PCSR-RUN-ARGS...
#   deploy/standalone-cluster.sh stop             # stops workers (and their executors), master
#
# submit runs Spark's own entry point (org.apache.spark.deploy.SparkSubmit, client mode) with the
# thin application jar job/target/pcsr-job-spark.jar and class io.pcsr.job.PcsrCli, e.g.
#   deploy/standalone-cluster.sh submit --files model.pth -- run --input in/ --output out/ \
#     --model sparkfiles:model.pth
#
# Settings (environment):
#   PCSR_CLUSTER_DIR     state, logs, worker dirs (default job/target/standalone)
#   PCSR_APP_JAR         the application jar (default job/target/pcsr-job-spark.jar)
#   PCSR_WORKERS         number of workers (default 2)
#   PCSR_WORKER_CORES    cores per worker (default 1)
#   PCSR_WORKER_MEMORY   memory per worker (default 2g)
#   PCSR_EXECUTOR_MEMORY executor heap (default 1g; libtorch memory is outside the heap)
#   PCSR_DRIVER_MEMORY   heap of the submitting JVM, which is the driver (default 1g)
#   DJL_CACHE_DIR        where executors extract libtorch (default ~/.djl.ai; 432 MB once)
#   PCSR_START_TIMEOUT   seconds to wait for the master and each worker (default 180)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lib="$here/job/target/lib"
thin="${PCSR_APP_JAR:-$here/job/target/pcsr-job-spark.jar}"
dir="${PCSR_CLUSTER_DIR:-$here/job/target/standalone}"
workers="${PCSR_WORKERS:-2}"
worker_cores="${PCSR_WORKER_CORES:-1}"
worker_memory="${PCSR_WORKER_MEMORY:-2g}"
executor_memory="${PCSR_EXECUTOR_MEMORY:-1g}"
driver_memory="${PCSR_DRIVER_MEMORY:-1g}"
djl_cache="${DJL_CACHE_DIR:-$HOME/.djl.ai}"
start_timeout="${PCSR_START_TIMEOUT:-180}"
spark_home="$dir/spark-home"

# Spark's module flags for Java 17 (the list deploy/pcsr uses). spark-class would add them; these
# JVMs are started with plain java.
opens=(-XX:+IgnoreUnrecognizedVMOptions
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Dio.netty.tryReflectionSetAccessible=true --enable-native-access=ALL-UNNAMED)

# DJL: never download, never call home; AWS SDK: never ask EC2 instance metadata
djl_opts="-Dai.djl.offline=true -DOPT_OUT_TRACKING=true -Daws.disableEc2Metadata=true -DDJL_CACHE_DIR=$djl_cache --add-modules=jdk.incubator.vector -XX:+UseParallelGC"

export SPARK_HOME="$spark_home"
export SPARK_LOCAL_IP=127.0.0.1
export SPARK_LOCAL_HOSTNAME=127.0.0.1
# what bin/load-spark-env.sh exports in a Spark distribution; the workers' executor launcher
# needs it to find $SPARK_HOME/jars
export SPARK_SCALA_VERSION=2.13
export OPT_OUT_TRACKING=true
export AWS_EC2_METADATA_DISABLED=true

die() { echo "standalone-cluster: $*" >&2; exit 1; }

java_bin() {
  if [[ -n "${JAVA_HOME:-}" ]]; then echo "$JAVA_HOME/bin/java"; else command -v java; fi
}

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# pids of live JVMs whose command line names this cluster's directory (master, workers and the
# executors the workers started), read from /proc
cluster_pids() {
  local p
  for p in /proc/[0-9]*; do
    [[ -r "$p/cmdline" ]] || continue
    if tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qF -- "$spark_home/"; then
      echo "${p#/proc/}"
    fi
  done
}

executor_pids() {
  local pid
  for pid in $(cluster_pids); do
    if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q CoarseGrainedExecutorBackend; then
      echo "$pid"
    fi
  done
}

# The Spark installation the JVMs run from: job/target/lib minus what the thin application jar
# carries (ours, DJL, AWS SDK, ...) and minus the libtorch natives, which a submit ships itself.
# So the cluster has Spark and nothing of the application, as a real one would.
make_spark_home() {
  [[ -d "$lib" && -f "$thin" ]] || die "build first: ./mvnw -B -DskipTests package (needs $lib and $thin)"
  rm -rf "$spark_home"
  mkdir -p "$spark_home/jars" "$spark_home/conf"
  local entries jar first n=0
  entries="$(mktemp)"
  unzip -Z1 "$thin" | sort -u >"$entries"
  for jar in "$lib"/*.jar; do
    case "$(basename "$jar")" in pytorch-native-*) continue ;; esac
    # a jar is identified by its first class (else its first file in a folder), META-INF aside
    first="$(unzip -Z1 "$jar" 2>/dev/null | grep -v -e '^META-INF/' -e 'module-info\.class$' -e '/$' \
      | awk '/\.class$/ { print; found = 1; exit } /\// && !other { other = $0 } END { if (!found && other) print other }' || true)"
    if [[ -n "$first" ]] && grep -qxF -- "$first" "$entries"; then
      continue # packed into the thin jar
    fi
    ln -s "$jar" "$spark_home/jars/"
    n=$((n + 1))
  done
  rm -f "$entries"
  cat >"$spark_home/conf/log4j2.properties" <<'EOF'
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss.SSS} %p %c{1}: %m%n
logger.pcsr.name = io.pcsr
logger.pcsr.level = info
logger.deploy.name = org.apache.spark.deploy
logger.deploy.level = info
logger.executor.name = org.apache.spark.executor.Executor
logger.executor.level = info
logger.backend.name = org.apache.spark.executor.CoarseGrainedExecutorBackend
logger.backend.level = info
logger.dag.name = org.apache.spark.scheduler.DAGScheduler
logger.dag.level = info
logger.djl.name = ai.djl.pytorch
logger.djl.level = info
EOF
  echo "standalone-cluster: Spark home $spark_home ($n Spark jars)"
}

# waits until FILE contains PATTERN (grep -E) or the process in PIDFILE dies
await_log() {
  local file="$1" pattern="$2" pidfile="$3" what="$4" waited=0
  until grep -qE -- "$pattern" "$file" 2>/dev/null; do
    alive "$pidfile" || { tail -n 30 "$file" >&2 || true; die "$what exited; log: $file"; }
    ((waited < start_timeout * 10)) || die "$what not ready after ${start_timeout}s; log: $file"
    sleep 0.1
    waited=$((waited + 1))
  done
}

start() {
  if alive "$dir/master.pid"; then
    die "already running ($(cat "$dir/master-url" 2>/dev/null)); stop it first"
  fi
  make_spark_home
  mkdir -p "$dir/logs"
  local java cp url i
  java="$(java_bin)"
  cp="$spark_home/conf:$spark_home/jars/*"
  "$java" -Xmx512m "${opens[@]}" -Dspark.master.rest.enabled=false -cp "$cp" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port 0 --webui-port 0 >"$dir/logs/master.log" 2>&1 </dev/null &
  echo $! >"$dir/master.pid"
  await_log "$dir/logs/master.log" "Starting Spark master at spark://" "$dir/master.pid" master
  await_log "$dir/logs/master.log" "I have been elected leader" "$dir/master.pid" master
  url="$(grep -oE 'spark://127\.0\.0\.1:[0-9]+' "$dir/logs/master.log" | head -n 1)"
  [[ -n "$url" ]] || die "no master URL in $dir/logs/master.log"
  echo "$url" >"$dir/master-url"
  for ((i = 1; i <= workers; i++)); do
    mkdir -p "$dir/work/worker-$i"
    "$java" -Xmx512m "${opens[@]}" -cp "$cp" org.apache.spark.deploy.worker.Worker \
      --host 127.0.0.1 --port 0 --webui-port 0 --cores "$worker_cores" --memory "$worker_memory" \
      --work-dir "$dir/work/worker-$i" "$url" >"$dir/logs/worker-$i.log" 2>&1 </dev/null &
    echo $! >"$dir/worker-$i.pid"
  done
  for ((i = 1; i <= workers; i++)); do
    await_log "$dir/logs/worker-$i.log" "Successfully registered with master" "$dir/worker-$i.pid" "worker $i"
  done
  echo "standalone-cluster: master $url, $workers workers x $worker_cores cores (logs: $dir/logs)"
}

stop_pid() {
  local pid="$1" waited=0
  kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && ((waited < 150)); do sleep 0.1; waited=$((waited + 1)); done
  if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
}

stop() {
  local f pid
  for f in "$dir"/worker-*.pid "$dir/master.pid"; do
    [[ -f "$f" ]] || continue
    stop_pid "$(cat "$f")"
    rm -f "$f"
  done
  # executors outlive a worker only if it died hard; they are this cluster's, by command line
  for pid in $(cluster_pids); do stop_pid "$pid"; done
  rm -f "$dir/master-url"
  echo "standalone-cluster: stopped"
}

status() {
  local f running=0
  if alive "$dir/master.pid"; then
    echo "master  pid $(cat "$dir/master.pid")  $(cat "$dir/master-url" 2>/dev/null)"
    running=1
  else
    echo "master  not running"
  fi
  for f in "$dir"/worker-*.pid; do
    [[ -f "$f" ]] || continue
    if alive "$f"; then echo "$(basename "$f" .pid)  pid $(cat "$f")"; else echo "$(basename "$f" .pid)  dead"; fi
  done
  local e
  e="$(executor_pids | tr '\n' ' ')"
  echo "executors  ${e:-none}"
  ((running)) || return 3
}

submit() {
  alive "$dir/master.pid" || die "not running: deploy/standalone-cluster.sh start"
  local url native java
  url="$(cat "$dir/master-url")"
  local -a natives=("$lib"/pytorch-native-cpu-*.jar)
  native="${natives[0]}"
  [[ -f "$native" ]] || die "no pytorch-native-cpu jar in $lib"
  local -a submit_opts=() args=("$@")
  for ((i = 0; i < ${#args[@]}; i++)); do
    if [[ "${args[i]}" == "--" ]]; then
      submit_opts=("${args[@]:0:i}")
      args=("${args[@]:i+1}")
      break
    fi
  done
  java="$(java_bin)"
  # defaults first: later --conf options (the caller's) win
  exec "$java" "-Xmx$driver_memory" "${opens[@]}" -Dai.djl.offline=true -DOPT_OUT_TRACKING=true \
    -Daws.disableEc2Metadata=true "-DDJL_CACHE_DIR=$djl_cache" \
    -cp "$spark_home/conf:$spark_home/jars/*" org.apache.spark.deploy.SparkSubmit \
    --master "$url" --deploy-mode client --class io.pcsr.job.PcsrCli --name pcsr \
    --jars "$native" \
    --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \
    --conf spark.ui.enabled=false --conf spark.sql.shuffle.partitions=4 \
    --conf spark.executor.memory="$executor_memory" --conf spark.executor.cores="$worker_cores" \
    --conf "spark.executor.extraJavaOptions=$djl_opts" \
    --conf spark.executorEnv.DJL_OFFLINE=true --conf spark.executorEnv.OPT_OUT_TRACKING=true \
    --conf spark.executorEnv.DJL_CACHE_DIR="$djl_cache" \
    --conf spark.executorEnv.AWS_EC2_METADATA_DISABLED=true \
    --conf spark.executorEnv.SPARK_LOCAL_IP=127.0.0.1 \
    --conf spark.executorEnv.OMP_NUM_THREADS="$worker_cores" \
    --conf spark.executorEnv.OMP_WAIT_POLICY=PASSIVE \
    --conf spark.executorEnv.MALLOC_MMAP_THRESHOLD_=1073741824 \
    --conf spark.executorEnv.MALLOC_TRIM_THRESHOLD_=4294967296 \
    --conf spark.executorEnv.MALLOC_TOP_PAD_=268435456 \
    "${submit_opts[@]}" "$thin" "${args[@]}"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  submit) shift; submit "$@" ;;
  *) sed -n '2,30p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
