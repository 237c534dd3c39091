from __future__ import annotations

import datetime
import pickle
import time

import pytest

from conftest import PERF_COUNTER_TOLERANCE_NS
from pysens2 import EventType, SessionEvent


def test_fields_and_defaults() -> None:
    e = SessionEvent("session_disconnect", "alice", 7, timestamp_ns=1_700_000_000_123_456_789)
    assert e.type is EventType.SESSION_DISCONNECT
    assert e.user == "alice"
    assert e.session_id == 7
    assert e.source == "ISensLogon2.SessionDisconnect"
    assert e.timestamp == datetime.datetime(
        2023, 11, 14, 22, 13, 20, 123456, tzinfo=datetime.timezone.utc
    )
    assert e.timestamp.tzinfo is not None
    assert isinstance(e.monotonic_ns, int)


def test_logon_without_session_id_comes_from_isenslogon() -> None:
    assert SessionEvent(EventType.LOGON, "bob").source == "ISensLogon.Logon"
    assert SessionEvent(EventType.LOGON, "bob", 1).source == "ISensLogon2.Logon"


def test_immutable_hashable_equal() -> None:
    a = SessionEvent("display_lock", "x", timestamp_ns=1, monotonic_ns=2)
    b = SessionEvent("DISPLAY_LOCK", "x", timestamp_ns=1, monotonic_ns=2)
    c = SessionEvent("display_lock", "y", timestamp_ns=1, monotonic_ns=2)
    assert a == b and hash(a) == hash(b)
    assert a != c
    assert len({a, b, c}) == 2
    with pytest.raises(AttributeError):
        a.user = "z"  # type: ignore[misc]
    assert a != "not an event"


def test_repr_is_readable() -> None:
    e = SessionEvent("session_reconnect", "Zoë", 2, timestamp_ns=0)
    text = repr(e)
    assert "EventType.SESSION_RECONNECT" in text
    assert "'Zoë'" in text
    assert "session_id=2" in text
    assert "1970-01-01T00:00:00+00:00" in text
    assert "ISensLogon2.SessionReconnect" in text


def test_pickle_round_trip() -> None:
    e = SessionEvent("post_shell", "u", 4294967295)
    assert pickle.loads(pickle.dumps(e)) == e


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"type": "nope", "user": "u"}, ValueError, "valid event types"),
        ({"type": "logon", "user": 5}, TypeError, "user must be a str"),
        ({"type": "logon", "user": "u", "session_id": -1}, ValueError, "between 0 and 4294967295"),
        (
            {"type": "logon", "user": "u", "session_id": 2**32},
            ValueError,
            "between 0 and 4294967295",
        ),
        ({"type": "logon", "user": "u", "session_id": "1"}, TypeError, "session_id must be an int"),
        ({"type": "display_lock", "user": "u", "session_id": 1}, ValueError, "carry no session id"),
        ({"type": "session_disconnect", "user": "u"}, ValueError, "carry a session id"),
        ({"type": "logon", "user": "u", "source": "ISensLogon.Lock"}, ValueError, "unknown source"),
        (
            {"type": "logon", "user": "u", "source": "ISensLogon.DisplayLock"},
            ValueError,
            "delivers DISPLAY_LOCK",
        ),
    ],
)
def test_bad_construction(kwargs: dict[str, object], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        SessionEvent(**kwargs)  # type: ignore[arg-type]


def test_default_monotonic_ns_is_perf_counter_clock() -> None:
    # The documented clock: a user compares event times with time.perf_counter_ns().
    before = time.perf_counter_ns()
    e = SessionEvent(EventType.DISPLAY_LOCK, "x")
    after = time.perf_counter_ns()
    tol = PERF_COUNTER_TOLERANCE_NS
    assert before - tol <= e.monotonic_ns <= after + tol


def test_public_classes_present_as_pysens2() -> None:
    import pysens2

    for name in pysens2.__all__:
        obj = getattr(pysens2, name)
        if isinstance(obj, type):
            assert obj.__module__ == "pysens2", name
    assert repr(pysens2.BackendUnavailableError) == "<class 'pysens2.BackendUnavailableError'>"
    err = pickle.loads(
        pickle.dumps(pysens2.ComError("x failed", 0x80040154, "Class not registered"))
    )
    assert (type(err), err.hresult, err.system_message) == (
        pysens2.ComError,
        0x80040154,
        "Class not registered",
    )
    assert pickle.loads(pickle.dumps(pysens2.EventType.LOGON)) is pysens2.EventType.LOGON
