"""pysens2: session events (logon, lock, disconnect, remote connect, ...) and
the session state right now, for Python.

Quick start::

    import pysens2

    with pysens2.SessionMonitor() as monitor:
        for event in monitor:
            print(event.type.name, event.user, event.session_id)
"""

from __future__ import annotations

from . import _subinterpreter  # noqa: F401  (first: refuses a sub-interpreter)
from ._backends import BackendInfo, backends
from ._errors import BackendUnavailableError, ComError, Error, MonitorStopped
from ._monitor import EventStream, Handle, SessionMonitor
from ._native import SessionEvent
from ._service import (
    SERVICE_ACCEPT_SESSIONCHANGE,
    SERVICE_CONTROL_SESSIONCHANGE,
    WTS_CONSOLE_CONNECT,
    WTS_CONSOLE_DISCONNECT,
    WTS_REMOTE_CONNECT,
    WTS_REMOTE_DISCONNECT,
    WTS_SESSION_LOCK,
    WTS_SESSION_LOGOFF,
    WTS_SESSION_LOGON,
    WTS_SESSION_REMOTE_CONTROL,
    WTS_SESSION_UNLOCK,
)
from ._state import (
    ConnectState,
    Session,
    SessionId,
    console_session,
    current_session,
    idle_time,
    is_locked,
    sessions,
)
from ._types import EventType

__all__ = [
    "SERVICE_ACCEPT_SESSIONCHANGE",
    "SERVICE_CONTROL_SESSIONCHANGE",
    "WTS_CONSOLE_CONNECT",
    "WTS_CONSOLE_DISCONNECT",
    "WTS_REMOTE_CONNECT",
    "WTS_REMOTE_DISCONNECT",
    "WTS_SESSION_LOCK",
    "WTS_SESSION_LOGOFF",
    "WTS_SESSION_LOGON",
    "WTS_SESSION_REMOTE_CONTROL",
    "WTS_SESSION_UNLOCK",
    "BackendInfo",
    "BackendUnavailableError",
    "ComError",
    "ConnectState",
    "Error",
    "EventStream",
    "EventType",
    "Handle",
    "MonitorStopped",
    "Session",
    "SessionEvent",
    "SessionId",
    "SessionMonitor",
    "backends",
    "console_session",
    "current_session",
    "idle_time",
    "is_locked",
    "sessions",
]

__version__ = "0.1.0"

# Public classes present as pysens2.X (in tracebacks, reprs and pickles), not
# as the private module that defines them. SessionEvent's native type is
# named so in C++.
for _cls in (
    BackendInfo,
    BackendUnavailableError,
    ComError,
    ConnectState,
    Error,
    EventStream,
    EventType,
    Handle,
    MonitorStopped,
    Session,
    SessionMonitor,
):
    _cls.__module__ = __name__
del _cls
