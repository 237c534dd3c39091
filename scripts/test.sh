#!/usr/bin/env bash
# The whole test suite, set-up included: `bash scripts/test.sh`.
#
# Tiers:
#   python      build and install the package (warnings as errors), ruff, mypy, pytest
#   cpp         C++ unit tests with ctest (needs Debian's doctest-dev)
#   logind      the logind backend's tests against a private dbus-daemon with
#               python-dbusmock's logind template, in every pytest run, and the
#               Linux benchmark's --quick run (dbus, python3-dbusmock)
#   sanitizers  C++ tests under ASan+UBSan and TSan, pytest against an ASan+UBSan module
#   fuzz        libFuzzer on the sink for PYSENS2_FUZZ_SECONDS (clang-14, libclang-rt-14-dev)
#   windows     the Windows backend cross-built with mingw-w64, its tests under Wine
#               (g++-mingw-w64-x86-64-posix, wine64, wine64-tools, libwine-dev)
#   windows-python  the win_amd64 wheel cross-built for Windows CPython 3.9, 3.11
#               and 3.13, installed with pip and tested by that interpreter under
#               Wine: the whole pytest suite on 3.13, a smoke run on 3.9 and 3.11,
#               and on 3.11 the benchmarks' Windows part (--quick) against the
#               pywin32 SENS recipe and comtypes (also mingw-w64-tools; Windows
#               CPython and headers are downloaded)
# Run as root, it installs the Debian packages a tier needs. Otherwise a tier
# whose packages are missing is skipped with a message - unless CI=true or
# PYSENS2_REQUIRE_ALL_TIERS=1, where a skipped tier is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${PYSENS2_BUILD_DIR:-$ROOT/build}
PYTHON=${PYTHON:-python3}
REQUIRE_ALL=0
if [ "${CI:-}" = "true" ] || [ "${PYSENS2_REQUIRE_ALL_TIERS:-0}" = "1" ]; then REQUIRE_ALL=1; fi
SKIPPED=()

say() { printf '\n=== %s  [%s]\n' "$*" "$(date +%T)"; }

apt_install() {
    # Installs Debian packages when we are root and they are missing.
    local missing=()
    for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
        say "apt-get install ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        return 1
    fi
}

skip_tier() {
    echo "SKIPPED tier '$1': $2"
    SKIPPED+=("$1")
}

# --- python tier -------------------------------------------------------------
say "python: virtual environment in $BUILD/venv"
if [ ! -x "$BUILD/venv/bin/python" ]; then
    "$PYTHON" -m venv "$BUILD/venv" 2>/dev/null || {
        apt_install python3-venv && "$PYTHON" -m venv "$BUILD/venv"
    }
fi
VPY=$BUILD/venv/bin/python
"$VPY" -m pip install -q --upgrade pip
say "python: build the wheel (C++ warnings are errors) and install it with its test tools"
rm -rf "$BUILD/wheelhouse"
"$VPY" -m pip wheel -q . --no-deps -w "$BUILD/wheelhouse" -C cmake.define.PYSENS2_WERROR=ON
WHEEL=$(ls "$BUILD"/wheelhouse/pysens2-*.whl)
"$VPY" -m pip install -q --force-reinstall "$WHEEL[test,lint,bench]"

say "python: ruff and mypy"
"$VPY" -m ruff check python tests benchmarks
"$VPY" -m ruff format --check python tests benchmarks
"$VPY" -m mypy
"$VPY" -m mypy --platform win32  # the Windows code paths, type-checked here too

# The same CMake and Ninja on every machine, for the native tiers.
"$VPY" -m pip install -q cmake ninja
export PATH="$BUILD/venv/bin:$PATH"

# --- logind tier -------------------------------------------------------------
# The logind backend's tests (tests/test_logind.py) run a private dbus-daemon
# with python-dbusmock's logind template, under Debian's own Python; they run
# in the pytest runs below, and must not skip where this tier is required.
say "logind: a private system bus with python-dbusmock's logind template"
apt_install dbus python3-dbusmock || true
if command -v dbus-daemon >/dev/null && /usr/bin/python3 -c "import dbusmock" 2>/dev/null; then
    export PYSENS2_REQUIRE_LOGIND_MOCK=1
    # The Linux benchmark, short: fails only if a contestant produced no figures.
    "$VPY" -m benchmarks --part logind --quick
else
    skip_tier logind "dbus-daemon or python-dbusmock is missing (Debian: apt-get install dbus python3-dbusmock)"
fi

