"""Which event sources exist here."""

from __future__ import annotations

from typing import NamedTuple

from . import _native
from ._types import EventType, types_of

__all__ = ["BackendInfo", "backends"]


class BackendInfo(NamedTuple):
    name: str
    available: bool
    reason: str  # what it is, or why it is unavailable here
    event_types: frozenset[EventType]  # what it can deliver


def backends() -> dict[str, BackendInfo]:
    """Every backend of this build: whether it works here (and why not), and
    which event types it can deliver."""
    return {
        name: BackendInfo(name, ok, why, types_of(mask))
        for name, ok, why, mask in _native.backend_statuses()
    }
