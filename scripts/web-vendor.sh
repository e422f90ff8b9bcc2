#!/usr/bin/env bash
# Copies the files of the French State design system (DSFR) the web
# application uses from web/node_modules (installed by `npm ci --prefix web`,
# versions pinned in web/package-lock.json) into gateway/web/static/vendor/dsfr,
# which is committed and embedded in the binary: nothing is built or fetched
# at run time.
#
# Only what a page can load is copied: the minified stylesheet and module
# script, the icons that stylesheet references, the favicon and the licence.
# The Marianne font is reserved to State websites: it is copied only with
# WEB_MARIANNE=1 (then enable it with TITREPRO_WEB_MARIANNE=true, see README).
set -euo pipefail
cd "$(dirname "$0")/.."
src=web/node_modules/@gouvfr/dsfr/dist
dst=gateway/web/static/vendor/dsfr
test -f "$src/dsfr.min.css" || { echo "web-vendor: $src missing: run npm ci --prefix web"; exit 1; }
rm -rf "$dst"
mkdir -p "$dst/favicon"
cp "$src/dsfr.min.css" "$src/dsfr.module.min.js" "$dst/"
cp "$src/favicon/favicon.svg" "$src/favicon/favicon.ico" "$src/favicon/apple-touch-icon.png" "$dst/favicon/"
cp web/node_modules/@gouvfr/dsfr/LICENSE.md "$dst/LICENSE.md"
# Every icon the stylesheet points at (url(icons/...)), and nothing else.
grep -o 'url(icons/[^)]*)' "$src/dsfr.min.css" | sed 's/^url(//; s/)$//' | sort -u | while read -r f; do
  mkdir -p "$dst/$(dirname "$f")"
  cp "$src/$f" "$dst/$f"
done
if [ "${WEB_MARIANNE:-0}" = 1 ]; then
  mkdir -p "$dst/fonts"
  cp "$src"/fonts/Marianne-*.woff2 "$dst/fonts/"
fi
version=$(node -p "require('./web/node_modules/@gouvfr/dsfr/package.json').version")
echo "$version" >"$dst/VERSION"
echo "web-vendor: DSFR $version copied to $dst ($(find "$dst" -type f | wc -l) files, $(du -sh "$dst" | cut -f1))"