# --- cpp tier ----------------------------------------------------------------
say "cpp: C++ unit tests (ctest)"
apt_install doctest-dev || true
if [ -f /usr/include/doctest/doctest.h ]; then
    cmake -S . -B "$BUILD/cpp" -G Ninja \
        -DPYSENS2_BUILD_TESTS=ON -DPYSENS2_BUILD_PYTHON=OFF -DPYSENS2_WERROR=ON >/dev/null
    cmake --build "$BUILD/cpp"
    (cd "$BUILD/cpp" && ctest --output-on-failure)
else
    skip_tier cpp "doctest is not installed (Debian: apt-get install doctest-dev)"
fi

# --- sanitizer tier ----------------------------------------------------------
# gcc's ASan, UBSan and TSan runtimes come with g++ (libasan8, libubsan1, libtsan2).
say "sanitizers: C++ tests under ASan+UBSan and under TSan; pytest under ASan+UBSan"
if [ -f /usr/include/doctest/doctest.h ] && [ -n "$(g++ -print-file-name=libasan.so | grep /)" ]; then
    export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
    export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
    for san in address,undefined thread; do
        dir="$BUILD/san-${san%%,*}"
        cmake -S . -B "$dir" -G Ninja -DPYSENS2_BUILD_TESTS=ON -DPYSENS2_BUILD_PYTHON=OFF \
            -DPYSENS2_SANITIZE="$san" >/dev/null
        cmake --build "$dir"
        # TSan needs the fixed memory layout that ASLR's randomization can break.
        (cd "$dir" && setarch "$(uname -m)" -R ctest --output-on-failure)
    done
    # The Python module built with ASan+UBSan, the whole pytest suite against it.
    if [ ! -x "$BUILD/venv-asan/bin/python" ]; then "$PYTHON" -m venv "$BUILD/venv-asan"; fi
    "$BUILD/venv-asan/bin/python" -m pip install -q --upgrade pip
    "$BUILD/venv-asan/bin/python" -m pip install -q ".[test]" \
        -C cmake.define.PYSENS2_SANITIZE=address,undefined -C build-dir="$BUILD/asan-wheel"
    # CPython itself is not built with ASan: preload the runtime (and
    # libstdc++, whose __cxa_throw ASan must find), and leave leak checking to
    # the C++ tests (the interpreter keeps memory at exit).
    # The exit and stress tests repeat half as often here: memory errors
    # show in the first rounds; the plain run below repeats them in full.
    LD_PRELOAD="$(g++ -print-file-name=libasan.so):$(g++ -print-file-name=libstdc++.so)" \
        ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 PYSENS2_TEST_SCALE=0.5 \
        "$BUILD/venv-asan/bin/python" -m pytest tests -p no:cacheprovider -q -x
else
    skip_tier sanitizers "doctest or gcc's sanitizer runtimes are missing (Debian: doctest-dev, g++)"
fi

# --- fuzz tier ---------------------------------------------------------------
say "fuzz: libFuzzer on the sink's IDispatch and the UTF-16 conversion (clang, ASan+UBSan)"
apt_install clang-14 libclang-rt-14-dev || true
if command -v clang++-14 >/dev/null && ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
    CC=clang-14 CXX=clang++-14 cmake -S . -B "$BUILD/fuzz" -G Ninja -DPYSENS2_BUILD_FUZZERS=ON \
        -DPYSENS2_BUILD_PYTHON=OFF -DPYSENS2_SANITIZE=address,undefined,fuzzer-no-link >/dev/null
    cmake --build "$BUILD/fuzz" --target pysens2_sink_fuzzer
    # Fuzz a copy: libFuzzer adds what it finds to the corpus folder.
    rm -rf "$BUILD/fuzz-corpus" && cp -r tests/fuzz/corpus "$BUILD/fuzz-corpus"
    "$BUILD/fuzz/pysens2_sink_fuzzer" "$BUILD/fuzz-corpus" -max_total_time="${PYSENS2_FUZZ_SECONDS:-60}" \
        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$BUILD/"
else
    skip_tier fuzz "clang or its fuzzer runtime is missing (Debian: apt-get install clang-14 libclang-rt-14-dev)"
fi

