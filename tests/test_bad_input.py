"""Wrong arguments raise clear TypeError/ValueError and leave the monitor usable."""

from __future__ import annotations

import sys
from typing import Any, Callable

import pytest

import pysens2
from conftest import assert_ok, run_python
from pysens2 import testing
from pysens2.testing import VT, Variant


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"events": ["logon", "bogus"]}, ValueError, "valid event types are"),
        ({"events": []}, ValueError, "at least one event type"),
        ({"events": 5}, TypeError, "iterable of EventType"),
        (
            {"backend": "wmi"},
            ValueError,
            "expected one of: auto, sens, wts, logind, service, simulated",
        ),
        ({"backend": None}, TypeError, "backend must be a str"),
        ({"sessions": "mine"}, ValueError, "expected one of: own, all"),
        ({"apartment": "neutral"}, ValueError, "expected one of: mta, sta"),
        ({"apartment": 1}, TypeError, "apartment must be a str"),
        ({"per_user": "yes"}, TypeError, "per_user must be a bool"),
        ({"queue_size": 0}, ValueError, "between 1 and"),
        ({"queue_size": 2**40}, ValueError, "between 1 and"),
        ({"queue_size": 1.5}, TypeError, "queue_size must be an int"),
        ({"queue_size": True}, TypeError, "queue_size must be an int"),
        ({"buffer_size": 0}, ValueError, "buffer_size must be between 1 and"),
        ({"buffer_size": "big"}, TypeError, "buffer_size must be an int"),
        ({"on_error": "print"}, TypeError, "on_error must be a callable"),
    ],
)
def test_constructor(kwargs: dict[str, Any], error: type[Exception], message: str) -> None:
    kwargs.setdefault("backend", "simulated")
    with pytest.raises(error, match=message):
        pysens2.SessionMonitor(**kwargs)


@pytest.mark.skipif(sys.platform == "win32", reason="Windows has real backends: SENS and WTS")
def test_auto_backend_is_never_silent_without_a_real_source() -> None:
    # (conftest.py hides any system bus: here, a machine without logind)
    with pytest.raises(pysens2.BackendUnavailableError, match='backend="simulated"') as info:
        pysens2.SessionMonitor()
    if sys.platform.startswith("linux"):
        assert "cannot connect to the system bus" in str(info.value)
    for name in ("sens", "wts"):
        with pytest.raises(pysens2.BackendUnavailableError, match="a Windows facility"):
            pysens2.SessionMonitor(backend=name)


@pytest.mark.skipif(sys.platform != "win32", reason="SENS and WTS exist only on Windows")
def test_auto_backend_is_sens_and_wts_on_windows() -> None:
    m = pysens2.SessionMonitor()
    assert m.backend == "sens+wts"
    assert m.sessions == "own"  # the default: only this process's session
    assert m.event_types == pysens2.backends()["auto"].event_types
    assert pysens2.EventType.REMOTE_CONNECT in m.event_types


def test_backends_report() -> None:
    info = pysens2.backends()
    assert set(info) == {"auto", "sens", "wts", "logind", "service", "simulated"}
    assert info["simulated"].available and info["service"].available
    every = frozenset(pysens2.EventType)
    assert info["simulated"].event_types == every
    if sys.platform == "win32":
        assert info["auto"].event_types == info["sens"].event_types | info["wts"].event_types
    else:
        assert info["auto"].event_types == info["logind"].event_types
    assert pysens2.EventType.REMOTE_CONNECT not in info["sens"].event_types
    assert pysens2.EventType.START_SHELL not in info["wts"].event_types
    assert info["service"].event_types == info["wts"].event_types
    for name in ("sens", "wts"):
        if sys.platform == "win32":
            assert info[name].available
        else:
            assert not info[name].available and "Windows" in info[name].reason
    if sys.platform == "win32":
        assert info["auto"].available and not info["logind"].available


