#!/usr/bin/env bash
# vendor_static.sh: reproduce static/vendor/ from pinned npm packages (npm pack into a temp dir, then copy).
set -euo pipefail

HTMX_VERSION="2.0.11"   # htmx.org 2.0.x; do NOT move to 4.x (see STACK-NOTES.md)
AXE_VERSION="4.14.1"    # axe-core: the browser tests' accessibility checker, never served to users

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/static/vendor"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

mkdir -p "$DEST"
cd "$TMP"

npm pack --silent "htmx.org@${HTMX_VERSION}" >/dev/null
tar -xzf "htmx.org-${HTMX_VERSION}.tgz"
cp package/dist/htmx.min.js "$DEST/htmx-${HTMX_VERSION}.min.js"
cp package/LICENSE "$DEST/htmx-${HTMX_VERSION}.LICENSE"

WEUI_VERSION="2.6.26"   # only its licence is copied: the parts used live in static/css/app.css
npm pack --silent "weui@${WEUI_VERSION}" >/dev/null
mkdir weui && tar -xzf "weui-${WEUI_VERSION}.tgz" -C weui
cp weui/package/LICENSE.txt "$DEST/weui-${WEUI_VERSION}.LICENSE.txt"

npm pack --silent "axe-core@${AXE_VERSION}" >/dev/null
mkdir axe && tar -xzf "axe-core-${AXE_VERSION}.tgz" -C axe
cp axe/package/axe.min.js "$ROOT/tests/browser/vendor/axe-${AXE_VERSION}.min.js"
cp axe/package/LICENSE "$ROOT/tests/browser/vendor/axe-${AXE_VERSION}.LICENSE"

echo "vendored htmx ${HTMX_VERSION} into $DEST, axe-core ${AXE_VERSION} into tests/browser/vendor"
ls -l "$DEST"
