#!/usr/bin/env bash
# Creates a private Wine prefix for the Windows tests (first time ~10 s, ~700 MB):
#   WINEPREFIX=build/wineprefix bash scripts/wine-prefix.sh
set -euo pipefail
: "${WINEPREFIX:?set WINEPREFIX}"
export WINEDEBUG=-all
# Debian's wine64 keeps its programs out of PATH.
export PATH="$PATH:/usr/lib/wine"
# No Mono or Gecko: there is no network, and the tests need neither.
export WINEDLLOVERRIDES="mscoree,mshtml="
if [ ! -f "$WINEPREFIX/system.reg" ]; then
    mkdir -p "$WINEPREFIX"
    wine64 wineboot.exe -i >/dev/null 2>&1 </dev/null || true
    wineserver -w
fi
[ -f "$WINEPREFIX/system.reg" ] || { echo "could not create a Wine prefix in $WINEPREFIX" >&2; exit 1; }
