#!/usr/bin/env bash
# Packs what the GPU checks (gpu-smoke.sh, gpu-bench.sh) need on a GPU host that has no Java and
# no Maven into one xz tarball, small enough to copy over a narrow link (about 45 MB with
# CARN-PCSR, FSRCNN-PCSR and one 2K image). Inside:
#   jre/            a Java 17 runtime cut with jlink, JNI headers kept (the torch bridge needs them)
#   lib/            the build's jars, stored uncompressed so that xz compresses them; the four
#                   largest keep only the classes the checks load
#   gpu-smoke.jar   deploy/GpuSmoke.java compiled (a jlinked runtime has no compiler)
#   data/           the models and images given with --with
#
#   deploy/gpu-pack.sh OUT.tar.xz [--with FILE]...
#
# Which classes the checks load is read from the JVM's class-loading log of both checks' dry
# runs on this machine, so the pack follows the code. A class that only a GPU run loads from a
# trimmed jar would be missing: the trimmed jars are Spark's, Hadoop's and ICU's, which the
# device code does not reach. Then on the GPU host, from a checkout of the same commit:
#   deploy/gpu-device-check.sh OUT.tar.xz
set -euo pipefail
self="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
here="$(cd "$self/.." && pwd)"
tarball=${1:?usage: gpu-pack.sh OUT.tar.xz [--with FILE]...}
shift
with=()
while (($#)); do
  case "$1" in
    --with) with+=("$2"); shift ;;
    *) echo "gpu-pack: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
fail() { echo "gpu-pack: $*" >&2; exit 2; }
[[ -f "$here/job/target/pcsr-job.jar" ]] || fail "build first: ./mvnw -B -DskipTests package"
jdk="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
[[ -d "$jdk/jmods" ]] || fail "no jmods in $jdk: jlink needs a full JDK (set JAVA_HOME)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
out="$work/pack"
mkdir -p "$out/lib" "$out/data"

# 1. GpuSmoke compiled against the build
"$jdk/bin/javac" -nowarn -d "$work/smoke" -cp "$here/job/target/pcsr-job.jar:$here/job/target/lib/*" \
  "$self/GpuSmoke.java"
"$jdk/bin/jar" --create --file "$out/gpu-smoke.jar" -C "$work/smoke" .

# 2. what the checks load: both dry runs, logged
echo "gpu-pack: dry runs of gpu-smoke.sh and gpu-bench.sh, logging class loads..."
export JAVA_TOOL_OPTIONS="-Xlog:class+load=info:file=$work/loads-%p.txt"
cp "$out/gpu-smoke.jar" "$self/gpu-smoke.jar" # gpu-smoke.sh runs it when present
"$self/gpu-smoke.sh" --dry-run > "$work/smoke.txt" 2>&1 || { rm -f "$self/gpu-smoke.jar"; cat "$work/smoke.txt"; fail "gpu-smoke.sh --dry-run failed"; }
rm -f "$self/gpu-smoke.jar"
"$self/gpu-bench.sh" --dry-run --repeat 1 > "$work/bench.txt" 2>&1 || { cat "$work/bench.txt"; fail "gpu-bench.sh --dry-run failed"; }
unset JAVA_TOOL_OPTIONS
cat "$work"/loads-*.txt > "$work/loads.txt"

# 3. jars, re-stored without compression (xz packs class files far tighter than zip's deflate):
# small ones whole, large ones down to the loaded classes (their resources kept)
trim=(hadoop-client-runtime hadoop-client-api spark-core_ icu4j)
for jar in "$here/job/target/pcsr-job.jar" \
    $(grep -o 'source: file:[^ ]*\.jar' "$work/loads.txt" | sed 's/source: file://' | sort -u); do
  name="$(basename "$jar")"
  [[ "$name" == gpu-smoke.jar || -f "$out/lib/$name" ]] && continue
  dir="$work/x/$name"
  mkdir -p "$dir"
  (cd "$dir" && "$jdk/bin/jar" --extract --file "$jar")
  for t in "${trim[@]}"; do
    [[ "$name" == "$t"* ]] || continue
    grep -F "source: file:$jar" "$work/loads.txt" | awk '{print $2}' | tr . / | sed 's/$/.class/' \
      | sort -u > "$work/keep.txt"
    (cd "$dir" && find . -name '*.class' | sed 's|^\./||' | sort > "$work/all.txt" \
      && comm -23 "$work/all.txt" "$work/keep.txt" | xargs -r rm -f)
    rm -f "$dir"/META-INF/*.SF "$dir"/META-INF/*.RSA "$dir"/META-INF/*.DSA # signatures no longer match
  done
  "$jdk/bin/jar" --create --no-compress --file "$out/lib/$name" -C "$dir" .
  rm -rf "$dir"
done

# 4. runtime: the modules the checks load, plus those Spark's and netty's classes reach reflectively
modules="$(grep -o 'source: jrt:/[^ ]*' "$work/loads.txt" | sed 's|source: jrt:/||' | sort -u \
  | grep -v -x -e jdk.compiler -e java.compiler -e jdk.javadoc -e jdk.localedata -e jdk.management.jfr \
  | paste -sd, -)"
modules="$modules,jdk.unsupported,java.instrument"
# uncompressed for xz, as the jars; the JVM's own symbols stripped (a third of its size)
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --compress=0 --output "$out/jre"
if command -v strip > /dev/null; then strip --strip-unneeded "$out/jre/lib/server/libjvm.so"; fi

# 5. data, then the tarball
for f in "${with[@]}"; do cp "$f" "$out/data/"; done
echo "gpu-pack: compressing $(du -sh "$out" | cut -f1) ($(find "$out/lib" -name "*.jar" | wc -l) jars; modules $modules)..."
tar -cf - -C "$out" . | xz -6 -T0 > "$tarball"
echo "gpu-pack: $tarball: $(du -h "$tarball" | cut -f1)"
