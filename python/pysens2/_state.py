"""The state right now: sessions, lock state, idle time.

Windows answers from the WTS API (TermService), Linux from systemd-logind;
``pysens2.testing`` can put a simulated machine in their place, which events
fired there keep up to date.
"""

from __future__ import annotations

import contextlib
import datetime
import enum
import sys
import threading
import time
from dataclasses import dataclass
from typing import Iterator, Optional, Protocol, Union

from . import _native
from ._errors import BackendUnavailableError
from ._validate import check_int, check_timeout

__all__ = [
    "ConnectState",
    "Session",
    "SessionId",
    "StateSource",
    "console_session",
    "current_session",
    "idle_time",
    "is_locked",
    "sessions",
]

_SESSION_ID_MAX = 0xFFFFFFFF

# A session id: an int on Windows; logind's own str on Linux ("2", "c1"),
# as loginctl shows and takes it.
SessionId = Union[int, str]


def check_session_id(name: str, value: object) -> None:
    """An int in Windows' range, or a non-empty str (logind)."""
    if isinstance(value, str):
        if not value:
            raise ValueError(f"{name} must not be empty (logind ids look like '2' or 'c1')")
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(
            f"{name} must be an int (Windows) or a str (logind), not {type(value).__name__}"
        )
    check_int(name, value, 0, _SESSION_ID_MAX)


class ConnectState(enum.IntEnum):
    """A session's connection state (WTS_CONNECTSTATE_CLASS)."""

    ACTIVE = 0
    CONNECTED = 1
    CONNECT_QUERY = 2
    SHADOW = 3
    DISCONNECTED = 4
    IDLE = 5
    LISTEN = 6
    RESET = 7
    DOWN = 8
    INIT = 9


@dataclass(frozen=True)
class Session:
    """One session as the system reports it now. None means unknown."""

    session_id: SessionId
    user: str  # account name; "" when nobody is logged on
    domain: str
    state: Optional[ConnectState]
    locked: Optional[bool]
    station: str  # "Console", "RDP-Tcp#3", "Services"
    remote: bool
    client_name: str = ""
    client_address: Optional[str] = None  # "10.1.2.3" or "fe80::1"
    logon_time: Optional[datetime.datetime] = None
    connect_time: Optional[datetime.datetime] = None
    disconnect_time: Optional[datetime.datetime] = None
    last_input_time: Optional[datetime.datetime] = None

    @property
    def qualified_user(self) -> str:
        """'DOMAIN\\\\user', or the account name alone without a domain."""
        return f"{self.domain}\\{self.user}" if self.domain else self.user


