"""The committed _native.pyi must describe the compiled module."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pysens2._native as native


def _stub_names() -> set[str]:
    import ast

    stub = Path(native.__file__).parent / "_native.pyi"
    if not stub.exists():  # an editable install keeps the stub in the source tree
        stub = Path(__file__).resolve().parents[1] / "python" / "pysens2" / "_native.pyi"
    tree = ast.parse(stub.read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def test_stub_lists_exactly_the_public_names() -> None:
    module = {n for n in dir(native) if not n.startswith("_")}
    stub = _stub_names()
    if not native.HAVE_WTS_STATE:  # the WTS state queries are compiled on Windows only
        stub = {n for n in stub if not n.startswith("wts_")}
    if not native.HAVE_LOGIND_STATE:  # and the logind backend on Linux only
        stub = {n for n in stub if not n.startswith("logind_")}
        stub.discard("use_sd_bus_library_for_testing")
    assert stub == module


def test_stubtest_agrees() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy.stubtest",
            "pysens2._native",
            "--allowlist",
            str(Path(__file__).with_name("stubtest_allowlist.txt")),
            # The allowlist covers what only some platforms' builds lack.
            "--ignore-unused-allowlist",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
