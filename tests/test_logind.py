"""The logind backend against a real D-Bus daemon: a private dbus-daemon with
python-dbusmock's logind template on it (tests/logind_mock.py), driven from a
separate process as logind would behave."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Iterator

import pytest

import pysens2
from conftest import SCRIPT_PRELUDE, assert_ok, run_python
from pysens2 import EventType

if not sys.platform.startswith("linux"):
    pytest.skip("systemd-logind exists only on Linux", allow_module_level=True)

import logind_mock


@pytest.fixture
def logind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[logind_mock.LogindMock]:
    logind_mock.skip_unless_available()
    mock = logind_mock.LogindMock(tmp_path)
    mock.start_bus()
    mock.start_logind()
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", mock.address)
    try:
        yield mock
    finally:
        mock.stop_bus()


def events(monitor: pysens2.SessionMonitor, n: int) -> list[pysens2.SessionEvent]:
    return [monitor.get(timeout=10) for _ in range(n)]


def assert_quiet(monitor: pysens2.SessionMonitor) -> None:
    with pytest.raises(TimeoutError):
        monitor.get(timeout=0.3)


def test_auto_is_logind_when_the_bus_has_it(logind: logind_mock.LogindMock) -> None:
    info = pysens2.backends()
    assert info["logind"].available and info["auto"].available
    m = pysens2.SessionMonitor(sessions="all")
    assert m.backend == "logind"
    assert EventType.SYSTEM_SLEEP in m.event_types
    assert EventType.START_SHELL not in m.event_types


def test_sessions_appear_and_go_with_user_and_seat(logind: logind_mock.LogindMock) -> None:
    with pysens2.SessionMonitor(backend="logind", sessions="all") as m:
        logind.add_session("c1", "alice", uid=1000)
        logind.add_session("7", "bob", uid=1001, seat="seat1", active=False)
        logind.do("remove_session", "c1")
        got = events(m, 3)
    assert [(e.type, e.session_id, e.user, e.seat, e.source) for e in got] == [
        (EventType.LOGON, "c1", "alice", "seat0", "logind.SessionNew"),
        (EventType.LOGON, "7", "bob", "seat1", "logind.SessionNew"),
        (EventType.LOGOFF, "c1", "alice", "seat0", "logind.SessionRemoved"),
    ]


def test_locked_hint_changes_are_lock_and_unlock_once_each(
    logind: logind_mock.LogindMock,
) -> None:
    logind.add_session("2", "alice")
    with pysens2.SessionMonitor(
        ["display_lock", "display_unlock"], backend="logind", sessions="all"
    ) as m:
        logind.set("2", "LockedHint", True)
        logind.set("2", "LockedHint", True)  # the same value again: no occurrence
        logind.do("lock_request", "2")  # Session.Lock is a request to the locker, not news
        logind.set("2", "LockedHint", False)
        got = events(m, 2)
        assert_quiet(m)
    assert [(e.type, e.session_id, e.source) for e in got] == [
        (EventType.DISPLAY_LOCK, "2", "logind.LockedHint"),
        (EventType.DISPLAY_UNLOCK, "2", "logind.LockedHint"),
    ]


def test_fast_user_switching_idle_sleep_and_shutdown(logind: logind_mock.LogindMock) -> None:
    logind.add_session("2", "alice")
    logind.add_session("3", "bob", uid=1001, active=False)
    with pysens2.SessionMonitor(backend="logind", sessions="all") as m:
        logind.set("2", "Active", False)  # alice switches to bob
        logind.set("3", "Active", True)
        logind.set("3", "IdleHint", True)
        logind.set("3", "IdleHint", False)
        logind.do("manager_signal", "PrepareForSleep", True)
        logind.do("manager_signal", "PrepareForSleep", False)
        logind.do("manager_signal", "PrepareForShutdown", True)
        logind.do("manager_signal", "PrepareForShutdown", False)
        got = events(m, 8)
    assert [(e.type, e.session_id) for e in got] == [
        (EventType.CONSOLE_DISCONNECT, "2"),
        (EventType.CONSOLE_CONNECT, "3"),
        (EventType.IDLE_START, "3"),
        (EventType.IDLE_END, "3"),
        (EventType.SYSTEM_SLEEP, None),
        (EventType.SYSTEM_RESUME, None),
        (EventType.SYSTEM_SHUTDOWN, None),
        (EventType.SHUTDOWN_CANCELLED, None),
    ]
    assert got[1].source == "logind.Active" and got[4].source == "logind.PrepareForSleep"


def test_own_session_is_xdg_session_id(
    logind: logind_mock.LogindMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_SESSION_ID", "2")
    logind.add_session("2", "alice")
    logind.add_session("3", "bob", uid=1001)
    with pysens2.SessionMonitor(["display_lock"], backend="logind") as m:
        assert m.sessions == "own"
        logind.set("3", "LockedHint", True)
        logind.set("2", "LockedHint", True)
        (e,) = events(m, 1)
        assert_quiet(m)
    assert e.session_id == "2"
    # Round trip: what loginctl would be given, and what SessionEvent takes back.
    assert (
        pysens2.SessionEvent(e.type, e.user, e.session_id, seat=e.seat, source=e.source).session_id
        == "2"
    )


def test_own_session_unknown_is_a_clear_error(
    logind: logind_mock.LogindMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_SESSION_ID", raising=False)
    m = pysens2.SessionMonitor(backend="logind")  # sessions="own"
    with pytest.raises(RuntimeError, match="XDG_SESSION_ID"):
        m.start()
    assert not m.running


def test_logind_restarting_is_a_gap_reported_without_invented_events(
    logind: logind_mock.LogindMock,
) -> None:
    logind.add_session("2", "alice")
    with pysens2.SessionMonitor(backend="logind", sessions="all") as m:
        logind.stop_logind()
        logind.start_logind()  # a fresh logind: it knows no sessions now
        got = events(m, 2)
        assert [e.type for e in got] == [EventType.SOURCE_LOST, EventType.SOURCE_RESTORED]
        assert_quiet(m)  # session 2's disappearance was not seen: not invented
        logind.add_session("5", "carol")
        (e,) = events(m, 1)
    assert (e.type, e.session_id) == (EventType.LOGON, "5")


def test_a_bus_that_dies_and_comes_back(logind: logind_mock.LogindMock) -> None:
    with pysens2.SessionMonitor(backend="logind", sessions="all") as m:
        logind.stop_bus()
        (lost,) = events(m, 1)
        assert lost.type is EventType.SOURCE_LOST
        time.sleep(0.3)  # reconnection attempts meanwhile fail, with backoff
        logind.start_bus()
        logind.start_logind()
        (restored,) = events(m, 1)
        assert restored.type is EventType.SOURCE_RESTORED
        logind.add_session("9", "dave")
        (e,) = events(m, 1)
    assert (e.type, e.user) == (EventType.LOGON, "dave")


def test_a_bus_without_logind_says_so(logind: logind_mock.LogindMock) -> None:
    logind.stop_logind()
    assert "no org.freedesktop.login1" in pysens2.backends()["logind"].reason
    with pytest.raises(pysens2.BackendUnavailableError, match=r"org\.freedesktop\.login1"):
        pysens2.SessionMonitor(backend="logind")
    with pytest.raises(pysens2.BackendUnavailableError, match=r"org\.freedesktop\.login1"):
        pysens2.SessionMonitor()  # auto


def test_no_system_bus_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", f"unix:path={tmp_path / 'nothing-here'}")
    assert "cannot connect to the system bus" in pysens2.backends()["logind"].reason
    with pytest.raises(pysens2.BackendUnavailableError, match="system bus"):
        pysens2.SessionMonitor(backend="logind")


def test_missing_libsystemd_says_so(tmp_path: Path) -> None:
    # The library is looked up once per process: a fresh interpreter that
    # loads a name no machine has stands for a system without libsystemd.
    code = SCRIPT_PRELUDE + textwrap.dedent("""
        from pysens2 import _native
        _native.use_sd_bus_library_for_testing("libsystemd-missing.so.0")
        reason = pysens2.backends()["logind"].reason
        assert "cannot load libsystemd-missing.so.0" in reason, reason
        try:
            pysens2.SessionMonitor()
        except pysens2.BackendUnavailableError as e:
            assert "libsystemd-missing.so.0" in str(e), e
            print("OK")
    """)
    proc = run_python(code, timeout=60)
    assert_ok(proc)
    assert "OK" in proc.stdout


def test_stop_and_exit_while_signals_flow(logind: logind_mock.LogindMock) -> None:
    # A monitor left running while the lock flips as fast as the mock can go;
    # the interpreter exits in the middle of it, within the timeout.
    code = SCRIPT_PRELUDE + textwrap.dedent(f"""
        import subprocess
        m = pysens2.SessionMonitor(backend="logind", sessions="all")
        seen = []
        m.on("display_lock", lambda e: seen.append(e))
        m.start()
        driver = subprocess.Popen(
            ["/usr/bin/python3", "-c", {logind_mock.FLIPPER!r}],
            env={{k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}},
            stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while len(seen) < 5 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(seen) >= 5, len(seen)
        for _ in range(3):
            m.stop(); m.start()
        print("leaving", flush=True)
    """)
    logind.add_session("2", "alice")
    env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=logind.address)
    t0 = time.monotonic()
    proc = run_python(code, timeout=60, env=env)
    assert_ok(proc)
    assert "leaving" in proc.stdout
    assert time.monotonic() - t0 < 40


def test_state_now_from_logind(
    logind: logind_mock.LogindMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    logind.add_session("c1", "alice", uid=1000, active=False)
    logind.add_session("2", "bob", uid=1001)  # the seat's active session now
    logind.set("2", "LockedHint", True)
    monkeypatch.setenv("XDG_SESSION_ID", "c1")
    listed = {s.session_id: s for s in pysens2.sessions()}
    assert set(listed) == {"c1", "2"}
    assert (listed["2"].user, listed["2"].station, listed["2"].locked) == ("bob", "seat0", True)
    assert listed["c1"].state is pysens2.ConnectState.DISCONNECTED  # logged in, switched away
    assert listed["2"].state is pysens2.ConnectState.ACTIVE
    me = pysens2.current_session()
    assert (me.session_id, me.user, me.locked) == ("c1", "alice", False)
    assert pysens2.is_locked() is False
    assert pysens2.is_locked("2") is True
    console = pysens2.console_session()
    assert console is not None and console.session_id == "2"
    assert pysens2.idle_time() == 0.0  # IdleHint not set
    since = int((time.time() - 30) * 1e6)
    logind.do("set_u64", "c1", "IdleSinceHint", since)
    logind.set("c1", "IdleHint", True)
    assert 29 <= pysens2.idle_time() < 60
    with pytest.raises(ValueError, match="no session 'nope'"):
        pysens2.is_locked("nope")
    with pytest.raises(TypeError, match="logind session ids are strs"):
        pysens2.is_locked(1)


def test_cli_sessions_json_from_logind(logind: logind_mock.LogindMock) -> None:
    logind.add_session("c1", "alice")
    proc = subprocess.run(
        [sys.executable, "-m", "pysens2", "sessions", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert_ok(proc)
    (record,) = json.loads(proc.stdout)
    assert (record["session_id"], record["user"], record["station"]) == ("c1", "alice", "seat0")


def test_watch_json_shows_real_events(logind: logind_mock.LogindMock) -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "pysens2", "watch", "--json"],
        env=dict(os.environ, XDG_SESSION_ID="2"),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as proc:
        try:
            time.sleep(1.5)  # subscribed by then
            logind.add_session("2", "alice")
            logind.set("2", "LockedHint", True)
            assert proc.stdout is not None
            records = [json.loads(proc.stdout.readline()) for _ in range(2)]
        finally:
            proc.terminate()
            proc.wait(10)
    assert [(r["type"], r["session_id"], r["user"], r["seat"], r["source"]) for r in records] == [
        ("logon", "2", "alice", "seat0", "logind.SessionNew"),
        ("display_lock", "2", "alice", "seat0", "logind.LockedHint"),
    ]
