"""The SENS backend end to end in Windows CPython: SessionMonitor(backend="sens")
subscribes to an Event System stand-in loaded into this process
(tests/fake_event_system.py), which publishes to the stored subscribers from a
thread of its own, by vtable and by IDispatch, as the real one does."""

from __future__ import annotations

import asyncio
import functools
import os
import re
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

import pysens2
from conftest import PERF_COUNTER_TOLERANCE_NS, assert_ok, run_python

if sys.platform != "win32":
    pytest.skip("the SENS backend exists only on Windows", allow_module_level=True)

import fake_event_system as fes

fes.skip_module_unless_built()

APARTMENTS = ["mta", "sta"]
VIAS = ["vtable", "dispatch"]
GUID = re.compile(r"^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$", re.I)
# EventType of each SENS method, for checking what arrives.
TYPE_OF = {
    "Logon": pysens2.EventType.LOGON,
    "Logoff": pysens2.EventType.LOGOFF,
    "SessionDisconnect": pysens2.EventType.SESSION_DISCONNECT,
    "SessionReconnect": pysens2.EventType.SESSION_RECONNECT,
    "PostShell": pysens2.EventType.POST_SHELL,
    "StartShell": pysens2.EventType.START_SHELL,
    "DisplayLock": pysens2.EventType.DISPLAY_LOCK,
    "DisplayUnlock": pysens2.EventType.DISPLAY_UNLOCK,
    "StartScreenSaver": pysens2.EventType.START_SCREEN_SAVER,
    "StopScreenSaver": pysens2.EventType.STOP_SCREEN_SAVER,
}


@pytest.fixture
def event_system() -> Iterator[fes.FakeEventSystem]:
    es = fes.load()
    es.start()
    try:
        yield es
    finally:
        es.stop()


def _collect(
    monitor: pysens2.SessionMonitor, n: int, timeout: float = 10
) -> list[pysens2.SessionEvent]:
    return [monitor.get(timeout=timeout) for _ in range(n)]


@pytest.mark.parametrize("apartment", APARTMENTS)
def test_one_subscription_per_event_type(event_system: fes.FakeEventSystem, apartment: str) -> None:
    with pysens2.SessionMonitor(backend="sens", apartment=apartment):
        records = event_system.records()
    assert sorted(r.method for r in records) == sorted(fes.METHODS)
    for r in records:
        assert r.event_class_id.upper() == fes.METHODS[r.method]
        assert r.publisher_id.upper() == fes.SENSGUID_PUBLISHER
        assert r.per_user is True
        assert GUID.match(r.subscription_id), r.subscription_id
        assert r.name == f"pysens2 pid {os.getpid()} {r.method}"
    assert len({r.subscription_id for r in records}) == len(records)
    # Fresh IDs each time: a fixed ID would replace another subscriber's subscription.
    with pysens2.SessionMonitor(backend="sens", apartment=apartment):
        again = {r.subscription_id for r in event_system.records()}
    assert not again & {r.subscription_id for r in records}


def test_only_requested_types_and_machine_wide(event_system: fes.FakeEventSystem) -> None:
    with pysens2.SessionMonitor(
        ["display_lock", "session_reconnect"], backend="sens", per_user=False
    ):
        records = event_system.records()
    assert sorted(r.method for r in records) == ["DisplayLock", "SessionReconnect"]
    assert not any(r.per_user for r in records)


@pytest.mark.parametrize("via", VIAS)
@pytest.mark.parametrize("apartment", APARTMENTS)
def test_published_events_reach_callbacks_get_and_streams(
    event_system: fes.FakeEventSystem, apartment: str, via: str
) -> None:
    own = fes.own_session_id()
    seen: list[pysens2.SessionEvent] = []
    all_seen = threading.Event()

    def on_any(e: pysens2.SessionEvent) -> None:
        seen.append(e)
        if len(seen) == len(TYPE_OF):
            all_seen.set()

    async def stream(monitor: pysens2.SessionMonitor) -> list[pysens2.SessionEvent]:
        got = []
        async for e in monitor.events():
            got.append(e)
            if len(got) == len(TYPE_OF):
                break
        return got

    async def main() -> tuple[list[pysens2.SessionEvent], list[pysens2.SessionEvent]]:
        with pysens2.SessionMonitor(backend="sens", apartment=apartment) as m:
            for t in m.event_types:
                m.on(t, on_any)
            task = asyncio.ensure_future(stream(m))
            await asyncio.sleep(0.1)  # the stream is attached
            before = time.perf_counter_ns()
            for method in fes.METHODS:
                await asyncio.get_running_loop().run_in_executor(
                    None,
                    functools.partial(
                        event_system.publish, "CONTOSO\\alice ✓", own, via=via, method=method
                    ),
                )
            from_stream = await asyncio.wait_for(task, 10)
            from_get = _collect(m, len(TYPE_OF))
            after = time.perf_counter_ns()
            tol = PERF_COUNTER_TOLERANCE_NS
            assert all(before - tol <= e.monotonic_ns <= after + tol for e in from_get)
            return from_get, from_stream

    from_get, from_stream = asyncio.run(main())
    assert all_seen.wait(10)
    expected = [TYPE_OF[m] for m in fes.METHODS]
    for got in (seen, from_get, from_stream):
        assert [e.type for e in got] == expected
        for e in got:
            assert (e.domain, e.user) == ("CONTOSO", "alice ✓")
            assert e.session_id == (own if e.type.has_session_id else None)
    assert {e.source for e in from_get} == {
        f"{'ISensLogon2' if TYPE_OF[m].has_session_id else 'ISensLogon'}.{m}" for m in fes.METHODS
    }