# --- windows tier ------------------------------------------------------------
say "windows: cross-build with mingw-w64, run the C++ tests under Wine (ctest)"
# widl (wine64-tools) and its IDL imports (libwine-dev) build the test type libraries.
apt_install g++-mingw-w64-x86-64-posix wine64 wine64-tools libwine-dev || true
if command -v x86_64-w64-mingw32-g++-posix >/dev/null && [ -x /usr/lib/wine/wine64 ] \
    && [ -x /usr/lib/wine/widl ] && [ -f /usr/include/wine/wine/windows/oaidl.idl ] \
    && [ -f /usr/include/doctest/doctest.h ]; then
    export WINEPREFIX=$BUILD/wineprefix WINEDEBUG=-all
    # doctest is header-only; give the cross compiler it alone, not /usr/include.
    mkdir -p "$BUILD/win-include" && ln -sfn /usr/include/doctest "$BUILD/win-include/doctest"
    cmake -S . -B "$BUILD/win" -G Ninja -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64-x86_64.cmake \
        -DPYSENS2_BUILD_TESTS=ON -DPYSENS2_BUILD_PYTHON=OFF -DPYSENS2_WERROR=ON \
        -DDOCTEST_INCLUDE_DIR="$BUILD/win-include" >/dev/null
    cmake --build "$BUILD/win"
    bash scripts/wine-prefix.sh
    /usr/lib/wine/wineserver -p </dev/null >/dev/null 2>&1  # one server for the C++ tests
    trap '/usr/lib/wine/wineserver -k 2>/dev/null || true' EXIT
    (cd "$BUILD/win" && ctest --output-on-failure)

    # --- windows-python tier (needs the stand-in DLL the windows tier built) --
    say "windows-python: the win_amd64 wheel in Windows CPython under Wine (3.13 full; 3.9, 3.11 smoke; 3.11 bench)"
    apt_install mingw-w64-tools || true
    if command -v gendef >/dev/null; then
        export PYSENS2_FAKE_EVENT_SYSTEM=$BUILD/win/tests/cpp/windows/fake_event_system.dll
        # Wine's pytest mostly waits: the next wheels build meanwhile, one
        # after the other, on one core at low priority; each run waits only
        # for its own wheel (a marker file says it is built).
        PYTHON="$VPY" bash scripts/win-wheel.sh 3.13
        rm -f "$BUILD"/win-wheel-*.built
        (for v in 3.11 3.9; do
            PYTHON="$VPY" CMAKE_BUILD_PARALLEL_LEVEL=1 nice -n 19 bash scripts/win-wheel.sh "$v" || exit 1
            touch "$BUILD/win-wheel-$v.built"
        done) >"$BUILD/win-wheels.log" 2>&1 &
        wheels=$!
        wait_for_wheel() {  # until the wheel is built, or its build has failed
            while [ ! -f "$BUILD/win-wheel-$1.built" ]; do
                kill -0 "$wheels" 2>/dev/null || [ -f "$BUILD/win-wheel-$1.built" ] \
                    || { cat "$BUILD/win-wheels.log"; exit 1; }
                sleep 2
            done
        }
        export PYSENS2_WIN_WHEELS_BUILT=1
        # A new wineserver for each run: a process that died holding the
        # stand-in's class objects stays registered with Wine's rpcss for the
        # server's life and would be handed to the next run's STA tests.
        fresh_wineserver() {
            /usr/lib/wine/wineserver -k 2>/dev/null || true
            /usr/lib/wine/wineserver -w 2>/dev/null || true
            /usr/lib/wine/wineserver -p </dev/null >/dev/null 2>&1
            /usr/lib/wine/wine64 cmd /c exit </dev/null >/dev/null 2>&1 || true
        }
        fresh_wineserver
        PYTHON="$VPY" bash scripts/win-pytest.sh 3.13 full
        for run in "3.11 smoke" "3.11 bench" "3.9 smoke"; do
            wait_for_wheel "${run% *}"
            fresh_wineserver
            # shellcheck disable=SC2086  # "version mode"
            PYTHON="$VPY" bash scripts/win-pytest.sh $run
        done
        wait "$wheels"
        unset PYSENS2_WIN_WHEELS_BUILT
    else
        skip_tier windows-python "gendef is missing (Debian: apt-get install mingw-w64-tools)"
    fi
    /usr/lib/wine/wineserver -k || true
else
    skip_tier windows "mingw-w64, Wine or widl is missing (Debian: apt-get install g++-mingw-w64-x86-64-posix wine64 wine64-tools libwine-dev)"
    skip_tier windows-python "needs the windows tier's packages"
fi

# pytest last: its summary line is the suite's closing line.
say "python: pytest"
"$VPY" -m pytest tests -p no:cacheprovider

if [ ${#SKIPPED[@]} -gt 0 ]; then
    if [ "$REQUIRE_ALL" = "1" ]; then
        echo "FAILED: tiers skipped where every tier is required: ${SKIPPED[*]}"
        exit 1
    fi
    echo "Note: skipped tiers: ${SKIPPED[*]}"
fi
