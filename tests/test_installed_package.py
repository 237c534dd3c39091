"""The package under test is the installed wheel, complete, for this
interpreter; on Windows its module needs no DLL beyond python3X.dll and the
system's own."""

from __future__ import annotations

import os
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

import pytest

import pysens2
from pysens2 import _native

SOURCE_TREE = Path(__file__).resolve().parents[1] / "python"


def _files() -> set[str]:
    files = metadata.distribution("pysens2").files or []
    return {str(f).replace("\\", "/") for f in files}


def test_imported_from_the_installed_wheel_not_the_source_tree() -> None:
    assert SOURCE_TREE not in Path(pysens2.__file__).resolve().parents
    assert metadata.version("pysens2") == pysens2.__version__


def test_wheel_ships_typing_and_license() -> None:
    files = _files()
    for name in ("pysens2/py.typed", "pysens2/_native.pyi", "pysens2/__init__.py"):
        assert name in files, name
    assert any(f.endswith("/licenses/LICENSE") for f in files), sorted(files)
    assert metadata.metadata("pysens2")["License-Expression"] == "MIT"


def test_wheel_tag_is_for_this_interpreter() -> None:
    from packaging.tags import sys_tags

    dist = metadata.distribution("pysens2")
    wheel = dist.read_text("WHEEL") or ""
    tags = [line.split(":", 1)[1].strip() for line in wheel.splitlines() if line.startswith("Tag:")]
    py = f"cp{sys.version_info.major}{sys.version_info.minor}"
    assert tags and all(t.startswith(f"{py}-{py}-") for t in tags), tags
    # A tag pip accepts for this interpreter and platform (win_amd64 on 64-bit
    # Windows; linux_x86_64 or a manylinux tag on Linux).
    supported = {str(t) for t in sys_tags()}
    assert any(t in supported for t in tags), (tags, sysconfig.get_platform())


@pytest.mark.skipif(sys.platform != "win32", reason="a Windows module's import table")
def test_native_module_imports_only_python_and_system_dlls() -> None:
    pefile = pytest.importorskip("pefile")
    pe = pefile.PE(_native.__file__, fast_load=True)
    pe.parse_data_directories(directories=[pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_IMPORT"]])
    names = {entry.dll.decode().lower() for entry in pe.DIRECTORY_ENTRY_IMPORT}
    python_dll = f"python{sys.version_info.major}{sys.version_info.minor}.dll"
    assert python_dll in names
    system32 = Path(os.environ.get("SystemRoot", r"C:\Windows")) / "System32"
    others = {n for n in names - {python_dll} if not (system32 / n).is_file()}
    # No libstdc++-6.dll, libgcc_s_seh-1.dll, libwinpthread-1.dll: the runtime is linked in.
    assert not others, f"DLLs a user's machine may not have: {sorted(others)}"
