"""pysens2 beside pywin32 and comtypes in one process: the main thread is an
STA of theirs, their COM objects are in use, and a monitor (MTA or STA) runs
on pysens2's own COM thread. Both keep working, and stopping pysens2 leaves
their apartment as it was. Each case runs in a fresh interpreter."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from conftest import assert_ok, run_python

if sys.platform != "win32":
    pytest.skip("pywin32 and comtypes are Windows COM libraries", allow_module_level=True)

import fake_event_system as fes

fes.skip_module_unless_built()

# What each library does on the main thread: join an STA and make a COM object.
SETUP = {
    "pywin32": """
        import pythoncom, win32com.client
        pythoncom.CoInitializeEx(pythoncom.COINIT_APARTMENTTHREADED)
        d = win32com.client.Dispatch("Scripting.Dictionary")
        def reinit():
            pythoncom.CoInitializeEx(pythoncom.COINIT_APARTMENTTHREADED)  # raises if the mode changed
            pythoncom.CoUninitialize()
        """,
    "comtypes": """
        import comtypes, comtypes.client  # comtypes joins an STA on import
        d = comtypes.client.CreateObject("Scripting.Dictionary", dynamic=True)
        def reinit():
            comtypes.CoInitializeEx(comtypes.COINIT_APARTMENTTHREADED)
            comtypes.CoUninitialize()
        """,
}

SCRIPT = """
import sys, ctypes
sys.path.insert(0, {tests!r})
import fake_event_system as fes  # first: its exit hook runs after pysens2's
import pysens2
{setup}

def apartment_type():
    kind, qualifier = ctypes.c_int(), ctypes.c_int()
    hr = ctypes.oledll.ole32.CoGetApartmentType(ctypes.byref(kind), ctypes.byref(qualifier))
    return kind.value

before = apartment_type()
assert before in (0, 3), before  # APTTYPE_STA or APTTYPE_MAINSTA
d.Add("a", 1)
es = fes.load()
es.start()
m = pysens2.SessionMonitor(backend="sens", apartment={apartment!r}, sessions="all").start()
for i in range(3):
    es.publish("alice", 5, method="Logon")
    e = m.get(timeout=10)
    assert (e.type.name, e.user, e.session_id) == ("LOGON", "alice", 5), e
    d.Add(f"k{{i}}", i)  # their object works while events flow
assert m.stop(timeout=10)
assert es.records() == []
assert apartment_type() == before  # pysens2 did not touch this thread's apartment
reinit()
d.Add("z", 26)
assert d.Count == 5, d.Count
print("OK")
"""


@pytest.mark.parametrize("apartment", ["mta", "sta"])
@pytest.mark.parametrize("library", ["pywin32", "comtypes"])
def test_monitor_beside_another_com_library(library: str, apartment: str) -> None:
    pytest.importorskip("pythoncom" if library == "pywin32" else "comtypes")
    code = SCRIPT.format(
        tests=str(Path(__file__).parent),
        setup=textwrap.dedent(SETUP[library]),
        apartment=apartment,
    )
    proc = run_python(code, timeout=60)
    assert_ok(proc)
    assert "OK" in proc.stdout
