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
    w = SessionEvent("session_change", "u", 3, domain="D", code=15)
    assert pickle.loads(pickle.dumps(w)) == w


def test_wts_events_carry_their_code_domain_and_source() -> None:
    lock = SessionEvent("display_lock", "alice", 2, domain="CONTOSO")
    assert lock.source == "WTS.SESSION_LOCK"  # a lock with a session id is WTS's
    assert (lock.code, lock.domain, lock.qualified_user) == (7, "CONTOSO", "CONTOSO\\alice")
    other = SessionEvent("session_change", "", 1, code=0xF)
    assert (other.source, other.code) == ("WTS.OTHER", 15)
    assert "code=15" in repr(other)
    svc = SessionEvent("remote_control", "bob", 4, source="SERVICE.SESSION_REMOTE_CONTROL")
    assert svc.code == 9
    sens = SessionEvent("display_lock", "alice")
    assert (sens.source, sens.code, sens.session_id) == ("ISensLogon.DisplayLock", None, None)
    assert sens.qualified_user == "alice"
    assert lock != SessionEvent(
        "display_lock",
        "alice",
        2,
        domain="OTHER",
        timestamp_ns=lock.timestamp_ns,
        monotonic_ns=lock.monotonic_ns,
    )


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
        ({"type": "logon", "user": "u", "session_id": 1.5}, TypeError, "session_id must be an int"),
        ({"type": "logon", "user": "u", "session_id": ""}, ValueError, "non-empty str"),
        ({"type": "system_sleep", "user": "u", "session_id": 1}, ValueError, "carry no session id"),
        (
            {
                "type": "display_lock",
                "user": "u",
                "session_id": 1,
                "source": "ISensLogon.DisplayLock",
            },
            ValueError,
            "carry no session id",
        ),
        ({"type": "remote_connect", "user": "u"}, ValueError, "always carry a session id"),
        (
            {
                "type": "logon",
                "user": "u",
                "session_id": 1,
                "source": "ISensLogon2.Logon",
                "code": 5,
            },
            ValueError,
            "code is only for WTS",
        ),
        (
            {
                "type": "logon",
                "user": "u",
                "session_id": 1,
                "source": "WTS.SESSION_LOGON",
                "code": 6,
            },
            ValueError,
            "does not match source",
        ),
        ({"type": "session_change", "user": "u", "session_id": 1}, ValueError, "need their code"),
        (
            {"type": "session_change", "user": "u", "session_id": 1, "code": 7},
            ValueError,
            "delivers DISPLAY_LOCK",
        ),
        ({"type": "logon", "user": "u", "domain": 3}, TypeError, "domain must be a str"),
        ({"type": "session_disconnect", "user": "u"}, ValueError, "carry a session id"),
        ({"type": "logon", "user": "u", "source": "ISensLogon.Lock"}, ValueError, "unknown source"),
        (
            {"type": "logon", "user": "u", "source": "ISensLogon.DisplayLock"},
            ValueError,
            "does not deliver LOGON",
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
