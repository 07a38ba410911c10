#!/usr/bin/env bash
# Re-vendor the report's JavaScript and base map from npm, at exact versions, with licences.
#
#   bash scripts/vendor_report_assets.sh
#
# Writes src/jervis/report/vendor/: the minified browser builds of vega, vega-lite and
# vega-embed, world-atlas's countries-110m TopoJSON (Natural Earth, public domain), each
# package's own LICENSE, THIRD_PARTY_LICENSES.txt (the licence of every package npm installed
# with them, since the builds bundle d3 and friends) and VERSIONS.txt with sha256 sums.
# The report inlines these files into index.html: nothing is fetched when a report is viewed.
set -euo pipefail
cd "$(dirname "$0")/.."
PACKAGES=(vega@6.4.0 vega-lite@6.5.0 vega-embed@7.3.0 world-atlas@2.0.2)
dest=src/jervis/report/vendor
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm init -y >/dev/null && npm install --no-audit --no-fund --ignore-scripts "${PACKAGES[@]}" >/dev/null)
m="$tmp/node_modules"
mkdir -p "$dest"
cp "$m/vega/build/vega.min.js" "$m/vega-lite/build/vega-lite.min.js" \
   "$m/vega-embed/build/vega-embed.min.js" "$m/world-atlas/countries-110m.json" "$dest/"
for p in vega vega-lite vega-embed world-atlas; do cp "$m/$p/LICENSE" "$dest/LICENSE-$p.txt"; done
{
  echo "Licences of every npm package installed with ${PACKAGES[*]}"
  echo "(the vendored builds bundle some of them, e.g. d3-*, topojson-client, vega-tooltip)."
  for dir in "$m"/*/ "$m"/@*/*/; do
    [ -f "$dir/package.json" ] || continue
    lic=$(ls "$dir" | grep -i -E '^(licen[cs]e|copying|unlicense)' | head -1 || true)
    name=$(node -p "const p=require('$dir/package.json'); p.name+'@'+p.version+' ('+(p.license||'see text')+')'")
    echo; echo "==== $name"
    if [ -n "$lic" ]; then cat "$dir/$lic"; else echo "(no licence file in the package)"; fi
  done
} > "$dest/THIRD_PARTY_LICENSES.txt"
{
  echo "Vendored from npm by scripts/vendor_report_assets.sh: ${PACKAGES[*]}"
  (cd "$dest" && sha256sum vega.min.js vega-lite.min.js vega-embed.min.js countries-110m.json)
} > "$dest/VERSIONS.txt"
echo "vendored into $dest"