@pytest.mark.parametrize("apartment", APARTMENTS)
def test_own_sessions_only_by_the_real_session_id(
    event_system: fes.FakeEventSystem, apartment: str
) -> None:
    own = fes.own_session_id()
    with (
        pysens2.SessionMonitor(["logon"], backend="sens", apartment=apartment) as mine,
        pysens2.SessionMonitor(
            ["logon"], backend="sens", apartment=apartment, sessions="all"
        ) as every,
    ):
        assert mine.sessions == "own" and every.sessions == "all"
        event_system.publish("other", own + 1, method="Logon")
        event_system.publish("me", own, method="Logon")
        assert [(e.user, e.session_id) for e in _collect(every, 2)] == [
            ("other", own + 1),
            ("me", own),
        ]
        got = mine.get(timeout=10)
        assert (got.user, got.session_id) == ("me", own)
        with pytest.raises(TimeoutError):
            mine.get(timeout=0.3)


@pytest.mark.parametrize("apartment", APARTMENTS)
def test_failed_store_rolls_back_and_says_what_failed(
    event_system: fes.FakeEventSystem, apartment: str
) -> None:
    event_system.fail_store_at(3, 0x80040207)  # EVENT_E_INVALID_PER_USER_SID
    m = pysens2.SessionMonitor(backend="sens", apartment=apartment)
    with pytest.raises(pysens2.ComError) as info:
        m.start()
    err = info.value
    assert err.hresult == 0x80040207
    message = str(err)
    assert "IEventSystem::Store" in message and "0x80040207" in message
    assert any(method in message for method in fes.METHODS), message
    assert not m.running
    assert event_system.records() == []  # the two stored before were removed
    assert event_system.remove_calls == 2
    event_system.fail_store_at(0, 0)
    with m:  # a later start works
        assert len(event_system.records()) == len(fes.METHODS)


@pytest.mark.parametrize("apartment", APARTMENTS)
def test_stop_removes_every_subscription(event_system: fes.FakeEventSystem, apartment: str) -> None:
    for _ in range(3):
        m = pysens2.SessionMonitor(backend="sens", apartment=apartment).start()
        assert len(event_system.records()) == len(fes.METHODS)
        assert m.stop(timeout=10)
        assert event_system.records() == []
    assert event_system.remove_calls == 3 * len(fes.METHODS)


@pytest.mark.parametrize("hresult", [0x800706BA, 0x80010108, 0x80070490])
def test_stop_treats_a_gone_event_system_as_removed(
    event_system: fes.FakeEventSystem, hresult: int
) -> None:
    # RPC server unavailable, disconnected, not found: after an Event System
    # restart the transient subscriptions are gone; stop() (and `with`) succeed.
    m = pysens2.SessionMonitor(["logon", "display_lock"], backend="sens").start()
    event_system.fail_remove(hresult)
    assert m.stop(timeout=10)
    assert not m.running


def test_stop_reports_a_real_remove_failure_after_stopping(
    event_system: fes.FakeEventSystem,
) -> None:
    m = pysens2.SessionMonitor(["logon"], backend="sens").start()
    event_system.fail_remove(0x80070005)  # E_ACCESSDENIED
    with pytest.raises(pysens2.ComError) as info:
        m.stop(timeout=10)
    assert info.value.hresult == 0x80070005 and "IEventSystem::Remove(Logon)" in str(info.value)
    assert not m.running


def test_interpreter_exit_removes_every_subscription(tmp_path: Path) -> None:
    # Monitors left running in both apartments, events in flight; the log is
    # written by the stand-in as each call happens and read after the process ends.
    log = tmp_path / "event_system.log"
    proc = run_python(
        textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        import fake_event_system as fes  # first: its exit hook must run after pysens2's
        import pysens2
        es = fes.load()
        es.start({str(log)!r})
        got = []
        for apartment in ("mta", "sta"):
            m = pysens2.SessionMonitor(backend="sens", apartment=apartment, sessions="all")
            m.on("logon", got.append)
            m.start()
        es.publish("bye", 1, method="Logon")
        print("stored", len(es.records()))
        """),
        timeout=60,
    )
    assert_ok(proc)
    assert "stored 20" in proc.stdout
    entries = [line.split(" ", 1) for line in log.read_text().splitlines()]
    stored = {sid for what, sid in entries if what == "store"}
    removed = {sid for what, sid in entries if what == "remove"}
    assert len(stored) == 20
    assert removed == stored


@pytest.mark.skipif(
    fes.real_event_system_registered(),
    reason="this machine has the real COM+ Event System",
)
def test_start_without_an_event_system_fails_with_the_hint() -> None:
    m = pysens2.SessionMonitor(backend="sens")
    with pytest.raises(pysens2.ComError) as info:
        m.start()
    assert info.value.hresult == 0x80040154
    assert "CoCreateInstance(CLSID_CEventSystem)" in str(info.value)
    assert "COM+ Event System" in str(info.value)
    assert not m.running


@pytest.mark.skipif(
    fes.real_event_system_registered(),
    reason="this machine has the real COM+ Event System",
)
def test_cli_watch_without_an_event_system_fails_clearly() -> None:
    proc = run_python("import sys; from pysens2 import cli; sys.exit(cli.main(['watch']))")
    assert_ok(proc, 1)
    assert "0x80040154" in proc.stderr and "COM+ Event System" in proc.stderr
