"""pysens2: Windows session events (SENS logon, lock, disconnect, ...) for Python.

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
from ._types import EventType

__all__ = [
    "BackendInfo",
    "BackendUnavailableError",
    "ComError",
    "Error",
    "EventStream",
    "EventType",
    "Handle",
    "MonitorStopped",
    "SessionEvent",
    "SessionMonitor",
    "backends",
]

__version__ = "0.1.0"

# Public classes present as pysens2.X (in tracebacks, reprs and pickles), not
# as the private module that defines them. SessionEvent's native type is
# named so in C++.
for _cls in (
    BackendInfo,
    BackendUnavailableError,
    ComError,
    Error,
    EventStream,
    EventType,
    Handle,
    MonitorStopped,
    SessionMonitor,
):
    _cls.__module__ = __name__
del _cls
