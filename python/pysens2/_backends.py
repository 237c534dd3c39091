"""Which event sources exist here."""

from __future__ import annotations

from typing import NamedTuple

from . import _native

__all__ = ["BackendInfo", "backends"]


class BackendInfo(NamedTuple):
    name: str
    available: bool
    reason: str  # what it is, or why it is unavailable here


def backends() -> dict[str, BackendInfo]:
    """Every backend of this build, with whether it works here and why not."""
    return {name: BackendInfo(name, ok, why) for name, ok, why in _native.backend_statuses()}