BAD_CALLS: list[tuple[str, Callable[[pysens2.SessionMonitor], object], type[Exception], str]] = [
    ("on callback", lambda m: m.on("logon", 42), TypeError, "callback must be callable"),
    ("on type", lambda m: m.on(None, print), TypeError, "EventType or its name"),
    ("stop timeout", lambda m: m.stop(timeout=-1), ValueError, ">= 0"),
    ("stop timeout type", lambda m: m.stop(timeout="1"), TypeError, "number of seconds"),
    ("get timeout", lambda m: m.get(timeout=float("nan")), ValueError, ">= 0"),
    ("start twice", lambda m: m.start(), RuntimeError, "already running"),
    ("fire monitor", lambda m: testing.fire(object(), "logon"), TypeError, "SessionMonitor"),
    ("fire type", lambda m: testing.fire(m, "nope"), ValueError, "valid event types"),
    ("fire user", lambda m: testing.fire(m, "logon", b"x", 1), TypeError, "user must be a str"),
    ("fire session", lambda m: testing.fire(m, "logon", "x", -1), ValueError, "between 0 and"),
    (
        "fire session type",
        lambda m: testing.fire(m, "logon", "x", 1.0),
        TypeError,
        "must be an int",
    ),
    (
        "fire session on ISensLogon",
        lambda m: testing.fire(m, "display_lock", "x", 1, source="ISensLogon.DisplayLock"),
        ValueError,
        "no session id",
    ),
    ("fire via", lambda m: testing.fire(m, "logon", via="idispatch"), ValueError, "via must be"),
    ("burst count", lambda m: testing.fire_burst(m, "logon", -1), ValueError, "count must be"),
    (
        "burst threads",
        lambda m: testing.fire_burst(m, "logon", 1, threads=0),
        ValueError,
        "threads must be",
    ),
    (
        "invoke iface",
        lambda m: testing.fire_raw_invoke(m, "IFoo", 1, []),
        ValueError,
        "interface must be",
    ),
    (
        "invoke arg",
        lambda m: testing.fire_raw_invoke(m, "ISensLogon", 1, [5]),
        TypeError,
        "Variant",
    ),
    (
        "invoke vt",
        lambda m: testing.fire_raw_invoke(m, "ISensLogon", 1, [Variant(-1, 0)]),
        ValueError,
        "VARTYPE",
    ),
    (
        "invoke value",
        lambda m: testing.fire_raw_invoke(m, "ISensLogon", 1, [Variant(VT.I4, "x")]),
        TypeError,
        "int value",
    ),
    (
        "names",
        lambda m: testing.get_ids_of_names(m, "ISensLogon", "Logon"),
        TypeError,
        "sequence of str",
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "message"), [c[1:] for c in BAD_CALLS], ids=[c[0] for c in BAD_CALLS]
)
def test_bad_calls_leave_the_monitor_usable(
    monitor: pysens2.SessionMonitor,
    call: Callable[[pysens2.SessionMonitor], object],
    error: type[Exception],
    message: str,
) -> None:
    with pytest.raises(error, match=message):
        call(monitor)
    testing.fire(monitor, "logon", "still-works", 1)
    assert monitor.get(timeout=10).user == "still-works"


def test_a_sub_interpreter_import_is_refused_clearly() -> None:
    testcapi = pytest.importorskip("_testcapi", reason="needs CPython's _testcapi module")
    if not hasattr(testcapi, "run_in_subinterp"):
        pytest.skip("this CPython's _testcapi has no run_in_subinterp")
    proc = run_python(
        "import sys, _testcapi\n"
        "import pysens2\n"  # the main interpreter may import it
        "rc = _testcapi.run_in_subinterp('import pysens2')\n"
        "print('rc', rc)\n"
    )
    assert_ok(proc)
    assert "rc -1" in proc.stdout or "rc 1" in proc.stdout, proc.stdout
    assert "sub-interpreter" in proc.stderr, proc.stderr
