#!/usr/bin/env bash
# Fetches real satellite rasters for the tests from Debian packages. They are not committed
# (their licences differ from this project's); tests that need them skip, saying so, when absent.
#
#   r-cran-stars      tif/L7_ETMs.tif: Landsat 7 ETM+, 349x352, 6 bands, Byte, GeoTIFF in
#                     SIRGAS 2000 / UTM zone 25S (Apache-2.0)
#   r-cran-satellite  extdata/LC08_..._B1.TIF: Landsat 8 band 1, Int16 GeoTIFF (GPL-3+)
#
#   deploy/fetch-test-rasters.sh [DIR]      # default: $PCSR_TEST_RASTERS or ~/.cache/pcsr/test-rasters
#
# Needs apt-get (Debian/Ubuntu); only the two .deb files are downloaded and unpacked, nothing
# is installed.
set -euo pipefail
dir="${1:-${PCSR_TEST_RASTERS:-$HOME/.cache/pcsr/test-rasters}}"
mkdir -p "$dir"
if [[ -f "$dir/L7_ETMs.tif" && -f "$dir/LC08_B1_int16.tif" ]]; then
  echo "fetch-test-rasters: already in $dir"
  exit 0
fi
command -v apt-get >/dev/null || { echo "fetch-test-rasters: needs apt-get" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download r-cran-stars r-cran-satellite >/dev/null 2>&1 \
  || { apt-get update >/dev/null && apt-get download r-cran-stars r-cran-satellite >/dev/null; }
for deb in ./*.deb; do
  dpkg-deb -x "$deb" x/
done
cp x/usr/lib/R/site-library/stars/tif/L7_ETMs.tif "$dir/L7_ETMs.tif"
cp x/usr/lib/R/site-library/satellite/extdata/LC08_L1TP_195025_20130707_20170503_01_T1_B1.TIF \
  "$dir/LC08_B1_int16.tif"
echo "fetch-test-rasters: $(ls "$dir" | tr '\n' ' ')in $dir"
