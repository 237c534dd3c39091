#!/usr/bin/env bash
# CMAKE_CROSSCOMPILING_EMULATOR: runs a Windows program under Wine.
# Wine's helper processes inherit the program's stdout/stderr and hold them
# open after it exits, which stalls ctest's pipes: send both through files.
set -u
: "${WINEPREFIX:?set WINEPREFIX to a prefix made by scripts/wine-prefix.sh}"
export WINEDEBUG=${WINEDEBUG:--all}
export PATH="$PATH:/usr/lib/wine"  # Debian's wine64 keeps its programs out of PATH
out=$(mktemp)
err=$(mktemp)
wine64 "$@" >"$out" 2>"$err" </dev/null
rc=$?
cat "$out"
cat "$err" >&2
rm -f "$out" "$err"
exit $rc
