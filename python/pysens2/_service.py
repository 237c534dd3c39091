"""Session events inside a Windows service.

A service learns of session changes through its control handler, not through
SENS or a window: with ``SERVICE_ACCEPT_SESSIONCHANGE`` among its accepted
controls, the service manager calls it with ``SERVICE_CONTROL_SESSIONCHANGE``,
the WTS code and the session id, for every session (DESIGN.md §7). A monitor
with ``backend="service"`` turns each such call into an event:
``SessionMonitor.service_control()`` queues it and returns at once, so no
user code runs on the service manager's thread.
"""

from __future__ import annotations

from typing import Final

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
    "session_id_of",
]

SERVICE_ACCEPT_SESSIONCHANGE: Final = 0x80
SERVICE_CONTROL_SESSIONCHANGE: Final = 0x0E

# The session-change codes (WM_WTSSESSION_CHANGE's wParam, the service
# control's event type).
WTS_CONSOLE_CONNECT: Final = 0x1
WTS_CONSOLE_DISCONNECT: Final = 0x2
WTS_REMOTE_CONNECT: Final = 0x3
WTS_REMOTE_DISCONNECT: Final = 0x4
WTS_SESSION_LOGON: Final = 0x5
WTS_SESSION_LOGOFF: Final = 0x6
WTS_SESSION_LOCK: Final = 0x7
WTS_SESSION_UNLOCK: Final = 0x8
WTS_SESSION_REMOTE_CONTROL: Final = 0x9

_UINT32_MAX = 0xFFFFFFFF


def session_id_of(data: object) -> int:
    """The session id in a session-change control's data: pywin32 passes
    ``(session_id,)``; a bare int is taken as it is."""
    if isinstance(data, (tuple, list)) and len(data) >= 1:
        data = data[0]
    if isinstance(data, bool) or not isinstance(data, int):
        raise TypeError(
            "a session-change control's data must be (session_id,) as pywin32 passes it, "
            f"or the session id, not {type(data).__name__}"
        )
    if not 0 <= data <= _UINT32_MAX:
        raise ValueError(f"session id must be between 0 and {_UINT32_MAX}, got {data}")
    return data
