"""Drive a monitor's real COM sink from native threads, on any platform.

``fire()`` calls the sink exactly as the COM+ Event System would: through
the interface's vtable, or late-bound through GetIDsOfNames + Invoke. Use it
with ``SessionMonitor(backend="simulated")`` to test your own handlers.
The lower-level functions expose the sink's COM behaviour (HRESULTs,
QueryInterface, reference counts) for tests of pysens2 itself.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import enum
import threading
from typing import Any, Iterator, Literal, NamedTuple, Optional, Sequence, Union

from . import _native, _state
from ._errors import ComError
from ._monitor import SessionMonitor
from ._native import SessionEvent
from ._state import ConnectState, Session, SessionId, check_session_id
from ._types import EventType, EventTypeLike, parse_event_type
from ._validate import check_int

__all__ = [
    "DISPATCH_METHOD",
    "DISPATCH_PROPERTYGET",
    "IID_IDISPATCH",
    "IID_ISENSLOGON",
    "IID_ISENSLOGON2",
    "IID_IUNKNOWN",
    "VT",
    "HResult",
    "Interface",
    "InvokeResult",
    "QueryResult",
    "SimulatedState",
    "Variant",
    "fire",
    "fire_burst",
    "fire_raw_invoke",
    "get_ids_of_names",
    "live_sink_objects",
    "query_interface",
    "simulated_state",
    "sink_refcount",
]

Via = Literal["vtable", "dispatch"]
Interface = Literal["ISensLogon", "ISensLogon2"]

IID_IUNKNOWN = "{00000000-0000-0000-C000-000000000046}"
IID_IDISPATCH = "{00020400-0000-0000-C000-000000000046}"
IID_ISENSLOGON = "{D597BAB3-5B9F-11D1-8DD2-00AA004ABD5E}"
IID_ISENSLOGON2 = "{D597BAB4-5B9F-11D1-8DD2-00AA004ABD5E}"

DISPATCH_METHOD = 0x1
DISPATCH_PROPERTYGET = 0x2

_SESSION_ID_MAX = 0xFFFFFFFF
_TYPE_INDEX = {t: i for i, t in enumerate(EventType)}


class HResult(enum.IntEnum):
    """HRESULTs the sink returns, as unsigned 32-bit values."""

    S_OK = 0
    E_NOINTERFACE = 0x80004002
    E_POINTER = 0x80004003
    E_INVALIDARG = 0x80070057
    DISP_E_UNKNOWNINTERFACE = 0x80020001
    DISP_E_MEMBERNOTFOUND = 0x80020003
    DISP_E_TYPEMISMATCH = 0x80020005
    DISP_E_UNKNOWNNAME = 0x80020006
    DISP_E_NONAMEDARGS = 0x80020007
    DISP_E_BADVARTYPE = 0x80020008
    DISP_E_OVERFLOW = 0x8002000A
    DISP_E_BADPARAMCOUNT = 0x8002000E


class VT(enum.IntEnum):
    """VARTYPE codes; combine with ``VT.BYREF``."""

    EMPTY = 0
    NULL = 1
    I2 = 2
    I4 = 3
    R4 = 4
    R8 = 5
    CY = 6
    DATE = 7
    BSTR = 8
    DISPATCH = 9
    ERROR = 10
    BOOL = 11
    VARIANT = 12
    UNKNOWN = 13
    DECIMAL = 14
    I1 = 16
    UI1 = 17
    UI2 = 18
    UI4 = 19
    I8 = 20
    UI8 = 21
    INT = 22
    UINT = 23
    ARRAY = 0x2000
    BYREF = 0x4000


class Variant(NamedTuple):
    """A VARIANT argument for :func:`fire_raw_invoke`.

    ``value`` by type: None for EMPTY/NULL/DISPATCH/UNKNOWN; str (or UTF-16LE
    bytes, or None for a NULL BSTR) for BSTR; int for integer types, BOOL
    (-1/0), CY (raw units of 1/10000) and any other VARTYPE (raw bits); float
    for R4/R8/DATE; (scale, sign, hi32, lo64) for DECIMAL. With ``VT.BYREF``
    the value is the pointee (None for a null pointer); ``VT.VARIANT |
    VT.BYREF`` takes another Variant.
    """

    vt: int
    value: object = None


class InvokeResult(NamedTuple):
    hresult: int
    arg_err: Optional[int]  # puArgErr, where Invoke set it


class QueryResult(NamedTuple):
    hresult: int
    nulled_on_failure: bool  # *ppv was set to NULL
    same_identity: bool  # QI for IUnknown on the result gives the object's IUnknown


def _native_of(monitor: object) -> _native.Monitor:
    if not isinstance(monitor, SessionMonitor):
        raise TypeError(f"monitor must be a pysens2.SessionMonitor, not {type(monitor).__name__}")
    return monitor._native


def _check_via(via: object) -> str:
    if via not in ("vtable", "dispatch"):
        raise ValueError(f"via must be 'vtable' or 'dispatch', got {via!r}")
    return str(via)


def _utf16(user: object) -> Optional[bytes]:
    if user is None:
        return None  # a NULL BSTR
    if not isinstance(user, str):
        raise TypeError(f"user must be a str or None, not {type(user).__name__}")
    # surrogatepass: lone surrogates reach the sink as they would from Windows.
    return user.encode("utf-16-le", "surrogatepass")


def _interface_index(interface: object) -> int:
    if interface == "ISensLogon":
        return 0
    if interface == "ISensLogon2":
        return 1
    raise ValueError(f"interface must be 'ISensLogon' or 'ISensLogon2', got {interface!r}")


def _check_hresult(hresult: int, what: str) -> None:
    if hresult & 0x80000000:
        raise ComError(f"{what} failed: 0x{hresult:08X}", hresult)


def _sens_source(etype: EventType) -> int:
    source = _native.sens_source(_TYPE_INDEX[etype])
    if source is None:
        raise ValueError(
            f"{etype.name} does not come from SENS, so it has no sink method to call; "
            "fire() it instead, which hands it to the simulated backend as WTS would"
        )
    return source


# Machine-wide events: they never carry a session id.
_SESSIONLESS = frozenset(
    {
        EventType.SYSTEM_SLEEP,
        EventType.SYSTEM_RESUME,
        EventType.SYSTEM_SHUTDOWN,
        EventType.SHUTDOWN_CANCELLED,
        EventType.SOURCE_LOST,
        EventType.SOURCE_RESTORED,
    }
)


def fire(
    monitor: SessionMonitor,
    event_type: EventTypeLike,
    user: Optional[str] = "",
    session_id: Optional[Union[int, str]] = None,
    *,
    via: Via = "vtable",
    source: Optional[str] = None,
    code: Optional[int] = None,
    seat: str = "",
) -> None:
    """Fire one event into a running monitor as its source would.

    An event SENS delivers goes through the monitor's real sink objects, from
    a new native thread (``via`` picks the vtable or GetIDsOfNames + Invoke):
    ``session_id`` defaults to the monitor's own session for ISensLogon2
    events and must be None for ISensLogon events, which carry none.
    ``user=None`` sends a NULL BSTR.

    Anything else comes as its source delivers it, into a
    ``backend="simulated"`` monitor: the WTS-only types, an ISensLogon type
    given a ``session_id`` (lock and unlock as WTS reports them), any
    ``source`` named explicitly (e.g. ``"WTS.SESSION_LOGON"``,
    ``"SERVICE.SESSION_LOCK"``, ``"logind.LockedHint"``), a ``session_id``
    that is a str (logind's session ids, e.g. ``"c1"``), and SESSION_CHANGE,
    which needs the unknown ``code``. ``user`` may be ``"DOMAIN\\user"``.
    Returns once the event is queued.
    """
    native = _native_of(monitor)
    etype = parse_event_type(event_type)
    through_sink = (
        source is None
        and code is None
        and not isinstance(session_id, str)
        and _native.sens_source(_TYPE_INDEX[etype]) is not None
        and (etype.has_session_id or session_id is None)
    )
    if (
        session_id is None
        and (etype.has_session_id or not through_sink)
        and etype not in _SESSIONLESS
        and not (source or "").startswith("logind.")
    ):
        session_id = native.own_session
    if session_id is not None:
        check_session_id("session_id", session_id)
    if through_sink:
        assert not isinstance(session_id, str)  # through_sink is for Windows ids
        hresult = _native.fire(
            native, _sens_source(etype), _utf16(user), session_id or 0, _check_via(via)
        )
        _check_hresult(hresult, f"firing {etype.name}")
        if monitor.backend == "simulated":
            domain, name = _split_user(user or "")
            _apply_to_simulated_state(SessionEvent(etype, name, session_id, domain=domain))
        return
    if user is None:
        user = ""
    if not isinstance(user, str):
        raise TypeError(f"user must be a str or None, not {type(user).__name__}")
    if (
        source is None
        and code is None
        and etype is EventType.SESSION_CHANGE
        and not isinstance(session_id, str)
    ):
        raise ValueError(f"{etype.name} events carry the WTS code pysens2 does not know: pass code")
    # SessionEvent's own checks give the clear error for a mismatched type,
    # source, session id or code, and pick the source (with a Windows session
    # id, WTS's, and its code), before anything is queued.
    domain, name = _split_user(user)
    checked = SessionEvent(
        etype, name, session_id, domain=domain, seat=seat, source=source, code=code
    )
    index = _native.source_index(checked.source, _TYPE_INDEX[etype])
    _native.inject(native, index, name, domain, seat, session_id, checked.code or 0)
    _apply_to_simulated_state(checked)


def _split_user(user: str) -> tuple[str, str]:
    """(domain, account) as SENS names are split: see SessionEvent.qualified_user."""
    domain, sep, name = user.partition("\\")
    return (domain, name) if sep and domain else ("", user)


def fire_burst(
    monitor: SessionMonitor,
    event_type: EventTypeLike,
    count: int,
    *,
    threads: int = 1,
    via: Via = "vtable",
) -> None:
    """Fire ``count`` events from each of ``threads`` native threads at once.

    Thread ``t`` uses the user name ``"producer-<t>"`` and, for ISensLogon2
    events, session ids 0, 1, 2, ... in firing order, so order per producer
    can be checked. Returns when every producer has finished.
    """
    native = _native_of(monitor)
    etype = parse_event_type(event_type)
    check_int("count", count, 0, _SESSION_ID_MAX)
    check_int("threads", threads, 1, 256)
    _native.fire_burst(native, _sens_source(etype), threads, count, _check_via(via))


def fire_raw_invoke(
    monitor: SessionMonitor,
    interface: Interface,
    dispid: int,
    args: Sequence[Variant],
    *,
    flags: int = DISPATCH_METHOD,
    named: Sequence[int] = (),
    iid: Optional[str] = None,
) -> InvokeResult:
    """Call ``IDispatch::Invoke`` on the sink with arbitrary arguments.

    ``args`` are in call order (the first parameter first); they are passed
    to Invoke reversed, as DISPPARAMS requires. ``iid`` None means IID_NULL.
    Returns the HRESULT and puArgErr (None if Invoke did not set it).
    """
    native = _native_of(monitor)
    specs = [_variant_spec(a) for a in reversed(list(args))]
    hresult, arg_err = _native.invoke(
        native, _interface_index(interface), int(dispid), specs, int(flags), list(named), iid
    )
    return InvokeResult(hresult, arg_err)


def _variant_spec(arg: object) -> tuple[int, object]:
    if not isinstance(arg, tuple) or len(arg) != 2:
        raise TypeError("each argument must be a Variant(vt, value)")
    vt, value = arg
    if isinstance(vt, bool) or not isinstance(vt, int) or not 0 <= vt <= 0xFFFF:
        raise ValueError(f"vt must be a VARTYPE between 0 and 0xFFFF, got {vt!r}")
    base = vt & 0x0FFF
    if vt & VT.BYREF and base == VT.VARIANT and value is not None:
        value = _variant_spec(value)
    elif base == VT.BSTR and isinstance(value, str):
        value = _utf16(value)
    return (vt, value)


def get_ids_of_names(
    monitor: SessionMonitor,
    interface: Interface,
    names: Sequence[str],
    *,
    iid: Optional[str] = None,
) -> tuple[int, list[int]]:
    """Call ``IDispatch::GetIDsOfNames``; returns the HRESULT and the DISPIDs."""
    native = _native_of(monitor)
    if isinstance(names, str) or not all(isinstance(n, str) for n in names):
        raise TypeError("names must be a sequence of str")
    hresult, ids = _native.get_ids_of_names(native, _interface_index(interface), list(names), iid)
    return hresult, list(ids)


def query_interface(monitor: SessionMonitor, interface: Interface, iid: str) -> QueryResult:
    """Call ``QueryInterface`` on a sink object for ``iid`` ("{...}" form)."""
    native = _native_of(monitor)
    hresult, nulled, same = _native.query_interface(native, _interface_index(interface), iid)
    return QueryResult(hresult, nulled, same)


def sink_refcount(monitor: SessionMonitor, interface: Interface) -> int:
    """The sink object's COM reference count, as AddRef/Release report it."""
    return int(_native.sink_refcount(_native_of(monitor), _interface_index(interface)))


def live_sink_objects() -> int:
    """How many sink COM objects exist in the process (for leak checks)."""
    return int(_native.live_sinks())


class SimulatedState:
    """A machine's sessions for ``pysens2.sessions()`` and friends to report,
    in place of the real system's; see :func:`simulated_state`.

    Events fired with :func:`fire` while it is installed update it as the
    system would: a lock locks its session, a logon adds one, a logoff removes
    it, a disconnect leaves it disconnected, a console connect moves the console.
    """

    def __init__(self, own_session: SessionId = 1, user: str = "alice", domain: str = "") -> None:
        check_session_id("own_session", own_session)
        self._lock = threading.Lock()
        self._sessions: dict[SessionId, Session] = {}
        self._own = own_session
        self._console: Optional[SessionId] = own_session
        self._idle = 0.0
        self.add_session(own_session, user, domain)

    # -- setting it up ------------------------------------------------------
    def add_session(
        self,
        session_id: SessionId,
        user: str = "",
        domain: str = "",
        *,
        state: ConnectState = ConnectState.ACTIVE,
        locked: Optional[bool] = False,
        station: str = "Console",
        remote: bool = False,
        client_name: str = "",
        client_address: Optional[str] = None,
    ) -> Session:
        """Add (or replace) a session; returns its record."""
        check_session_id("session_id", session_id)
        record = Session(
            session_id,
            user,
            domain,
            ConnectState(state),
            locked,
            station,
            remote,
            client_name,
            client_address,
            logon_time=datetime.datetime.now(datetime.timezone.utc),
        )
        with self._lock:
            self._sessions[session_id] = record
        return record

    def remove_session(self, session_id: SessionId) -> None:
        with self._lock:
            self._sessions.pop(session_id, None)
            if self._console == session_id:
                self._console = None

    def set_console(self, session_id: Optional[SessionId]) -> None:
        """The session attached to the console (None: nobody logged on there)."""
        with self._lock:
            self._console = session_id

    def set_idle(self, seconds: float) -> None:
        with self._lock:
            self._idle = float(seconds)

    def update(self, session_id: SessionId, **changes: Any) -> Session:
        """Change fields of a session's record, e.g. ``update(2, locked=True)``."""
        with self._lock:
            record = dataclasses.replace(self._session_locked(session_id), **changes)
            self._sessions[session_id] = record
        return record

    # -- what events do to it -----------------------------------------------
    def apply(self, event: SessionEvent) -> None:
        """Update the state as the system would after `event`."""
        sid = self._own if event.session_id is None else event.session_id
        etype = event.type
        if etype is EventType.LOGON:
            self.add_session(sid, event.user, event.domain)
            return
        if etype is EventType.LOGOFF:
            self.remove_session(sid)
            return
        with self._lock:
            record = self._sessions.get(sid)
            if record is None:
                return
            changes: dict[str, Any] = {}
            if etype is EventType.DISPLAY_LOCK:
                changes["locked"] = True
            elif etype is EventType.DISPLAY_UNLOCK:
                changes["locked"] = False
            elif etype in _DISCONNECTS:
                changes["state"] = ConnectState.DISCONNECTED
                if self._console == sid:
                    self._console = None
            elif etype in _CONNECTS:
                changes["state"] = ConnectState.ACTIVE
                if etype is EventType.CONSOLE_CONNECT:
                    self._console = sid
                    changes["remote"] = False
                elif etype is EventType.REMOTE_CONNECT:
                    changes["remote"] = True
            if changes:
                self._sessions[sid] = dataclasses.replace(record, **changes)

    # -- the StateSource protocol (pysens2._state) ---------------------------
    def _session_locked(self, session_id: SessionId) -> Session:
        try:
            return self._sessions[session_id]
        except KeyError:
            raise ValueError(f"no session {session_id!r} in the simulated state") from None

    def sessions(self) -> list[Session]:
        with self._lock:
            return sorted(self._sessions.values(), key=lambda s: s.session_id)

    def session(self, session_id: SessionId) -> Session:
        with self._lock:
            return self._session_locked(session_id)

    def current_session_id(self) -> SessionId:
        return self._own

    def console_session_id(self, patience: float) -> Optional[SessionId]:
        with self._lock:
            return self._console

    def is_locked(self, session_id: SessionId) -> Optional[bool]:
        with self._lock:
            return self._session_locked(session_id).locked

    def idle_time(self) -> float:
        with self._lock:
            return self._idle


_DISCONNECTS = frozenset(
    {EventType.CONSOLE_DISCONNECT, EventType.REMOTE_DISCONNECT, EventType.SESSION_DISCONNECT}
)
_CONNECTS = frozenset(
    {EventType.CONSOLE_CONNECT, EventType.REMOTE_CONNECT, EventType.SESSION_RECONNECT}
)


@contextlib.contextmanager
def simulated_state(
    own_session: SessionId = 1, user: str = "alice", domain: str = ""
) -> Iterator[SimulatedState]:
    """Make ``pysens2.sessions()``, ``is_locked()``, ``idle_time()`` and the
    rest report a simulated machine for the ``with`` block (on any platform)::

        with testing.simulated_state() as state:
            with SessionMonitor(backend="simulated") as m:
                testing.fire(m, "display_lock")
                assert pysens2.is_locked() is True
    """
    state = SimulatedState(own_session, user, domain)
    previous = _state._set_source(state)
    try:
        yield state
    finally:
        _state._set_source(previous)


def _apply_to_simulated_state(event: SessionEvent) -> None:
    source = _state._override
    if isinstance(source, SimulatedState):
        source.apply(event)
