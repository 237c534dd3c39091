"""Property tests of the public API with hypothesis: any input either works
or raises a clear TypeError/ValueError, and the monitor stays usable."""

from __future__ import annotations

import threading
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pysens2
from pysens2 import EventType, SessionEvent
from pysens2.testing import fire

SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
NAMES = [t.value for t in EventType] + [t.name for t in EventType]


@SETTINGS
@given(st.one_of(st.sampled_from(NAMES), st.text(max_size=30), st.integers(), st.none()))
def test_event_type_names_parse_or_fail_clearly(value: object) -> None:
    try:
        parsed = pysens2._types.parse_event_type(value)
    except ValueError as e:
        assert "valid event types are" in str(e)
    except TypeError as e:
        assert "EventType or its name" in str(e)
    else:
        assert isinstance(parsed, EventType)


@SETTINGS
@given(user=st.text(max_size=200), session=st.integers(min_value=0, max_value=2**32 - 1))
def test_any_user_and_session_round_trip(
    monitor: pysens2.SessionMonitor, user: str, session: int
) -> None:
    fire(monitor, "session_reconnect", user, session, via="dispatch")
    event = monitor.get(timeout=10)
    # Lone surrogates arrive as U+FFFD, everything else unchanged.
    expected = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in user)
    # SENS names arrive as "DOMAIN\\user": split at the first backslash, and
    # given back whole by qualified_user.
    assert (event.qualified_user, event.session_id) == (expected, session)
    assert "\\" not in event.domain


@SETTINGS
@given(session=st.one_of(st.integers(), st.floats(), st.text(max_size=5), st.booleans()))
def test_bad_session_ids_are_rejected_and_harmless(
    monitor: pysens2.SessionMonitor, session: object
) -> None:
    # An int is a Windows session; a non-empty str is logind's.
    valid = (
        isinstance(session, int) and not isinstance(session, bool) and 0 <= session < 2**32
    ) or (isinstance(session, str) and session != "")
    if valid:
        fire(monitor, "logon", "u", session)  # type: ignore[arg-type]
        assert monitor.get(timeout=10).session_id == session
    else:
        with pytest.raises((TypeError, ValueError)):
            fire(monitor, "logon", "u", session)  # type: ignore[arg-type]
    fire(monitor, "logoff", "after", 1)
    assert monitor.get(timeout=10).user == "after"


@settings(max_examples=40, deadline=None)
@given(
    queue_size=st.integers(min_value=-5, max_value=70_000),
    buffer_size=st.integers(min_value=-5, max_value=70_000),
)
def test_sizes_are_validated(queue_size: int, buffer_size: int) -> None:
    ok = 1 <= queue_size and 1 <= buffer_size
    if not ok:
        with pytest.raises(ValueError, match="between 1 and"):
            pysens2.SessionMonitor(
                backend="simulated", queue_size=queue_size, buffer_size=buffer_size
            )
        return
    with pysens2.SessionMonitor(
        backend="simulated", queue_size=queue_size, buffer_size=buffer_size
    ) as m:
        fire(m, "display_lock", "x")
        assert m.get(timeout=10).user == "x"


@settings(max_examples=30, deadline=None)
@given(behaviours=st.lists(st.sampled_from(["ok", "raise", "slow"]), min_size=1, max_size=6))
def test_callbacks_that_raise_or_block_never_stop_delivery(behaviours: list[str]) -> None:
    errors: list[BaseException] = []
    seen: list[int] = []
    done = threading.Event()
    m = pysens2.SessionMonitor(backend="simulated", on_error=lambda e, ev: errors.append(e))

    def make(kind: str, index: int):  # type: ignore[no-untyped-def]
        def callback(event: SessionEvent) -> None:
            seen.append(index)
            if kind == "raise":
                raise RuntimeError(index)
            if kind == "slow":
                time.sleep(0.001)

        return callback

    for i, kind in enumerate(behaviours):
        m.on("logon", make(kind, i))
    m.on("logon", lambda e: done.set())
    with m:
        fire(m, "logon", "u", 1)
        assert done.wait(10)
    assert seen == list(range(len(behaviours)))
    assert len(errors) == behaviours.count("raise")
