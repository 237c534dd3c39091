"""Every event type, through both COM routes, arrives with the right fields."""

from __future__ import annotations

import sys
import threading
import time

import pytest

import pysens2
from conftest import PERF_COUNTER_TOLERANCE_NS, sample_session
from pysens2 import EventType, SessionEvent
from pysens2.testing import fire

SOURCES = {
    EventType.LOGON: "ISensLogon2.Logon",
    EventType.LOGOFF: "ISensLogon2.Logoff",
    EventType.POST_SHELL: "ISensLogon2.PostShell",
    EventType.SESSION_DISCONNECT: "ISensLogon2.SessionDisconnect",
    EventType.SESSION_RECONNECT: "ISensLogon2.SessionReconnect",
    EventType.START_SHELL: "ISensLogon.StartShell",
    EventType.DISPLAY_LOCK: "ISensLogon.DisplayLock",
    EventType.DISPLAY_UNLOCK: "ISensLogon.DisplayUnlock",
    EventType.START_SCREEN_SAVER: "ISensLogon.StartScreenSaver",
    EventType.STOP_SCREEN_SAVER: "ISensLogon.StopScreenSaver",
    # The types only WTS delivers reach a simulated monitor as WTS sends them.
    EventType.CONSOLE_CONNECT: "WTS.CONSOLE_CONNECT",
    EventType.CONSOLE_DISCONNECT: "WTS.CONSOLE_DISCONNECT",
    EventType.REMOTE_CONNECT: "WTS.REMOTE_CONNECT",
    EventType.REMOTE_DISCONNECT: "WTS.REMOTE_DISCONNECT",
    EventType.REMOTE_CONTROL: "WTS.SESSION_REMOTE_CONTROL",
    EventType.SESSION_CHANGE: "WTS.OTHER",
    # ...and the types only logind delivers, as logind sends them.
    EventType.IDLE_START: "logind.IdleHint",
    EventType.IDLE_END: "logind.IdleHint",
    EventType.SYSTEM_SLEEP: "logind.PrepareForSleep",
    EventType.SYSTEM_RESUME: "logind.PrepareForSleep",
    EventType.SYSTEM_SHUTDOWN: "logind.PrepareForShutdown",
    EventType.SHUTDOWN_CANCELLED: "logind.PrepareForShutdown",
    EventType.SOURCE_LOST: "logind.bus",
    EventType.SOURCE_RESTORED: "logind.bus",
}


@pytest.mark.parametrize("via", ["vtable", "dispatch"])
@pytest.mark.parametrize("etype", list(EventType), ids=lambda t: t.name)
def test_each_type_reaches_its_callback(
    monitor: pysens2.SessionMonitor, etype: EventType, via: str
) -> None:
    got: list[SessionEvent] = []
    done = threading.Event()
    callback_threads: list[threading.Thread] = []

    def on_event(e: SessionEvent) -> None:
        got.append(e)
        callback_threads.append(threading.current_thread())
        done.set()

    monitor.on(etype, on_event)
    session = sample_session(etype) if etype.has_session_id else None
    before = time.perf_counter_ns()
    code = 0xF if etype is EventType.SESSION_CHANGE else None  # a code pysens2 does not know
    fire(monitor, etype, "alice", session, via=via, code=code)  # type: ignore[arg-type]
    assert done.wait(10)
    (e,) = got
    assert e.type is etype
    assert e.user == "alice"
    assert e.session_id == session
    assert e.source == SOURCES[etype]
    # monotonic_ns is on time.perf_counter_ns()'s clock, on every platform.
    tol = PERF_COUNTER_TOLERANCE_NS
    assert before - tol <= e.monotonic_ns <= time.perf_counter_ns() + tol
    assert abs(e.timestamp.timestamp() - time.time()) < 60
    # Callbacks run on the dispatcher thread, not the caller's.
    assert callback_threads[0] is not threading.current_thread()
    # The same event also reaches get().
    assert monitor.get(timeout=10) == e


