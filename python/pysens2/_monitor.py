"""SessionMonitor: the public face of one native monitor."""

from __future__ import annotations

import atexit
import collections
import functools
import os
import sys
import threading
import weakref
from types import TracebackType
from typing import (
    TYPE_CHECKING,
    AsyncIterator,
    Callable,
    Iterable,
    Iterator,
    Optional,
    Union,
    overload,
)

from . import _native
from ._errors import MonitorStopped
from ._native import SessionEvent
from ._service import SERVICE_CONTROL_SESSIONCHANGE, session_id_of
from ._types import (
    EventType,
    EventTypeLike,
    mask_of,
    parse_event_type,
    parse_event_types,
    types_of,
)
from ._validate import check_choice, check_int, check_timeout

if TYPE_CHECKING:
    import asyncio  # imported where used: it costs more to import than pysens2 itself

__all__ = ["Callback", "ErrorHandler", "EventStream", "Handle", "SessionMonitor"]

Callback = Callable[[SessionEvent], object]
ErrorHandler = Callable[[BaseException, SessionEvent], object]

BACKENDS = ("auto", "sens", "wts", "logind", "service", "simulated")
MAX_QUEUE_SIZE = 1 << 24

# Started monitors are kept alive until stopped, as running threads are, and
# are stopped before the interpreter finalizes.
_RUNNING: set[SessionMonitor] = set()
_RUNNING_LOCK = threading.Lock()
_EXIT_TIMEOUT = 5.0


class Handle:
    """A registered callback. ``remove()`` unregisters it; calling the handle
    calls the callback, so ``@monitor.on(...)`` leaves a usable function."""

    __slots__ = ("__weakref__", "_id", "_monitor", "callback", "event_type")

    def __init__(
        self, monitor: SessionMonitor, handler_id: int, event_type: EventType, callback: Callback
    ) -> None:
        self._monitor = weakref.ref(monitor)
        self._id = handler_id
        self.event_type = event_type
        self.callback = callback

    def remove(self) -> bool:
        """Unregister the callback. Returns False if it was already removed.

        Once this returns, the callback is not called again, except for a call
        already running on the dispatcher thread.
        """
        monitor = self._monitor()
        return monitor is not None and monitor._native.remove_handler(self._id)

    def __call__(self, event: SessionEvent) -> object:
        return self.callback(event)

    def __repr__(self) -> str:
        return f"<pysens2.Handle {self.event_type.name} -> {self.callback!r}>"


