"""The WTS backend, backend="auto" and the state queries in Windows CPython:
under Wine, WM_WTSSESSION_CHANGE is posted to the monitor's real window as
Windows posts it (which is also how a spoofing process would), and the state
functions read Wine's own wtsapi32."""

from __future__ import annotations

import ctypes
import json
import subprocess
import sys
import time
from typing import Iterator

import pytest

import pysens2
from pysens2 import EventType

if sys.platform != "win32":
    pytest.skip("WTS exists only on Windows", allow_module_level=True)

import fake_event_system as fes

WM_WTSSESSION_CHANGE = 0x02B1
HWND_MESSAGE = ctypes.c_void_p(-3)
_user32 = ctypes.WinDLL("user32", use_last_error=True)
_user32.FindWindowExW.argtypes = [
    ctypes.c_void_p,
    ctypes.c_void_p,
    ctypes.c_wchar_p,
    ctypes.c_wchar_p,
]
_user32.FindWindowExW.restype = ctypes.c_void_p
_user32.PostMessageW.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_size_t, ctypes.c_ssize_t]
_user32.PostMessageW.restype = ctypes.c_int


def monitor_windows() -> list[int]:
    """The message-only windows of this process's WTS monitors."""
    found, after = [], None
    while True:
        hwnd = _user32.FindWindowExW(HWND_MESSAGE, after, "pysens2.WtsWindow", None)
        if not hwnd:
            return found
        found.append(hwnd)
        after = hwnd


def post(code: int, session: int) -> None:
    (hwnd,) = monitor_windows()
    assert _user32.PostMessageW(hwnd, WM_WTSSESSION_CHANGE, code, session), ctypes.get_last_error()


@pytest.fixture
def own() -> int:
    return fes.own_session_id()


def test_wts_events_arrive_with_session_user_and_code(own: int) -> None:
    with pysens2.SessionMonitor(backend="wts") as m:
        assert m.backend == "wts" and m.sessions == "own"
        post(7, own)  # WTS_SESSION_LOCK
        post(8, own)
        post(0xF, own)  # a code pysens2 does not know: passed through
        got = [m.get(timeout=10) for _ in range(3)]
    assert [e.type for e in got] == [
        EventType.DISPLAY_LOCK,
        EventType.DISPLAY_UNLOCK,
        EventType.SESSION_CHANGE,
    ]
    assert [(e.source, e.code, e.session_id) for e in got] == [
        ("WTS.SESSION_LOCK", 7, own),
        ("WTS.SESSION_UNLOCK", 8, own),
        ("WTS.OTHER", 15, own),
    ]
    # The user is looked up as the event arrives, from the same source as the state.
    me = pysens2.current_session()
    assert (got[0].user, got[0].domain) == (me.user, me.domain)
    assert not monitor_windows()  # the window is gone with the monitor


def test_other_sessions_are_filtered_unless_all_are_asked_for(own: int) -> None:
    other = own + 7
    with pysens2.SessionMonitor(["display_lock"], backend="wts") as mine:
        post(7, other)
        post(7, own)
        assert mine.get(timeout=10).session_id == own
        with pytest.raises(TimeoutError):
            mine.get(timeout=0.3)
    with pysens2.SessionMonitor(["display_lock"], backend="wts", sessions="all") as every:
        post(7, other)
        assert every.get(timeout=10).session_id == other


def test_lock_and_unlock_alone_need_no_event_system(own: int) -> None:
    # Under auto, lock and unlock come from WTS: only that source starts, so
    # this works on this Wine prefix, which has no COM+ Event System.
    with pysens2.SessionMonitor(["display_lock", "display_unlock"]) as m:
        assert m.backend == "sens+wts"
        post(7, own)
        e = m.get(timeout=10)
    assert (e.type, e.source, e.session_id) == (EventType.DISPLAY_LOCK, "WTS.SESSION_LOCK", own)


@pytest.fixture
def event_system() -> Iterator[fes.FakeEventSystem]:
    fes.skip_module_unless_built()
    es = fes.load()
    es.start()
    try:
        yield es
    finally:
        es.stop()


def test_auto_takes_each_type_from_one_source(event_system: fes.FakeEventSystem, own: int) -> None:
    with pysens2.SessionMonitor() as m:
        subscribed = sorted(r.method for r in event_system.records())
        # SENS is not asked for lock and unlock, which WTS reports reliably.
        assert subscribed == sorted(
            [
                "Logon",
                "Logoff",
                "SessionDisconnect",
                "SessionReconnect",
                "PostShell",
                "StartShell",
                "StartScreenSaver",
                "StopScreenSaver",
            ]
        )
        event_system.publish("CONTOSO\\alice", own)  # every stored subscriber, once
        post(7, own)
        got = [m.get(timeout=10) for _ in range(9)]
        with pytest.raises(TimeoutError):
            m.get(timeout=0.3)  # nothing twice
    types = [e.type for e in got]
    assert types.count(EventType.DISPLAY_LOCK) == 1
    lock = next(e for e in got if e.type is EventType.DISPLAY_LOCK)
    assert lock.source == "WTS.SESSION_LOCK" and lock.session_id == own
    logon = next(e for e in got if e.type is EventType.LOGON)
    assert (logon.source, logon.domain, logon.user) == ("ISensLogon2.Logon", "CONTOSO", "alice")
    assert not event_system.records()  # every subscription removed at stop


def test_state_functions_answer_from_wine(own: int) -> None:
    me = pysens2.current_session()
    assert me.session_id == own
    assert pysens2.is_locked() in (True, False, None)
    assert pysens2.idle_time() >= 0
    console = pysens2.console_session(timeout=0.2)
    assert console is None or isinstance(console, pysens2.Session)
    try:
        listed = pysens2.sessions()
    except pysens2.ComError as exc:  # what Wine does not implement fails cleanly
        assert "WTSEnumerateSessionsW" in str(exc)
    else:
        assert all(isinstance(s, pysens2.Session) for s in listed)


def test_cli_status_and_sessions_run(own: int) -> None:
    for command in ("status", "sessions"):
        proc = subprocess.run(
            [sys.executable, "-m", "pysens2", command, "--json"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode in (0, 1), proc.stderr
        if proc.returncode == 0:
            record = json.loads(proc.stdout)
            if command == "status":
                assert record["session"]["session_id"] == own
        else:
            assert "pysens2:" in proc.stderr


def test_a_monitor_never_waits_long_to_stop() -> None:
    m = pysens2.SessionMonitor(["display_lock"], backend="wts")
    for _ in range(5):
        m.start()
        t0 = time.monotonic()
        assert m.stop(timeout=10)
        assert time.monotonic() - t0 < 5
