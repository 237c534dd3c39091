"""Session events inside a Windows service: a monitor with backend="service"
takes each SERVICE_CONTROL_SESSIONCHANGE a service's handler receives, in one
call that only queues. Runs on every platform (the service manager's calls
are simulated by calling service_control() as pywin32's SvcOtherEx would)."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest

import pysens2
from pysens2 import (
    SERVICE_CONTROL_SESSIONCHANGE,
    WTS_SESSION_LOCK,
    WTS_SESSION_LOGON,
    EventType,
)

SERVICE_CONTROL_INTERROGATE = 0x4


def test_each_session_change_becomes_an_event() -> None:
    with pysens2.SessionMonitor(backend="service") as m:
        assert m.sessions == "all"  # a service's own session is 0, where nobody works
        for code in range(1, 10):
            assert m.service_control(SERVICE_CONTROL_SESSIONCHANGE, code, (code + 10,))
        assert m.service_control(SERVICE_CONTROL_SESSIONCHANGE, 0xF, 3)  # an unknown code
        got = [m.get(timeout=10) for _ in range(10)]
    names = [
        "CONSOLE_CONNECT",
        "CONSOLE_DISCONNECT",
        "REMOTE_CONNECT",
        "REMOTE_DISCONNECT",
        "SESSION_LOGON",
        "SESSION_LOGOFF",
        "SESSION_LOCK",
        "SESSION_UNLOCK",
        "SESSION_REMOTE_CONTROL",
    ]
    assert [e.source for e in got[:9]] == [f"SERVICE.{n}" for n in names]
    assert [e.code for e in got] == [*range(1, 10), 0xF]
    assert [e.session_id for e in got[:9]] == list(range(11, 20))
    assert got[6].type is EventType.DISPLAY_LOCK
    assert (got[9].type, got[9].source, got[9].session_id) == (
        EventType.SESSION_CHANGE,
        "SERVICE.OTHER",
        3,
    )


def test_other_controls_are_left_to_the_service() -> None:
    with pysens2.SessionMonitor(backend="service") as m:
        assert m.service_control(SERVICE_CONTROL_INTERROGATE, 0, None) is False
    # Stopped: nothing is queued, and the service manager's thread is told so.
    assert m.service_control(SERVICE_CONTROL_SESSIONCHANGE, WTS_SESSION_LOCK, (1,)) is False


def test_the_call_only_queues_even_while_callbacks_block() -> None:
    release = threading.Event()
    with pysens2.SessionMonitor(backend="service") as m:
        m.on("display_lock", lambda e: release.wait(30))
        t0 = time.monotonic()
        for _ in range(100):
            assert m.service_control(SERVICE_CONTROL_SESSIONCHANGE, WTS_SESSION_LOCK, (1,))
        elapsed = time.monotonic() - t0
        release.set()
    assert elapsed < 5, "service_control() waited for a callback"


def test_a_monitor_asked_for_types_a_service_cannot_get_fails_clearly() -> None:
    with pytest.raises(ValueError, match="'service' cannot deliver START_SHELL; it delivers"):
        pysens2.SessionMonitor(["start_shell", "display_lock"], backend="service")


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((SERVICE_CONTROL_SESSIONCHANGE, WTS_SESSION_LOGON, "1"), TypeError, r"\(session_id,\)"),
        ((SERVICE_CONTROL_SESSIONCHANGE, WTS_SESSION_LOGON, (-1,)), ValueError, "session id"),
        ((SERVICE_CONTROL_SESSIONCHANGE, -5, (1,)), ValueError, "event_type must be between"),
        (("14", WTS_SESSION_LOGON, (1,)), TypeError, "control must be an int"),
    ],
)
def test_bad_service_controls_are_clear_errors(
    args: tuple[object, object, object], error: type[Exception], message: str
) -> None:
    with pysens2.SessionMonitor(backend="service") as m:
        with pytest.raises(error, match=message):
            m.service_control(*args)  # type: ignore[arg-type]
        # Nothing was lost, and the monitor goes on.
        assert m.service_control(SERVICE_CONTROL_SESSIONCHANGE, WTS_SESSION_LOCK, (2,))
        assert m.get(timeout=10).session_id == 2


def test_service_control_on_another_backend_says_which_it_needs() -> None:
    with pysens2.SessionMonitor(backend="simulated") as m:
        with pytest.raises(ValueError, match='backend="service"'):
            m.service_control(SERVICE_CONTROL_SESSIONCHANGE, WTS_SESSION_LOCK, (1,))


README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_service_recipe_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    # The recipe as the README gives it, against stand-ins for pywin32's
    # service modules (a real service needs the service manager).
    import sys
    import types

    text = README.read_text(encoding="utf-8")
    match = re.search(r"<!-- service-recipe -->\s*```python\n(.*?)```", text, re.S)
    assert match, "the README's service recipe is missing"

    accepted: list[int] = []

    class ServiceFramework:
        def __init__(self, args: object) -> None:
            self.args = args

        def GetAcceptedControls(self) -> int:
            return 0x1  # SERVICE_ACCEPT_STOP

        def ReportServiceStatus(self, status: int) -> None:
            pass

    win32serviceutil = types.ModuleType("win32serviceutil")
    win32serviceutil.ServiceFramework = ServiceFramework  # type: ignore[attr-defined]
    win32service = types.ModuleType("win32service")
    win32service.SERVICE_STOP_PENDING = 3  # type: ignore[attr-defined]
    win32event = types.ModuleType("win32event")
    stop = threading.Event()
    win32event.CreateEvent = lambda *a: stop  # type: ignore[attr-defined]
    win32event.SetEvent = lambda e: e.set()  # type: ignore[attr-defined]
    win32event.WaitForSingleObject = lambda e, ms: e.wait()  # type: ignore[attr-defined]
    win32event.INFINITE = -1  # type: ignore[attr-defined]
    for name, module in (
        ("win32serviceutil", win32serviceutil),
        ("win32service", win32service),
        ("win32event", win32event),
    ):
        monkeypatch.setitem(sys.modules, name, module)

    namespace: dict[str, object] = {"__name__": "recipe"}
    exec(compile(match.group(1), "README service recipe", "exec"), namespace)
    service = namespace["SessionAwareService"]("args")  # type: ignore[operator]
    accepted.append(service.GetAcceptedControls())
    assert accepted[0] & pysens2.SERVICE_ACCEPT_SESSIONCHANGE
    runner = threading.Thread(target=service.SvcDoRun)
    runner.start()
    deadline = time.monotonic() + 10
    while not service.monitor.running and time.monotonic() < deadline:
        time.sleep(0.01)
    service.SvcOtherEx(SERVICE_CONTROL_SESSIONCHANGE, WTS_SESSION_LOCK, (4,))
    deadline = time.monotonic() + 10
    while not service.seen and time.monotonic() < deadline:
        time.sleep(0.01)
    service.SvcStop()
    runner.join(10)
    assert not runner.is_alive()
    assert [(e.type, e.session_id) for e in service.seen] == [(EventType.DISPLAY_LOCK, 4)]
