#!/usr/bin/env bash
# Times two builds of the udf module in one process, round after round in turn, so that both
# meet the same moments of a shared machine (deploy/UdfAb.java says why).
#   deploy/udf-ab.sh JAR_A JAR_B [SETTING] [ROUNDS] [THREADS] [WxH]
# SETTING: k=-25 (all-heavy, the default), k=0 (refined, as bench runs it) or adm; ROUNDS 10;
# THREADS 2; WxH resizes the HR image first (e.g. 3840x2160). The image and checkpoint are
# PCSR_AB_HR and PCSR_AB_MODEL (default: the reference's test2k-1232-hr.png and
# carn-pcsr-x4.pth beside the project). A jar of another commit:
#   git worktree add /tmp/pcsr-old REV
#   (cd /tmp/pcsr-old && ./mvnw -B -q -o -pl udf package -Dmaven.test.skip=true)
#   deploy/udf-ab.sh /tmp/pcsr-old/udf/target/pcsr-udf-*.jar udf/target/pcsr-udf-*.jar
# Needs the job built (its libraries in job/target/lib: ./mvnw -B -q package -Dmaven.test.skip).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
usage="usage: deploy/udf-ab.sh JAR_A JAR_B [SETTING] [ROUNDS] [THREADS] [WxH]"
a=${1:?$usage}
b=${2:?$usage}
reference="$here/../shared/reference"
hr=${PCSR_AB_HR:-$reference/images/test2k-1232-hr.png}
model=${PCSR_AB_MODEL:-$reference/checkpoints/carn-pcsr-x4.pth}
for f in "$a" "$b" "$hr" "$model"; do
  [[ -f $f ]] || { echo "udf-ab: no such file: $f" >&2; exit 2; }
done
libs=$(find "$here/job/target/lib" -name '*.jar' ! -name 'pcsr-udf-*' 2>/dev/null | sort | tr '\n' ':')
[[ -n $libs ]] || { echo "udf-ab: build the job first (job/target/lib is empty)" >&2; exit 2; }
export OPT_OUT_TRACKING=true OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-1073741824}"
export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-4294967296}"
# PCSR_JAVA_OPTS is split into words on purpose (several JVM options)
# shellcheck disable=SC2086
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" ${PCSR_JAVA_OPTS:--Xmx6g -XX:+UseParallelGC} \
  --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -Dai.djl.offline=true -DOPT_OUT_TRACKING=true -cp "$libs" "$here/deploy/UdfAb.java" \
  "$a" "$b" "$hr" "$model" "${3:-k=-25}" "${4:-10}" "${5:-2}" ${6:+"$6"}
