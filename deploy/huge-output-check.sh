#!/usr/bin/env bash
# Huge-output check: one 4000x4000 real photo, upscaled x4 to a 16000x16000 BigTIFF on local[2]
# with the JVM capped at 4 GiB (in local mode the driver JVM is the executor). Prints the wall
# time, the peak heap (from the GC log), the peak resident memory (/usr/bin/time) and gdalinfo's
# view of the output.
#
#   deploy/huge-output-check.sh [--keep] [--heap 4g]   # work folder: $PCSR_HUGE_DIR or /tmp/pcsr-huge
#
# The input is a 3391x3391 crop of Kleiber_by_Lukas_Baubkus.jpg (6028x3391, CC-BY-SA-3.0, from
# Debian's lomiri-wallpapers-20.04; no wider real photo ships in Debian) resampled to 4000x4000
# and stored as a tiled DEFLATE TIFF, which the job decodes region by region (the threshold is
# lowered below its 16 M-pixel input for that). Needs apt-get
# (to download that one .deb), gdal-bin and GNU time (Debian package 'time').
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${PCSR_HUGE_DIR:-/tmp/pcsr-huge}"
keep=0
heap=4g
while (($#)); do
  case "$1" in
    --keep) keep=1 ;;
    --heap) heap="$2"; shift ;;
    *) echo "huge-output-check: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
for tool in gdal_translate gdalinfo /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "huge-output-check: needs $tool (apt-get install gdal-bin time)" >&2; exit 2; }
done
mkdir -p "$work/in"
photo="$work/Kleiber_by_Lukas_Baubkus.jpg"
if [[ ! -f "$photo" ]]; then
  # exit 2: a missing prerequisite, not a failed check
  (cd "$work" && { apt-get download lomiri-wallpapers-20.04 >/dev/null 2>&1 \
      || { apt-get update >/dev/null && apt-get download lomiri-wallpapers-20.04 >/dev/null; }; } \
    && dpkg-deb -x lomiri-wallpapers-20.04_*.deb deb \
    && cp deb/usr/share/backgrounds/Kleiber_by_Lukas_Baubkus.jpg "$photo" && rm -rf deb ./*.deb) \
    || { echo "huge-output-check: cannot fetch the test photo (apt-get download lomiri-wallpapers-20.04)" >&2; exit 2; }
fi
input="$work/in/kleiber-4000.tif"
if [[ ! -f "$input" ]]; then
  gdal_translate -q -srcwin 1318 0 3391 3391 -outsize 4000 4000 -r cubic \
    -co TILED=YES -co COMPRESS=DEFLATE "$photo" "$input"
fi
rm -rf "$work/out" "$work/gc.log" "$work/time.txt"

echo "huge-output-check: $(gdalinfo "$input" | grep -m1 '^Size is') input, local[2], -Xmx$heap"
start=$(date +%s.%N)
PCSR_JAVA_OPTS="-Xmx$heap -Xlog:gc:file=$work/gc.log" /usr/bin/time -v -o "$work/time.txt" \
  "$here/deploy/pcsr" run --input "$input" --output "$work/out" --master 'local[2]' \
    --run-id huge --stats-pixels lr --conf spark.pcsr.input.regionDecodePixels=4000000
end=$(date +%s.%N)

out="$work/out/images/kleiber-4000.tif"
[[ -f "$out" ]] || { echo "huge-output-check: FAIL: no output $out" >&2; exit 1; }
size="$(gdalinfo "$out" | grep -m1 '^Size is')"
echo "huge-output-check: output $(du -h "$out" | cut -f1), $size"
[[ "$size" == "Size is 16000, 16000" ]] || { echo "huge-output-check: FAIL: unexpected size" >&2; exit 1; }
head -c 4 "$out" | od -An -tu1 | grep -q ' 73  73  43   0' \
  || { echo "huge-output-check: FAIL: not a little-endian BigTIFF" >&2; exit 1; }
gdalinfo -checksum "$out" >"$work/gdalinfo.txt" 2>&1 \
  || { echo "huge-output-check: FAIL: gdalinfo could not read every tile" >&2; cat "$work/gdalinfo.txt"; exit 1; }
rss_kb="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")"
# "GC(12) Pause Young (Normal) (G1 Evacuation Pause) 1650M->400M(4096M) 12.3ms": the peak in
# use is the largest heap before a collection; what stays live is the largest after one (G1
# lets the heap fill before collecting, and Spark caches up to spark.memory.fraction of it)
peak_mb="$(grep -o '[0-9]*M->[0-9]*M' "$work/gc.log" | cut -dM -f1 | sort -n | tail -1)"
live_mb="$(grep -o '[0-9]*M->[0-9]*M' "$work/gc.log" | cut -d'>' -f2 | tr -d M | sort -n | tail -1)"
printf 'huge-output-check: PASS: wall %s s, heap -Xmx%s: peak in use %s MiB, most live after a GC %s MiB; peak RSS %d MiB\n' \
  "$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.0f", b - a}')" "$heap" "${peak_mb:-?}" \
  "${live_mb:-?}" "$((rss_kb / 1024))"
grep -m3 'Checksum' "$work/gdalinfo.txt" | sed 's/^ */huge-output-check: /'
if ((!keep)); then rm -rf "$work/out"; fi
