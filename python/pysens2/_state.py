"""The state right now: sessions, lock state, idle time.

Windows answers from the WTS API (TermService); ``pysens2.testing`` can put a
simulated machine in its place, which events fired there keep up to date.
"""

from __future__ import annotations

import datetime
import enum
import sys
import threading
from dataclasses import dataclass
from typing import Optional, Protocol, Union

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
    raise BackendUnavailableError(
        f"pysens2 reads session state from Windows' WTS API, which {sys.platform} does not "
        "have; use pysens2.testing.simulated_state() to test code that reads it"
    )


def sessions() -> list[Session]:
    """Every session on this machine now (ComError if TermService is not running)."""
    return _source().sessions()


def current_session() -> Session:
    """This process's session (its id works even when TermService is not running)."""
    source = _source()
    return source.session(source.current_session_id())


def console_session(timeout: float = 5.0) -> Optional[Session]:
    """The session attached to the physical console, or None when nobody is
    logged on there. While the console is being switched between sessions it
    has none: this waits up to ``timeout`` seconds for one."""
    patience = check_timeout(timeout)
    source = _source()
    sid = source.console_session_id(5.0 if patience is None else patience)
    return None if sid is None else source.session(sid)


def is_locked(session_id: Optional[SessionId] = None) -> Optional[bool]:
    """Whether a session (default: this process's) is locked now: True, False,
    or None when the system cannot say (Windows Vista, TermService down)."""
    source = _source()
    if session_id is None:
        session_id = source.current_session_id()
    check_session_id("session_id", session_id)
    return source.is_locked(session_id)


def idle_time() -> float:
    """Seconds since the last keyboard or mouse input in this session."""
    return _source().idle_time()