NAMES = {
    "accented": "José Müller",
    "cjk": "田中太郎",
    "emoji": "user😀🚀",
    "domain": "CONTOSO\\svc_account",
    "empty": "",
    "embedded_nul": "a\x00b",
    "64KiB": "é" * 32768,
}


@pytest.mark.parametrize("via", ["vtable", "dispatch"])
@pytest.mark.parametrize("name", list(NAMES), ids=list(NAMES))
def test_unicode_user_names_survive(monitor: pysens2.SessionMonitor, name: str, via: str) -> None:
    fire(monitor, "session_disconnect", NAMES[name], 1, via=via)  # type: ignore[arg-type]
    assert monitor.get(timeout=10).qualified_user == NAMES[name]


def test_sens_names_split_into_domain_and_account(monitor: pysens2.SessionMonitor) -> None:
    # SENS delivers "DOMAIN\\user"; WTS gives the two apart. Both read the same.
    fire(monitor, "session_disconnect", "CONTOSO\\alice", 1)
    fire(monitor, "remote_connect", "CONTOSO\\alice", 1)
    for expected_source in ("ISensLogon2.SessionDisconnect", "WTS.REMOTE_CONNECT"):
        e = monitor.get(timeout=10)
        assert (e.domain, e.user, e.qualified_user) == ("CONTOSO", "alice", "CONTOSO\\alice")
        assert e.source == expected_source


@pytest.mark.parametrize("via", ["vtable", "dispatch"])
def test_unpaired_surrogate_becomes_replacement_char(
    monitor: pysens2.SessionMonitor, via: str
) -> None:
    fire(monitor, "logon", "a\ud800b\udc00", 1, via=via)  # type: ignore[arg-type]
    assert monitor.get(timeout=10).user == "a\ufffdb\ufffd"


def test_null_bstr_is_empty_name(monitor: pysens2.SessionMonitor) -> None:
    fire(monitor, "display_lock", None)
    assert monitor.get(timeout=10).user == ""


@pytest.mark.parametrize("session", [0, 1, 4294967295])
def test_session_id_bounds(monitor: pysens2.SessionMonitor, session: int) -> None:
    fire(monitor, "logon", "u", session)
    fire(monitor, "logon", "u", session, via="dispatch")
    assert monitor.get(timeout=10).session_id == session
    assert monitor.get(timeout=10).session_id == session


def test_default_session_id_is_the_monitors_own(monitor: pysens2.SessionMonitor) -> None:
    fire(monitor, "logoff", "u")
    assert monitor.get(timeout=10).session_id == monitor._native.own_session


def test_monitor_receives_only_its_event_types() -> None:
    with pysens2.SessionMonitor(["display_lock"], backend="simulated") as m:
        fire(m, "display_unlock", "u")  # the sink filters it out
        fire(m, "display_lock", "u")
        assert m.get(timeout=10).type is EventType.DISPLAY_LOCK
        with pytest.raises(TimeoutError):
            m.get(timeout=0.2)
        with pytest.raises(ValueError, match="does not receive DISPLAY_UNLOCK"):
            m.on("display_unlock", print)


def test_several_callbacks_and_removal(monitor: pysens2.SessionMonitor) -> None:
    a: list[str] = []
    b: list[str] = []
    ha = monitor.on("logon", lambda e: a.append(e.user))

    @monitor.on("logon")
    def hb(e: SessionEvent) -> None:
        b.append(e.user)

    fire(monitor, "logon", "1", 1)
    monitor.get(timeout=10)
    assert ha.remove() is True
    assert ha.remove() is False
    fire(monitor, "logon", "2", 1)
    monitor.get(timeout=10)
    assert a == ["1"]
    assert b == ["1", "2"]
    # The decorator leaves a callable handle.
    hb(SessionEvent("logon", "direct", 1))
    assert b[-1] == "direct"
    assert hb.remove()


