"""pysens2: Windows session events (SENS logon, lock, disconnect, ...) for Python.

Quick start::

    import pysens2

    with pysens2.SessionMonitor() as monitor:
        for event in monitor:
            print(event.type.name, event.user, event.session_id)
"""

from __future__ import annotations

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