class StateSource(Protocol):
    """Where the state functions get their answers (one per platform)."""

    def sessions(self) -> list[Session]: ...
    def session(self, session_id: SessionId) -> Session: ...
    def current_session_id(self) -> SessionId: ...
    def console_session_id(self, patience: float) -> Optional[SessionId]: ...
    def is_locked(self, session_id: SessionId) -> Optional[bool]: ...
    def idle_time(self) -> float: ...


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def _time(ns: Optional[int]) -> Optional[datetime.datetime]:
    return None if ns is None else _EPOCH + datetime.timedelta(microseconds=ns // 1000)


# As _native.wts_session() returns it (cpp/bindings/bind_state.cpp).
_Record = tuple[
    int, str, str, int, Optional[bool], str, bool, str, Optional[str],
    Optional[int], Optional[int], Optional[int], Optional[int],
]  # fmt: skip


def _session_of(record: _Record) -> Session:
    sid, user, domain, state, locked, station, remote, client, address, *times = record
    return Session(
        session_id=sid,
        user=user,
        domain=domain,
        state=ConnectState(state) if 0 <= state <= 9 else None,
        locked=locked,
        station=station,
        remote=remote,
        client_name=client,
        client_address=address,
        logon_time=_time(times[0]),
        connect_time=_time(times[1]),
        disconnect_time=_time(times[2]),
        last_input_time=_time(times[3]),
    )


def _windows_id(session_id: SessionId) -> int:
    if isinstance(session_id, str):
        raise TypeError(f"Windows session ids are ints, not {session_id!r}")
    return session_id


class _WtsState:
    """Windows: WTSQuerySessionInformation and friends (DESIGN.md §7)."""

    def sessions(self) -> list[Session]:
        return [_session_of(r) for r in _native.wts_sessions()]

    def session(self, session_id: SessionId) -> Session:
        return _session_of(_native.wts_session(_windows_id(session_id)))

    def current_session_id(self) -> int:
        return int(_native.wts_current_session_id())

    def console_session_id(self, patience: float) -> Optional[SessionId]:
        return _native.wts_console_session_id(patience)

    def is_locked(self, session_id: SessionId) -> Optional[bool]:
        return _native.wts_is_locked(_windows_id(session_id))

    def idle_time(self) -> float:
        return float(_native.wts_idle_seconds())


# As _native.logind_session() returns it (cpp/bindings/bind_state.cpp).
_LogindRecord = tuple[
    str, str, str, Optional[bool], str, bool, str, Optional[int], bool, Optional[int]
]

# logind's session State, in Windows' terms: "online" is logged in but not
# in front (switched away from), as a Windows session is when disconnected.
_LOGIND_STATES = {
    "active": ConnectState.ACTIVE,
    "online": ConnectState.DISCONNECTED,
    "closing": ConnectState.DOWN,
}


def _logind_session_of(record: _LogindRecord) -> Session:
    sid, user, state, locked, seat, remote, host, logon_ns, idle, idle_since_ns = record
    return Session(
        session_id=sid,
        user=user,
        domain="",
        state=_LOGIND_STATES.get(state),
        locked=locked,
        station=seat,
        remote=remote,
        client_name=host,
        logon_time=_time(logon_ns),
        last_input_time=_time(idle_since_ns) if idle else None,
    )


class _LogindState:
    """Linux: systemd-logind's sessions (DESIGN.md §8)."""

    def sessions(self) -> list[Session]:
        return [_logind_session_of(r) for r in _native.logind_sessions()]

    def session(self, session_id: SessionId) -> Session:
        return _logind_session_of(_native.logind_session(_logind_id(session_id)))

    def current_session_id(self) -> SessionId:
        return _native.logind_current_session_id()

    def console_session_id(self, patience: float) -> Optional[SessionId]:
        return _native.logind_console_session_id()

    def is_locked(self, session_id: SessionId) -> Optional[bool]:
        return self.session(session_id).locked

    def idle_time(self) -> float:
        # IdleHint and IdleSinceHint, where the desktop sets them; else 0.
        record = _native.logind_session(_native.logind_current_session_id())
        idle, since_ns = record[8], record[9]
        if not idle or since_ns is None:
            return 0.0
        return max(0.0, time.time() - since_ns / 1e9)


def _logind_id(session_id: SessionId) -> str:
    if not isinstance(session_id, str):
        raise TypeError(f"logind session ids are strs such as '2' or 'c1', not {session_id!r}")
    return session_id


_lock = threading.Lock()
_override: Optional[StateSource] = None  # set by pysens2.testing


def _set_source(source: Optional[StateSource]) -> Optional[StateSource]:
    """Install `source` in place of the platform's (None: the platform's
    again); returns the one it replaces. For pysens2.testing."""
    global _override
    with _lock:
        previous, _override = _override, source
    return previous


def _source() -> StateSource:
    with _lock:
        if _override is not None:
            return _override
    if _native.HAVE_WTS_STATE:
        return _WtsState()
    if _native.HAVE_LOGIND_STATE:
        return _LogindState()
    raise BackendUnavailableError(
        f"pysens2 reads session state from Windows' WTS API or systemd-logind, which "
        f"{sys.platform} does not have"
    )


_TESTING_HINT = "; use pysens2.testing.simulated_state() to test code that reads it"


@contextlib.contextmanager
def _hinted() -> Iterator[None]:
    """Where there is no source of state, say how to test without one."""
    try:
        yield
    except BackendUnavailableError as exc:
        if _TESTING_HINT in str(exc):
            raise
        raise BackendUnavailableError(f"{exc}{_TESTING_HINT}") from None


def sessions() -> list[Session]:
    """Every session on this machine now (ComError if TermService is not running)."""
    with _hinted():
        return _source().sessions()


def current_session() -> Session:
    """This process's session (its id works even when TermService is not running)."""
    with _hinted():
        source = _source()
        return source.session(source.current_session_id())


def console_session(timeout: float = 5.0) -> Optional[Session]:
    """The session attached to the physical console, or None when nobody is
    logged on there. While the console is being switched between sessions it
    has none: this waits up to ``timeout`` seconds for one."""
    patience = check_timeout(timeout)
    with _hinted():
        source = _source()
        sid = source.console_session_id(5.0 if patience is None else patience)
        return None if sid is None else source.session(sid)


def is_locked(session_id: Optional[SessionId] = None) -> Optional[bool]:
    """Whether a session (default: this process's) is locked now: True, False,
    or None when the system cannot say (Windows Vista, TermService down)."""
    if session_id is not None:
        check_session_id("session_id", session_id)
    with _hinted():
        source = _source()
        if session_id is None:
            session_id = source.current_session_id()
        return source.is_locked(session_id)


def idle_time() -> float:
    """Seconds since the last keyboard or mouse input in this session."""
    with _hinted():
        return _source().idle_time()
