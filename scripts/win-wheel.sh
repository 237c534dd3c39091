#!/usr/bin/env bash
# Cross-builds the win_amd64 wheel for Windows CPython X.Y with mingw-w64:
#   bash scripts/win-wheel.sh 3.11 [WHEELDIR]
# scikit-build-core builds it as it builds every wheel (pip wheel, build
# isolation, the same metadata, RECORD, py.typed, stub and license); the
# toolchain file, the target's headers and import library (scripts/win-python.sh)
# and the wheel tag are what make it a Windows build. Warnings are errors.
set -euo pipefail
VERSION=${1:?usage: win-wheel.sh X.Y [WHEELDIR]}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${PYSENS2_BUILD_DIR:-$ROOT/build}
WHEELDIR=${2:-$BUILD/win-wheelhouse}
PYTHON=${PYTHON:-python3}
TAG=cp${VERSION/./}
WINPY=$BUILD/winpy/$TAG

bash "$ROOT/scripts/win-python.sh" "$VERSION" "$BUILD/winpy"
mkdir -p "$WHEELDIR"
rm -f "$WHEELDIR"/pysens2-*-"$TAG"-"$TAG"-win_amd64.whl

# SETUPTOOLS_EXT_SUFFIX names the module as Windows CPython X.Y looks for it
# (scikit-build-core and pybind11 both read it when cross-compiling).
SETUPTOOLS_EXT_SUFFIX=".$TAG-win_amd64.pyd" \
    "$PYTHON" -m pip wheel -q "$ROOT" --no-deps -w "$WHEELDIR" \
    -C "wheel.tags=$TAG-$TAG-win_amd64" \
    -C cmake.python-hints=false \
    -C "build-dir=$BUILD/win-$TAG" \
    -C "cmake.define.CMAKE_TOOLCHAIN_FILE=$ROOT/cmake/mingw-w64-x86_64.cmake" \
    -C "cmake.define.Python_INCLUDE_DIR=$WINPY/include" \
    -C "cmake.define.Python_LIBRARY=$WINPY/python/libs/libpython${VERSION/./}.dll.a" \
    -C "cmake.define.CMAKE_FIND_ROOT_PATH=$WINPY/python" \
    -C cmake.define.PYSENS2_WERROR=ON
ls "$WHEELDIR"/pysens2-*-"$TAG"-"$TAG"-win_amd64.whl
