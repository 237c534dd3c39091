#!/usr/bin/env bash
# The package as Windows users get it, tested by the official Windows CPython
# under Wine:
#   bash scripts/win-pytest.sh 3.11 [full|smoke|bench|bench-full]
# 1. cross-builds the win_amd64 wheel (scripts/win-wheel.sh), unless
#    PYSENS2_WIN_WHEELS_BUILT=1 says it is in build/win-wheelhouse already;
# 2. installs it with pip, run by that Windows CPython, with the test extra's
#    win_amd64 wheels from PyPI (downloaded here; Wine's pip reads them from disk);
# 3. runs the pytest suite (full) or the installed-package, Event System,
#    delivery and CLI tests (smoke) there, importing the installed package;
#    or (bench) the benchmarks' Windows part, short (--quick): pysens2 beside
#    the pywin32 SENS recipe and comtypes, failing only if one gives no
#    figures; bench-full: the whole Windows part (about 12 minutes).
# Needs WINEPREFIX (scripts/wine-prefix.sh), a running wineserver, and the
# Event System stand-in DLL built by the Windows C++ tier, named in
# PYSENS2_FAKE_EVENT_SYSTEM (a Unix path).
set -euo pipefail
VERSION=${1:?usage: win-pytest.sh X.Y [full|smoke]}
MODE=${2:-full}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${PYSENS2_BUILD_DIR:-$ROOT/build}
PYTHON=${PYTHON:-python3}
TAG=cp${VERSION/./}
PYEXE=$BUILD/winpy/$TAG/python/python.exe
DEPS=$BUILD/win-deps/$TAG
WHEELS=$BUILD/win-wheelhouse
: "${WINEPREFIX:?set WINEPREFIX to a prefix made by scripts/wine-prefix.sh}"
: "${PYSENS2_FAKE_EVENT_SYSTEM:?set PYSENS2_FAKE_EVENT_SYSTEM to the stand-in DLL}"
export WINEDEBUG=${WINEDEBUG:--all}
export PATH="$PATH:/usr/lib/wine"

# scripts/test.sh builds the wheels itself (PYSENS2_WIN_WHEELS_BUILT=1).
if [ "${PYSENS2_WIN_WHEELS_BUILT:-0}" != "1" ]; then
    bash "$ROOT/scripts/win-wheel.sh" "$VERSION" "$WHEELS"
fi
ls "$WHEELS"/pysens2-*-"$TAG"-"$TAG"-win_amd64.whl >/dev/null

# The test extra, as pyproject.toml lists it, for win_amd64 (markers dropped:
# they are evaluated on this Linux host by `pip download`). colorama is
# pytest's Windows-only dependency. mypy 2 parses with a Rust extension that
# imports bcryptprimitives.dll, which Wine 8 lacks: mypy 1.x runs stubtest
# (one constraints file for the downloads and the install).
mapfile -t REQS < <("$PYTHON" - "$ROOT/pyproject.toml" <<'EOF'
import sys, tomllib
deps = tomllib.load(open(sys.argv[1], "rb"))["project"]["optional-dependencies"]["test"]
for d in deps:
    print(d.split(";")[0].strip())
print("colorama")
print("pip")
EOF
)
CONSTRAINTS=$BUILD/win-constraints.txt
printf '%s\n' 'mypy<2' >"$CONSTRAINTS"
mkdir -p "$DEPS"
win_download() {  # win_amd64 wheels for this Python version into $DEPS
    "$PYTHON" -m pip download -q --only-binary=:all: --platform win_amd64 --implementation cp \
        --python-version "$VERSION" --abi "$TAG" -c "$CONSTRAINTS" -d "$DEPS" "$@"
}
win_download "${REQS[@]}"
PIPWHL=$(ls "$DEPS"/pip-*.whl | sort -V | tail -1)

# Windows python.exe aborts when a standard stream is a regular file (Wine):
# stdin from /dev/null, output through a pipe.
winpy() { wine64 "$PYEXE" -X utf8 "$@" </dev/null 2>&1 | cat; }

echo "--- Windows CPython $VERSION: pip install pysens2[test] from the cross-built wheel"
winpy "$PIPWHL/pip" uninstall -q -y pysens2 >/dev/null || true
# `pip download` evaluates environment markers for this host's Python, so a
# dependency that only the target version needs (exceptiongroup on 3.9, say)
# is missing from $DEPS: Windows pip names it, it is fetched, pip runs again.
for attempt in 1 2 3 4 5 6 7 8; do
    if out=$(winpy "$PIPWHL/pip" install -q --no-index --no-compile --no-warn-script-location \
        --find-links "$DEPS" --find-links "$WHEELS" -c "$CONSTRAINTS" "pysens2[test]"); then
        break
    fi
    missing=$(printf '%s\n' "$out" | sed -n 's/.*No matching distribution found for \([^;]*\).*/\1/p' | head -1)
    if [ -z "$missing" ] || [ "$attempt" = 8 ]; then printf '%s\n' "$out" >&2; exit 1; fi
    echo "fetching $missing for Windows CPython $VERSION"
    win_download "$(echo "$missing" | tr -d ' ')"
done

# A Windows path for the stand-in (Wine maps drive Z: to /).
PYSENS2_FAKE_EVENT_SYSTEM="Z:$(realpath "$PYSENS2_FAKE_EVENT_SYSTEM" | tr / '\\')"
export PYSENS2_FAKE_EVENT_SYSTEM
case $MODE in
    full) TESTS=(tests) ;;
    smoke) TESTS=(tests/test_installed_package.py tests/test_windows_event_system.py
        tests/test_delivery.py tests/test_cli.py tests/test_windows_wts.py) ;;
    bench | bench-full)
        ARGS="'--part', 'windows'" SHOWN="--part windows"
        if [ "$MODE" = bench ]; then ARGS="$ARGS, '--quick'" SHOWN="$SHOWN --quick"; fi
        echo "--- Windows CPython $VERSION under Wine: python -m benchmarks $SHOWN"
        cd "$ROOT"
        # Not `-m benchmarks`: the embeddable CPython ignores the working
        # directory and PYTHONPATH (its ._pth file).
        winpy -c "import sys; sys.path.insert(0, '.'); from benchmarks.suite import main; \
sys.exit(main([$ARGS]))"
        exit 0
        ;;
    *) echo "win-pytest.sh: mode must be full, smoke, bench or bench-full" >&2; exit 2 ;;
esac
echo "--- Windows CPython $VERSION under Wine: pytest ($MODE)"
cd "$ROOT"
# Every test runs; the exit and stress tests repeat 5x less (each process
# start costs far more under Wine): tests/conftest.py, PYSENS2_TEST_SCALE.
PYSENS2_TEST_SCALE=${PYSENS2_TEST_SCALE:-0.2} winpy -m pytest "${TESTS[@]}" -p no:cacheprovider -q \
    --durations=5
