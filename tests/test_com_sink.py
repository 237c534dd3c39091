"""The sink's COM contract, driven from Python: IDispatch errors, QI, refcounts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Optional

import pytest

import pysens2
from conftest import SCRIPT_PRELUDE, assert_ok, run_python
from pysens2 import EventType
from pysens2.testing import (
    DISPATCH_PROPERTYGET,
    IID_IDISPATCH,
    IID_ISENSLOGON,
    IID_ISENSLOGON2,
    IID_IUNKNOWN,
    VT,
    HResult,
    Variant,
    fire_raw_invoke,
    get_ids_of_names,
    live_sink_objects,
    query_interface,
    sink_refcount,
)

USER = Variant(VT.BSTR, "carol")


def test_invoke_every_dispid(monitor: pysens2.SessionMonitor) -> None:
    for dispid in range(1, 8):
        assert fire_raw_invoke(monitor, "ISensLogon", dispid, [USER]).hresult == HResult.S_OK
    for dispid in range(1, 6):
        args = [USER, Variant(VT.UI4, dispid)]
        assert fire_raw_invoke(monitor, "ISensLogon2", dispid, args).hresult == HResult.S_OK
    got = [monitor.get(timeout=10) for _ in range(12)]
    assert [e.source for e in got] == pysens2._native.source_names()[:12]
    assert all(e.code is None and e.domain == "" for e in got)
    # ISensLogon's Logon/Logoff arrive as LOGON/LOGOFF without a session id.
    assert got[0].type is EventType.LOGON and got[0].session_id is None
    assert got[10].type is EventType.SESSION_RECONNECT and got[10].session_id == 4


@pytest.mark.parametrize(
    ("interface", "dispid", "args", "kwargs", "hresult", "arg_err"),
    [
        ("ISensLogon", 8, [USER], {}, HResult.DISP_E_MEMBERNOTFOUND, None),
        ("ISensLogon2", 6, [USER, Variant(VT.UI4, 1)], {}, HResult.DISP_E_MEMBERNOTFOUND, None),
        (
            "ISensLogon",
            1,
            [USER],
            {"flags": DISPATCH_PROPERTYGET},
            HResult.DISP_E_MEMBERNOTFOUND,
            None,
        ),
        ("ISensLogon2", 1, [USER], {}, HResult.DISP_E_BADPARAMCOUNT, None),
        ("ISensLogon", 4, [], {}, HResult.DISP_E_BADPARAMCOUNT, None),
        ("ISensLogon", 4, [USER], {"named": [0]}, HResult.DISP_E_NONAMEDARGS, None),
        ("ISensLogon", 4, [USER], {"iid": IID_ISENSLOGON}, HResult.DISP_E_UNKNOWNINTERFACE, None),
        # Arguments are numbered from the end: the session id is 0, the user 1.
        ("ISensLogon2", 3, [USER, Variant(VT.I4, -1)], {}, HResult.DISP_E_OVERFLOW, 0),
        ("ISensLogon2", 3, [USER, Variant(VT.I8, 2**32)], {}, HResult.DISP_E_OVERFLOW, 0),
        ("ISensLogon2", 3, [USER, Variant(VT.BSTR, "ten")], {}, HResult.DISP_E_TYPEMISMATCH, 0),
        (
            "ISensLogon2",
            3,
            [Variant(VT.NULL), Variant(VT.UI4, 1)],
            {},
            HResult.DISP_E_TYPEMISMATCH,
            1,
        ),
        ("ISensLogon", 4, [Variant(VT.UNKNOWN)], {}, HResult.DISP_E_TYPEMISMATCH, 0),
        ("ISensLogon", 4, [Variant(0x7FF, 0)], {}, HResult.DISP_E_BADVARTYPE, 0),
    ],
)
def test_invoke_errors(
    monitor: pysens2.SessionMonitor,
    interface: str,
    dispid: int,
    args: list[Variant],
    kwargs: dict[str, object],
    hresult: int,
    arg_err: int | None,
) -> None:
    result = fire_raw_invoke(monitor, interface, dispid, args, **kwargs)  # type: ignore[arg-type]
    assert result.hresult == hresult
    assert result.arg_err == arg_err
    with pytest.raises(TimeoutError):
        monitor.get(timeout=0.1)  # nothing was queued


@pytest.mark.parametrize(
    ("variant", "session"),
    [
        (Variant(VT.I4, 7), 7),
        (Variant(VT.I2, 0), 0),
        (Variant(VT.UI8, 4294967295), 4294967295),
        (Variant(VT.R8, 2.5), 2),  # half to even
        (Variant(VT.R8, 3.5), 4),
        (Variant(VT.BSTR, "12"), 12),
        (Variant(VT.BOOL, -1), 4294967295),  # oleaut32 copies the bits
        (Variant(VT.CY, 25000), 2),
        (Variant(VT.DECIMAL, (1, 0, 0, 425)), 42),
        (Variant(VT.EMPTY), 0),
        (Variant(VT.I4 | VT.BYREF, 99), 99),
        (Variant(VT.VARIANT | VT.BYREF, Variant(VT.UI2, 5)), 5),
    ],
)
def test_session_id_coercion(
    monitor: pysens2.SessionMonitor, variant: Variant, session: int
) -> None:
    assert fire_raw_invoke(monitor, "ISensLogon2", 1, [USER, variant]).hresult == HResult.S_OK
    assert monitor.get(timeout=10).session_id == session


@pytest.mark.parametrize(
    ("variant", "user"),
    [
        (Variant(VT.BSTR, None), ""),
        (Variant(VT.EMPTY), ""),
        (Variant(VT.I4, -3), "-3"),
        (Variant(VT.BSTR | VT.BYREF, "byref"), "byref"),
        (Variant(VT.BSTR, b"h\x00i\x00"), "hi"),
    ],
)
def test_user_name_coercion(monitor: pysens2.SessionMonitor, variant: Variant, user: str) -> None:
    assert fire_raw_invoke(monitor, "ISensLogon", 4, [variant]).hresult == HResult.S_OK
    assert monitor.get(timeout=10).user == user


def test_get_ids_of_names(monitor: pysens2.SessionMonitor) -> None:
    assert get_ids_of_names(monitor, "ISensLogon", ["startscreensaver"]) == (0, [6])
    assert get_ids_of_names(monitor, "ISensLogon2", ["SESSIONDISCONNECT"]) == (0, [3])
    assert get_ids_of_names(
        monitor, "ISensLogon2", ["PostShell", "bstrUserName", "dwSessionId"]
    ) == (0, [5, 0, 1])
    hr, ids = get_ids_of_names(monitor, "ISensLogon2", ["DisplayLock"])
    assert (hr, ids) == (HResult.DISP_E_UNKNOWNNAME, [-1])
    hr, ids = get_ids_of_names(monitor, "ISensLogon", ["Logon", "nope"])
    assert (hr, ids) == (HResult.DISP_E_UNKNOWNNAME, [1, -1])
    hr, _ = get_ids_of_names(monitor, "ISensLogon", ["Logon"], iid=IID_ISENSLOGON)
    assert hr == HResult.DISP_E_UNKNOWNINTERFACE


@pytest.mark.parametrize("interface", ["ISensLogon", "ISensLogon2"])
def test_query_interface(monitor: pysens2.SessionMonitor, interface: str) -> None:
    own = IID_ISENSLOGON if interface == "ISensLogon" else IID_ISENSLOGON2
    other = IID_ISENSLOGON2 if interface == "ISensLogon" else IID_ISENSLOGON
    for iid in (IID_IUNKNOWN, IID_IDISPATCH, own):
        result = query_interface(monitor, interface, iid)  # type: ignore[arg-type]
        assert result.hresult == HResult.S_OK and result.same_identity
    for iid in (other, "{00000000-0000-0000-0000-000000000001}"):
        result = query_interface(monitor, interface, iid)  # type: ignore[arg-type]
        assert result.hresult == HResult.E_NOINTERFACE and result.nulled_on_failure
    with pytest.raises(ValueError, match="not a GUID"):
        query_interface(monitor, interface, "D597BAB3")  # type: ignore[arg-type]


def test_reference_counts_and_release_on_stop() -> None:
    before = live_sink_objects()
    m = pysens2.SessionMonitor(backend="simulated").start()
    assert live_sink_objects() == before + 2
    # Only the monitor holds the sinks (the simulated backend subscribes nothing).
    assert sink_refcount(m, "ISensLogon") == 1
    assert sink_refcount(m, "ISensLogon2") == 1
    m.stop()
    assert live_sink_objects() == before
    for _ in range(50):
        m.start()
        m.stop()
    assert live_sink_objects() == before


def _comma_decimal_locale(tmp: Path) -> Optional[dict[str, str]]:
    """An environment whose de_DE.UTF-8 locale (decimal comma) is built in
    `tmp` with glibc's localedef, leaving the system's locales alone."""
    localedef = shutil.which("localedef")
    if sys.platform != "linux" or not localedef:
        return None
    subprocess.run(
        [localedef, "-i", "de_DE", "-f", "UTF-8", str(tmp / "de_DE.UTF-8")], capture_output=True
    )
    if not (tmp / "de_DE.UTF-8").exists():
        return None
    return {**os.environ, "LOCPATH": str(tmp)}


def test_number_coercion_ignores_the_host_programs_locale(tmp_path: Path) -> None:
    env = _comma_decimal_locale(tmp_path)
    if env is None:
        pytest.skip("needs glibc's localedef and its de_DE locale source to make a comma locale")
    proc = run_python(
        SCRIPT_PRELUDE
        + textwrap.dedent("""
        import locale
        from pysens2.testing import VT, Variant, fire_raw_invoke
        locale.setlocale(locale.LC_ALL, "de_DE.UTF-8")
        assert locale.localeconv()["decimal_point"] == ","
        m = pysens2.SessionMonitor(backend="simulated").start()
        # Logon(user, session): a number as the user, a numeric string as the session.
        r = fire_raw_invoke(m, "ISensLogon2", 1, [Variant(VT.R8, 1.5), Variant(VT.BSTR, "1.5e1")])
        assert r.hresult == 0, hex(r.hresult)
        e = m.get(timeout=10)
        assert (e.user, e.session_id) == ("1.5", 15), e
        print("OK")
        m.stop()
        """),
        env=env,
    )
    assert_ok(proc)
    assert "OK" in proc.stdout