class SessionMonitor:
    """Receives session events and hands them to Python.

    ``events``: the types wanted (default: every type the backend delivers).
    ``backend``: "auto" (Windows: SENS and WTS combined, each type from the
    source that reports it reliably), "sens", "wts", "service" (events a
    Windows service hands over with :meth:`service_control`) or "simulated"
    (``pysens2.testing``); see ``pysens2.backends()``.

    Events reach callbacks registered with :meth:`on` (called on the monitor's
    dispatcher thread), :meth:`get` and iteration (``for event in monitor``),
    and :meth:`events` for asyncio. Each is independent: every event goes to
    all of them.

    ``sessions``: "own" delivers only events of this process's session
    (ISensLogon events, which carry no session id, always pass); "all" every
    session's (services, Remote Desktop servers). The default is "own",
    except "all" for the simulated and service backends. ``apartment``: the COM
    apartment of the monitor's own thread ("mta" or "sta"; with "sta" the
    library runs the message pump). ``per_user=False`` makes machine-wide
    subscriptions, for services running as SYSTEM.
    """

    def __init__(
        self,
        events: Optional[Union[EventTypeLike, Iterable[EventTypeLike]]] = None,
        *,
        backend: str = "auto",
        queue_size: int = _native.DEFAULT_QUEUE_SIZE,
        buffer_size: int = _native.DEFAULT_BUFFER_SIZE,
        on_error: Optional[ErrorHandler] = None,
        sessions: Optional[str] = None,
        apartment: str = "mta",
        per_user: bool = True,
    ) -> None:
        wanted = None if events is None else parse_event_types(events)
        check_choice("backend", backend, BACKENDS)
        check_int("queue_size", queue_size, 1, MAX_QUEUE_SIZE)
        check_int("buffer_size", buffer_size, 1, MAX_QUEUE_SIZE)
        if on_error is not None and not callable(on_error):
            raise TypeError("on_error must be a callable (exception, event) or None")
        if sessions is None:
            # The simulated backend has no session of its own, and a service's
            # is session 0, where no user works: keep everything.
            sessions = "all" if backend in ("simulated", "service") else "own"
        check_choice("sessions", sessions, ("own", "all"))
        check_choice("apartment", apartment, ("mta", "sta"))
        if not isinstance(per_user, bool):
            raise TypeError(f"per_user must be a bool, not {type(per_user).__name__}")
        self._queue_size = queue_size
        self._buffer_size = buffer_size
        self._native = _native.Monitor(
            backend,
            None if wanted is None else mask_of(wanted),
            queue_size,
            buffer_size,
            sessions == "all",
            apartment,
            per_user,
        )
        # Not given: every type the backend delivers.
        self._events = types_of(self._native.mask)
        self._native.set_error_handler(on_error)
        # Read on the dispatcher thread, changed on loop threads: the lock
        # covers both.
        self._streams: weakref.WeakSet[EventStream] = weakref.WeakSet()
        self._streams_lock = threading.Lock()
        # A weak reference: the hook must not keep the monitor alive.
        self._native.set_finished_hook(functools.partial(_dispatcher_finished, weakref.ref(self)))

    # -- configuration ------------------------------------------------------
    @property
    def event_types(self) -> frozenset[EventType]:
        """The event types this monitor receives."""
        return self._events

    @property
    def backend(self) -> str:
        """The backend in use: "sens+wts" (what "auto" is on Windows), "sens",
        "wts", "service" or "simulated"."""
        return self._native.backend

    @property
    def sessions(self) -> str:
        """ "own": only the process's own session's events; "all": every session's."""
        return "all" if self._native.all_sessions else "own"

    @property
    def queue_size(self) -> int:
        """Events the native queue holds before the sink drops (and counts) new ones."""
        return self._queue_size

    @property
    def buffer_size(self) -> int:
        """Events get()/iteration and each events() stream keep while unread."""
        return self._buffer_size

    @property
    def running(self) -> bool:
        return self._native.running

    @property
    def dropped(self) -> int:
        """Events refused since start() because the native queue was full."""
        return self._native.dropped

    @property
    def missed(self) -> int:
        """Events that get()/iteration never saw: their buffer (buffer_size
        events) overflowed and lost the oldest. Callbacks are unaffected."""
        return self._native.missed

    # -- services -------------------------------------------------------------
    def service_control(self, control: int, event_type: int, data: object) -> bool:
        """Hand a Windows service's control to the monitor (``backend="service"``).

        Call it from ``SvcOtherEx(control, event_type, data)`` with the three
        arguments as pywin32 passes them. A ``SERVICE_CONTROL_SESSIONCHANGE``
        is queued as an event (its user is looked up on the monitor's own
        thread) and True returned at once; any other control returns False,
        for the service's own handling. False too while the monitor is stopped.
        """
        check_int("control", control, 0, 0xFFFFFFFF)
        if control != SERVICE_CONTROL_SESSIONCHANGE:
            return False
        check_int("event_type", event_type, 0, 0xFFFFFFFF)
        return self._native.post_service_event(event_type, session_id_of(data))

    # -- callbacks ------------------------------------------------------------
    @overload
    def on(self, event_type: EventTypeLike, callback: Callback) -> Handle: ...
    @overload
    def on(
        self, event_type: EventTypeLike, callback: None = None
    ) -> Callable[[Callback], Handle]: ...

    def on(
        self, event_type: EventTypeLike, callback: Optional[Callback] = None
    ) -> Union[Handle, Callable[[Callback], Handle]]:
        """Call ``callback(event)`` for each event of ``event_type``.

        Returns a :class:`Handle`; without ``callback`` returns a decorator.
        Callbacks run on the dispatcher thread, one at a time, in arrival order.
        """
        etype = parse_event_type(event_type)
        if etype not in self._events:
            listened = ", ".join(sorted(t.name for t in self._events))
            raise ValueError(
                f"this monitor does not receive {etype.name} (it receives: {listened}); "
                "list it in SessionMonitor(events=...)"
            )
        if callback is None:
            return functools.partial(self._register, etype)
        return self._register(etype, callback)

    def _register(self, etype: EventType, callback: Callback) -> Handle:
        if not callable(callback):
            raise TypeError(f"callback must be callable, not {type(callback).__name__}")
        handler_id = self._native.add_handler(etype.bit, callback)
        return Handle(self, handler_id, etype, callback)

    # -- lifecycle ------------------------------------------------------------
    def start(self) -> SessionMonitor:
        """Connect to the event source and start the dispatcher thread.

        Raises RuntimeError if already running, ComError if subscribing fails.
        """
        self._native.start()
        self._sync_running_set()
        return self

    def _sync_running_set(self) -> None:
        # After every start() and stop(): whichever of a racing pair syncs
        # last sees the final state, so the set matches it.
        with _RUNNING_LOCK:
            if self._native.running:
                _RUNNING.add(self)
            else:
                _RUNNING.discard(self)

    def stop(self, timeout: Optional[float] = None) -> bool:
        """Disconnect, deliver the events already received, and stop.

        Returns True once the dispatcher thread has finished; False if it is
        still in a callback after ``timeout`` seconds, or if called from inside
        a callback (it then finishes as soon as that callback returns). Safe
        from any thread; stopping a stopped monitor does nothing.
        """
        seconds = check_timeout(timeout)
        with _RUNNING_LOCK:
            _RUNNING.discard(self)
        try:
            return bool(self._native.stop(seconds))
        finally:
            self._sync_running_set()

    def __enter__(self) -> SessionMonitor:
        if not self.running:
            self.start()
        return self

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.stop()

    # -- pulling events -------------------------------------------------------
    def get(self, timeout: Optional[float] = None) -> SessionEvent:
        """Wait for the next event, without holding the GIL.

        Raises TimeoutError after ``timeout`` seconds, MonitorStopped once the
        monitor is stopped and every event it received has been returned.
        Ctrl+C interrupts the wait on the main thread.
        """
        seconds = check_timeout(timeout)
        interruptible = threading.current_thread() is threading.main_thread()
        return self._native.get(seconds, interruptible)

    def __iter__(self) -> Iterator[SessionEvent]:
        """Yield events until the monitor is stopped."""
        while True:
            try:
                yield self.get()
            except MonitorStopped:
                return

    def events(self, *event_types: EventTypeLike) -> EventStream:
        """An async iterator of events, for ``async for`` in a running loop.

        Events reach the loop through ``call_soon_threadsafe``; the stream ends
        when the monitor stops. Must be called while the monitor is running.
        """
        import asyncio

        loop = asyncio.get_running_loop()
        wanted = parse_event_types(event_types) if event_types else self._events
        unknown = wanted - self._events
        if unknown:
            raise ValueError(
                "this monitor does not receive "
                + ", ".join(sorted(t.name for t in unknown))
                + "; list them in SessionMonitor(events=...)"
            )
        if not self.running:
            raise MonitorStopped("start the monitor before asking for its events()")
        return EventStream(self, mask_of(wanted), loop)

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return (
            f"<pysens2.SessionMonitor backend={self.backend!r} {state} events={len(self._events)}>"
        )


