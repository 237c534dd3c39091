"""Event types and how callers may name them."""

from __future__ import annotations

import enum
from typing import Iterable, Union

__all__ = [
    "EventType",
    "EventTypeLike",
    "mask_of",
    "parse_event_type",
    "parse_event_types",
    "types_of",
]


class EventType(enum.Enum):
    """Every kind of session change, whichever source delivers it.

    LOGON to POST_SHELL and the WTS types (CONSOLE_CONNECT on) always carry a
    session id. START_SHELL, the display lock and the screen saver carry one
    when WTS delivers them (lock and unlock under ``backend="auto"`` or
    ``"wts"``), not from SENS's ISensLogon. SESSION_CHANGE is a WTS code
    pysens2 does not know (``event.code`` has it): passed through, never dropped.
    IDLE_START/IDLE_END, SYSTEM_SLEEP/SYSTEM_RESUME and SYSTEM_SHUTDOWN/
    SHUTDOWN_CANCELLED come from systemd-logind (the last four without a
    session). SOURCE_LOST/SOURCE_RESTORED report a gap: the source went away
    and came back; events in between may be missing, and none is invented.
    """

    LOGON = "logon"
    LOGOFF = "logoff"
    POST_SHELL = "post_shell"
    SESSION_DISCONNECT = "session_disconnect"
    SESSION_RECONNECT = "session_reconnect"
    START_SHELL = "start_shell"
    DISPLAY_LOCK = "display_lock"
    DISPLAY_UNLOCK = "display_unlock"
    START_SCREEN_SAVER = "start_screen_saver"
    STOP_SCREEN_SAVER = "stop_screen_saver"
    CONSOLE_CONNECT = "console_connect"
    CONSOLE_DISCONNECT = "console_disconnect"
    REMOTE_CONNECT = "remote_connect"
    REMOTE_DISCONNECT = "remote_disconnect"
    REMOTE_CONTROL = "remote_control"
    SESSION_CHANGE = "session_change"
    IDLE_START = "idle_start"
    IDLE_END = "idle_end"
    SYSTEM_SLEEP = "system_sleep"
    SYSTEM_RESUME = "system_resume"
    SYSTEM_SHUTDOWN = "system_shutdown"
    SHUTDOWN_CANCELLED = "shutdown_cancelled"
    SOURCE_LOST = "source_lost"
    SOURCE_RESTORED = "source_restored"

    @property
    def has_session_id(self) -> bool:
        """Whether events of this type carry a session id from every source."""
        return self in _WITH_SESSION

    @property
    def bit(self) -> int:
        """This type's bit in the compiled core's event mask."""
        return 1 << _INDEX[self]

    @classmethod
    def _missing_(cls, value: object) -> EventType | None:
        if isinstance(value, str):
            return _BY_NAME.get(value.strip().lower().replace("-", "_"))
        return None


_INDEX = {member: i for i, member in enumerate(EventType)}
_BY_NAME = {member.value: member for member in EventType}
_WITH_SESSION = frozenset(
    list(EventType)[:5] + list(EventType)[10:16] + [EventType.IDLE_START, EventType.IDLE_END]
)

EventTypeLike = Union[EventType, str]


def parse_event_type(value: object) -> EventType:
    """Return the EventType for a member or its (case-insensitive) name."""
    if isinstance(value, EventType):
        return value
    if isinstance(value, str):
        member = _BY_NAME.get(value.strip().lower().replace("-", "_"))
        if member is not None:
            return member
        valid = ", ".join(m.name for m in EventType)
        raise ValueError(f"unknown event type {value!r}; valid event types are: {valid}")
    raise TypeError(
        f"an event type must be a pysens2.EventType or its name as a str, "
        f"not {type(value).__name__}"
    )


def parse_event_types(values: object) -> frozenset[EventType]:
    """Parse a collection of event types; None means all of them."""
    if values is None:
        return frozenset(EventType)
    if isinstance(values, (str, EventType)):
        return frozenset([parse_event_type(values)])
    try:
        items = list(values)  # type: ignore[call-overload]
    except TypeError:
        raise TypeError(
            "events must be an iterable of EventType members or names, or None for all, "
            f"not {type(values).__name__}"
        ) from None
    if not items:
        raise ValueError("events must name at least one event type (or be None for all)")
    return frozenset(parse_event_type(v) for v in items)


def types_of(mask: int) -> frozenset[EventType]:
    """The event types whose bits are set in `mask`."""
    return frozenset(t for t in EventType if mask & t.bit)


def mask_of(types: Iterable[EventType]) -> int:
    mask = 0
    for t in types:
        mask |= t.bit
    return mask
