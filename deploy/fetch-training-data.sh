#!/usr/bin/env bash
# Fetches the real photographs `pcsr train` learns from, out of Debian bookworm packages, into a
# git-ignored folder (default: data/ at the project root). Nothing is installed: each package is
# fetched with `apt-get download` and unpacked with `dpkg-deb -x`, then the chosen photos are
# copied into
#
#   DATA/train/photos/   used as they are (PNG, or small JPEGs)
#   DATA/train/halve/    heavily compressed wallpapers: the trainer shrinks them x2 first
#                        (MATLAB-style bicubic, antialiased) so JPEG blocks do not become "detail"
#   DATA/val/photos/     validation split, held out from training
#   DATA/val/halve/      validation wallpapers, shrunk x2 at load like their training siblings
#
# plus DATA/SOURCES.tsv (package, version, path in package, destination, licence).
# Packages and licences: see MODEL_CARD.md. Reserved for evaluation and never used here:
# palapeli-data, digikam-data, libjxl-testdata. flightgear-data-base (1.34 GB) is left out to
# keep the download small (~280 MB of .debs).
#
# Usage: deploy/fetch-training-data.sh [DATA_DIR]     (needs apt-get and dpkg-deb, Debian 12)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="$(mkdir -p "${1:-$here/data}" && cd "${1:-$here/data}" && pwd)"
debs="$data/debs"
ex="$data/extract"
mkdir -p "$debs" "$ex"

packages=(lomiri-wallpapers-16.04 plasma-workspace-wallpapers mate-backgrounds tuxpaint-data
  python3-skimage opencv-doc)

if [[ -n "${PCSR_APT_UPDATE:-}" ]]; then
  apt-get update -qq
fi
for p in "${packages[@]}"; do
  if ! compgen -G "$debs/${p}_*.deb" >/dev/null; then
    (cd "$debs" && apt-get download -q "$p")
  fi
