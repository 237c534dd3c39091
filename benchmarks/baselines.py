"""The alternatives a user would otherwise write, driven by the same native
producer threads that fire pysens2's sink.

- thunk: a COM-style method implemented as a ctypes CFUNCTYPE thunk, as
  comtypes implements COM sinks: every event enters Python on the calling
  (COM) thread and the handler runs there.
- thunk+queue: the same thunk puts the event on a queue.Queue; a Python
  thread takes it off and calls the handler.
"""

from __future__ import annotations

import ctypes
import queue
import threading
from typing import Callable

# HRESULT Method(this, BSTR user, DWORD session): an ISensLogon2 method.
PROTO = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_uint32)

Handler = Callable[[object], object]


def _user(bstr: int) -> str:
    length = ctypes.c_uint32.from_address(bstr - 4).value  # BSTR byte-count prefix
    return ctypes.string_at(bstr, length).decode("utf-16-le")


class Thunk:
    """A ctypes thunk calling ``handler`` on the caller's thread."""

    def __init__(self, handler: Handler) -> None:
        def method(this: int, bstr: int, session: int) -> int:
            handler(("session_disconnect", _user(bstr), session))
            return 0

        self._keep = PROTO(method)
        self.address = ctypes.cast(self._keep, ctypes.c_void_p).value or 0


class QueuedThunk:
    """A ctypes thunk feeding a queue.Queue read by a Python thread."""

    def __init__(self, handler: Handler) -> None:
        self._queue: queue.Queue[object] = queue.Queue()

        def method(this: int, bstr: int, session: int) -> int:
            self._queue.put(("session_disconnect", _user(bstr), session))
            return 0

        def consume() -> None:
            while True:
                item = self._queue.get()
                if item is None:
                    return
                handler(item)

        self._keep = PROTO(method)
        self.address = ctypes.cast(self._keep, ctypes.c_void_p).value or 0
        self._consumer = threading.Thread(target=consume, daemon=True)
        self._consumer.start()

    def finish(self) -> None:
        """Wait until every queued event has been handled."""
        self._queue.put(None)
        self._consumer.join()