def test_iteration_ends_when_the_monitor_stops() -> None:
    m = pysens2.SessionMonitor(backend="simulated").start()
    for i in range(3):
        fire(m, "logon", str(i), i)
    m.stop()
    # Events received before stop() are still handed out, then iteration ends.
    assert [e.user for e in m] == ["0", "1", "2"]
    with pytest.raises(pysens2.MonitorStopped):
        m.get(timeout=1)


def test_restart_delivers_again() -> None:
    m = pysens2.SessionMonitor(backend="simulated")
    got: list[str] = []
    m.on("logon", lambda e: got.append(e.user))
    for i in range(3):
        with m:
            fire(m, "logon", f"run{i}", 1)
    assert got == ["run0", "run1", "run2"]


def test_sessions_own_keeps_only_the_own_session() -> None:
    with pysens2.SessionMonitor(backend="simulated", sessions="own") as m:
        assert m.sessions == "own"
        own = m._native.own_session
        fire(m, "logon", "other", own + 1)
        fire(m, "display_lock", "no-session")  # ISensLogon events always pass
        fire(m, "logon", "mine", own)
        assert [m.get(timeout=10).user for _ in range(2)] == ["no-session", "mine"]
        with pytest.raises(TimeoutError):
            m.get(timeout=0.2)
    assert pysens2.SessionMonitor(backend="simulated").sessions == "all"


def test_get_buffer_keeps_the_newest_and_counts_the_rest() -> None:
    got: list[int | None] = []
    with pysens2.SessionMonitor(backend="simulated", buffer_size=3) as m:
        m.on("logon", lambda e: got.append(e.session_id))
        for i in range(5):
            fire(m, "logon", "u", i)
        while len(got) < 5:
            time.sleep(0.01)
        # Callbacks saw everything; get() keeps the newest buffer_size events.
        assert [m.get(timeout=10).session_id for _ in range(3)] == [2, 3, 4]
        assert m.missed == 2
    assert got == [0, 1, 2, 3, 4]


def test_a_failing_repr_does_not_cost_later_handlers_or_the_report(
    monitor: pysens2.SessionMonitor,
) -> None:
    # A bound method whose object's __repr__ raises, and raises itself.
    class Broken:
        def __repr__(self) -> str:
            raise RuntimeError("no repr")

        def handle(self, e: SessionEvent) -> None:
            raise ValueError("handler failed")

    reported: list[BaseException] = []
    second: list[SessionEvent] = []
    monitor.on("logon", Broken().handle)
    monitor.on("logon", second.append)
    old_hook = sys.unraisablehook
    sys.unraisablehook = lambda u: reported.append(u.exc_value)  # type: ignore[assignment,misc]
    try:
        for _ in range(3):
            fire(monitor, "logon", "alice", 1)
        for _ in range(3):
            monitor.get(timeout=10)
    finally:
        sys.unraisablehook = old_hook
    assert len(second) == 3
    assert [type(e) for e in reported] == [ValueError] * 3


def test_get_inside_a_callback_is_a_clear_error(monitor: pysens2.SessionMonitor) -> None:
    errors: list[BaseException] = []
    done = threading.Event()

    def handler(e: SessionEvent) -> None:
        try:
            monitor.get(timeout=5)
        except RuntimeError as exc:
            errors.append(exc)
        done.set()

    monitor.on("logon", handler)
    fire(monitor, "logon", "alice", 1)
    assert done.wait(10)
    assert len(errors) == 1 and "inside this monitor's callback" in str(errors[0])


def test_restart_keeps_unread_events_and_the_counters() -> None:
    m = pysens2.SessionMonitor(backend="simulated", buffer_size=2)
    with m:
        for i in range(3):
            fire(m, "logon", "u", i)
        while m.missed < 1:  # the third event pushed out the first
            time.sleep(0.01)
    with m:  # restarted before reading: nothing unread is lost, nothing uncounted
        assert [m.get(timeout=10).session_id for _ in range(2)] == [1, 2]
        assert m.missed == 1
        fire(m, "logon", "u", 9)
        assert m.get(timeout=10).session_id == 9