done
for d in "$debs"/*.deb; do
  pkg="$(dpkg-deb -f "$d" Package)"
  if [[ ! -d "$ex/$pkg" ]]; then
    dpkg-deb -x "$d" "$ex/$pkg.tmp" && mv "$ex/$pkg.tmp" "$ex/$pkg"
  fi
done

rm -rf "$data/train" "$data/val"
mkdir -p "$data/train/photos" "$data/train/halve" "$data/val/photos" "$data/val/halve"
sources="$data/SOURCES.tsv"
printf 'package\tversion\tpath\tdestination\tlicence\n' >"$sources"

# take PKG SPLIT(train|val) KIND(photos|halve) LICENCE PATH [NAME]
take() {
  local pkg="$1" split="$2" kind="$3" licence="$4" path="$5" name="${6:-}"
  local src="$ex/$pkg$path"
  if [[ ! -f "$src" ]]; then
    echo "fetch-training-data: missing $pkg:$path" >&2
    return 1
  fi
  [[ -n "$name" ]] || name="$pkg--$(basename "$path")"
  local dest="$split/$kind/$name"
  cp "$src" "$data/$dest"
  local version
  version="$(dpkg-deb -f "$debs/${pkg}"_*.deb Version)"
  printf '%s\t%s\t%s\t%s\t%s\n' "$pkg" "$version" "$path" "$dest" "$licence" >>"$sources"
}

# --- lomiri-wallpapers-16.04: per-file CC-BY-4.0 / CC-BY-SA-4.0 / CC0-1.0 (see its copyright) ---
lomiri=/usr/share/backgrounds
lic_lomiri="CC-BY-4.0/CC-BY-SA-4.0/CC0-1.0 per file (debian/copyright)"
for f in Bridge_by_Sander_Klootwijk Dragonfly_by_Bolly Picture_0B_by_freespace Wine_by_Jakkub_Mede \
    aitzgorri_by_Aitzol_Berasategi analogpattern_by_Peter_Nerlich free_by_Peter_Nerlich \
    friends_by_Aitzol_Berasategi greentock_by_Peter_Nerlich life_by_Aitzol_Berasategi \
    picosdeeuropa_by_Aitzol_Berasategi; do
  take lomiri-wallpapers-16.04 train halve "$lic_lomiri" "$lomiri/$f.jpg"
done
take lomiri-wallpapers-16.04 val halve "$lic_lomiri" "$lomiri/Picture_1A_by_freespace.jpg"

# --- plasma-workspace-wallpapers: GPL-2+ (Debian), LGPL-3 / CC-BY-SA-4.0 (Volna) per metadata ---
for w in BytheWater ColdRipple ColorfulCups EveningGlow Grey OneStandsOut summer_1am; do
  take plasma-workspace-wallpapers train halve "GPL-2+ / LGPL-3 (metadata.json)" \
    "/usr/share/wallpapers/$w/contents/images/2560x1600.jpg" "plasma--$w.jpg"
done
take plasma-workspace-wallpapers train halve "CC-BY-SA-4.0 (metadata.json)" \
  "/usr/share/wallpapers/Volna/contents/images/5120x2880.jpg" "plasma--Volna.jpg"
take plasma-workspace-wallpapers val halve "GPL-2+ / LGPL-3 (metadata.json)" \
  "/usr/share/wallpapers/Path/contents/images/2560x1600.jpg" "plasma--Path.jpg"

# --- mate-backgrounds nature photos: GPL-2+ (mostly bokeh; flat crops are rejected anyway) ---
for f in TwoWings Wood GreenMeadow Aqua Blinds; do
  take mate-backgrounds train halve "GPL-2+" "/usr/share/backgrounds/mate/nature/$f.jpg"
done
take mate-backgrounds val halve "GPL-2+" "/usr/share/backgrounds/mate/nature/Dune.jpg"

# --- tuxpaint-data templates (real photos): GPL-2+ ---
tux=/usr/share/tuxpaint/templates
for f in burnt_bark cliff corn_maze lighthouse mossy_bark mossy_log mudstone ocean_splash ocean_waves \
    redwoods_above rocks sheep spiders_web sun_behind_leaves trees_at_dusk; do
  take tuxpaint-data train photos "GPL-2+" "$tux/$f.jpg"
done
take tuxpaint-data val photos "GPL-2+" "$tux/trees_above.jpg"
take tuxpaint-data val photos "GPL-2+" "$tux/wool_mill_machine.jpg"

# --- python3-skimage data: BSD-3-Clause ---
sk=/usr/lib/python3/dist-packages/skimage/data
for f in chelsea.png rocket.jpg hubble_deep_field.jpg motorcycle_left.png motorcycle_right.png \
    camera.png brick.png grass.png gravel.png coins.png; do
  take python3-skimage train photos "BSD-3-Clause" "$sk/$f"
done
take python3-skimage val photos "BSD-3-Clause" "$sk/astronaut.png"
take python3-skimage val photos "BSD-3-Clause" "$sk/coffee.png"

# --- opencv-doc examples: Apache-2.0 AND BSD-3-Clause ---
cv=/usr/share/doc/opencv-doc/examples
lic_cv="Apache-2.0 AND BSD-3-Clause"
for f in data/aero1.jpg data/aero3.jpg data/fruits.jpg data/home.jpg data/leuvenA.jpg data/messi5.jpg \
    data/squirrel_cls.jpg data/graf1.png data/rubberwhale1.png data/aloeL.jpg data/box_in_scene.png \
    text/scenetext01.jpg text/scenetext02.jpg text/scenetext03.jpg text/scenetext04.jpg \
    text/scenetext06.jpg alphamat/input_images/plant.jpg hfs/data/000.jpg hfs/data/002.jpg; do
  take opencv-doc train photos "$lic_cv" "$cv/$f" "opencv-doc--${f//\//_}"
done
take opencv-doc val photos "$lic_cv" "$cv/data/baboon.jpg" "opencv-doc--data_baboon.jpg"
take opencv-doc val photos "$lic_cv" "$cv/data/building.jpg" "opencv-doc--data_building.jpg"
take opencv-doc val photos "$lic_cv" "$cv/dnn_superres/butterfly.png" "opencv-doc--dnn_superres_butterfly.png"

for s in train val; do
  echo "fetch-training-data: $s: $(find "$data/$s" -type f | wc -l) images, $(du -sh "$data/$s" | cut -f1)"
done
echo "fetch-training-data: sources in $sources"
