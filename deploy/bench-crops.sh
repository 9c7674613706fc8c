#!/usr/bin/env bash
# Makes the Spark benchmark's input: 16 crops of 640x360 (a 4x4 grid, corners included) of
# Kleiber_by_Lukas_Baubkus.jpg (6028x3391, CC-BY-SA-3.0, Debian's lomiri-wallpapers-20.04),
# as PNG. With x4 models that is 59.0 output megapixels.
#   deploy/bench-crops.sh OUT_DIR [PHOTO]
# PHOTO defaults to /tmp/pcsr-huge/Kleiber_by_Lukas_Baubkus.jpg (where huge-output-check.sh
# puts it) and is fetched with apt-get download when missing. Needs only a JDK.
set -euo pipefail
out=${1:?usage: deploy/bench-crops.sh OUT_DIR [PHOTO]}
photo=${2:-/tmp/pcsr-huge/Kleiber_by_Lukas_Baubkus.jpg}
if [[ ! -f $photo ]]; then
  work=$(mktemp -d)
  (cd "$work" && { apt-get download lomiri-wallpapers-20.04 >/dev/null 2>&1 \
      || { apt-get update >/dev/null && apt-get download lomiri-wallpapers-20.04 >/dev/null; }; } \
    && dpkg-deb -x lomiri-wallpapers-20.04_*.deb deb) \
    || { echo "bench-crops: cannot fetch the photo (apt-get download lomiri-wallpapers-20.04)" >&2; exit 2; }
  mkdir -p "$(dirname "$photo")"
  cp "$work/deb/usr/share/backgrounds/Kleiber_by_Lukas_Baubkus.jpg" "$photo"
  rm -rf "$work"
fi
mkdir -p "$out"
java "$(dirname "$0")/BenchCrops.java" "$photo" "$out"
echo "bench-crops: 16 crops of 640x360 in $out"
