"""pysens2's exceptions. The compiled core raises these same classes."""

from __future__ import annotations

__all__ = ["BackendUnavailableError", "ComError", "Error", "MonitorStopped"]


class Error(Exception):
    """Base class of every error pysens2 raises on its own account."""


class BackendUnavailableError(Error):
    """The requested event source does not exist on this platform or build."""


class ComError(Error):
    """A COM call failed; ``hresult`` is its code as an unsigned 32-bit int."""

    def __init__(self, message: str, hresult: int, system_message: str = "") -> None:
        super().__init__(message)
        self.hresult = hresult & 0xFFFFFFFF
        self.system_message = system_message

    def __reduce__(self) -> tuple[type[ComError], tuple[str, int, str]]:
        # Exceptions pickle their args; ours has three (for multiprocessing, logging).
        return (type(self), (str(self), self.hresult, self.system_message))


class MonitorStopped(Error):
    """``get()`` found the monitor stopped with no events left to hand out."""