class EventStream(AsyncIterator[SessionEvent]):
    """Events of one monitor, delivered to one asyncio loop."""

    def __init__(self, monitor: SessionMonitor, mask: int, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._buffer: collections.deque[SessionEvent] = collections.deque(
            maxlen=monitor.buffer_size
        )
        self._waiter: Optional[asyncio.Future[None]] = None
        self._closed = False
        self._monitor = weakref.ref(monitor)
        self.missed = 0
        # Known to the monitor before its handler exists, so a dispatcher that
        # finishes meanwhile cannot miss it.
        with monitor._streams_lock:
            monitor._streams.add(self)
        # The handler holds the stream weakly: a stream nobody references any
        # more (e.g. after `break` out of `async for`) is collected, and then
        # unregistered instead of buffering events for no one.
        self._handler_id = monitor._native.add_handler(mask, _stream_trampoline(weakref.ref(self)))
        weakref.finalize(
            self, _remove_handler, weakref.ref(monitor), self._handler_id
        ).atexit = False
        if not monitor.running:  # stopped before the handler was registered
            self._finish()

    # Dispatcher thread.
    def _from_dispatcher(self, event: SessionEvent) -> None:
        try:
            self._loop.call_soon_threadsafe(self._push, event)
        except RuntimeError:  # the loop is closed: nobody will read us again
            self._detach()

    def _finish_threadsafe(self) -> None:
        try:
            self._loop.call_soon_threadsafe(self._finish)
        except RuntimeError:
            pass

    # Loop thread.
    def _push(self, event: SessionEvent) -> None:
        if self._closed:
            return
        if len(self._buffer) == self._buffer.maxlen:
            self.missed += 1
        self._buffer.append(event)
        self._wake()

    def _finish(self) -> None:
        self._closed = True
        self._detach()
        self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def _detach(self) -> None:
        monitor = self._monitor()
        if monitor is not None:
            monitor._native.remove_handler(self._handler_id)

    def __aiter__(self) -> EventStream:
        return self

    async def __anext__(self) -> SessionEvent:
        while not self._buffer:
            if self._closed:
                raise StopAsyncIteration
            self._waiter = self._loop.create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._buffer.popleft()

    async def aclose(self) -> None:
        """Stop receiving; events not yet read are discarded."""
        self._finish()
        self._buffer.clear()

    async def __aenter__(self) -> EventStream:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


def _dispatcher_finished(ref: weakref.ref[SessionMonitor]) -> None:
    # Runs on the dispatcher thread after its last delivery.
    monitor = ref()
    if monitor is not None:
        with monitor._streams_lock:
            streams = list(monitor._streams)
        for stream in streams:
            stream._finish_threadsafe()


def _stream_trampoline(ref: weakref.ref[EventStream]) -> Callable[[SessionEvent], None]:
    def deliver(event: SessionEvent) -> None:
        stream = ref()
        if stream is not None:
            stream._from_dispatcher(event)

    return deliver


def _remove_handler(monitor_ref: weakref.ref[SessionMonitor], handler_id: int) -> None:
    monitor = monitor_ref()
    if monitor is not None:
        try:
            monitor._native.remove_handler(handler_id)
        except Exception:  # e.g. a monitor inherited through fork(): nothing to remove
            pass


def _forget_parent_monitors() -> None:
    # In a child of os.fork(): the running monitors' threads stayed in the
    # parent, and the lock may have been held by one of its threads.
    global _RUNNING_LOCK
    _RUNNING_LOCK = threading.Lock()
    _RUNNING.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_parent_monitors)


@atexit.register
def _stop_all_at_exit() -> None:
    # Dispatchers must not call Python once finalization begins: stop them
    # first, dropping events not yet delivered.
    _native.begin_interpreter_exit()
    with _RUNNING_LOCK:
        running = list(_RUNNING)
        _RUNNING.clear()
    for monitor in running:
        try:
            monitor._native.stop(_EXIT_TIMEOUT, discard=True)
        except Exception as exc:  # one failed unsubscription must not skip the rest
            sys.stderr.write(f"pysens2: stopping a monitor at exit failed: {exc}\n")
