"""The ``pysens2`` command: ``watch`` real session events, list ``sessions``,
show the ``status`` of this one, or run a ``demo``."""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
from typing import Optional, Sequence

from . import __version__
from ._backends import backends
from ._errors import BackendUnavailableError, Error
from ._monitor import BACKENDS, SessionMonitor
from ._native import SessionEvent
from ._state import Session, console_session, current_session, idle_time, sessions
from ._types import EventType, parse_event_types

# The Fast User Switching sequence `demo` plays: (event, session id).
DEMO_SEQUENCE = (
    (EventType.LOGON, 2),
    (EventType.DISPLAY_LOCK, None),
    (EventType.SESSION_DISCONNECT, 2),
    (EventType.SESSION_RECONNECT, 2),
    (EventType.DISPLAY_UNLOCK, None),
    (EventType.LOGOFF, 2),
)
DEMO_USER = "CONTOSO\\alice"


def format_line(event: SessionEvent) -> str:
    session = "-" if event.session_id is None else str(event.session_id)
    stamp = event.timestamp.isoformat(timespec="milliseconds")
    kind = f"{event.type.name:<18}"
    code = "" if event.code is None else f" code {event.code}"
    user = event.qualified_user or "-"
    return f"{stamp}  {kind}  session {session:>10}  user {user}  ({event.source}{code})"


def format_json(event: SessionEvent) -> str:
    return json.dumps(
        {
            "type": event.type.value,
            "user": event.user,
            "domain": event.domain,
            "seat": event.seat,
            "session_id": event.session_id,
            "timestamp": event.timestamp.isoformat(),
            "monotonic_ns": event.monotonic_ns,
            "source": event.source,
            "code": event.code,
        },
        ensure_ascii=False,
    )


def _parse_events(text: Optional[str]) -> Optional[list[str]]:
    if text is None:
        return None
    names = [part for part in text.replace(",", " ").split() if part]
    try:
        parse_event_types(names)  # fail here, with the list of valid names
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return names


def _non_negative(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"expected a number of seconds >= 0, got {text!r}")
    return value


def _print(line: str) -> None:
    print(line, flush=True)


def _watch(args: argparse.Namespace) -> int:
    fmt = format_json if args.json else format_line
    try:
        monitor = SessionMonitor(args.events, backend=args.backend)
    except BackendUnavailableError:
        # The library's message points programmers to backend="simulated";
        # a command-line user gets what they can do from the command line.
        reason = backends()[args.backend].reason
        print(
            f"pysens2 watch: no session-event source on this machine ({reason}).\n"
            "Run `pysens2 demo` to see what watch prints, with simulated events.",
            file=sys.stderr,
        )
        return 2
    try:
        with monitor:
            for event in monitor:
                _print(fmt(event))
    except KeyboardInterrupt:
        monitor.stop()
    return 0


def _time_text(value: Optional[datetime.datetime]) -> Optional[str]:
    return None if value is None else value.isoformat()


def session_json(s: Session) -> dict[str, object]:
    return {
        "session_id": s.session_id,
        "user": s.user,
        "domain": s.domain,
        "state": None if s.state is None else s.state.name.lower(),
        "locked": s.locked,
        "station": s.station,
        "remote": s.remote,
        "client_name": s.client_name,
        "client_address": s.client_address,
        "logon_time": _time_text(s.logon_time),
        "connect_time": _time_text(s.connect_time),
        "disconnect_time": _time_text(s.disconnect_time),
        "last_input_time": _time_text(s.last_input_time),
    }


def _locked_text(locked: Optional[bool]) -> str:
    return "unknown" if locked is None else ("yes" if locked else "no")


def _sessions(args: argparse.Namespace) -> int:
    found = sessions()
    if args.json:
        _print(json.dumps([session_json(s) for s in found], ensure_ascii=False))
        return 0
    _print(f"{'ID':>5}  {'USER':<24}  {'STATE':<13}  {'LOCKED':<7}  {'STATION':<14}  CLIENT")
    for s in found:
        state = "unknown" if s.state is None else s.state.name.lower()
        client = " ".join(x for x in (s.client_name, s.client_address or "") if x)
        _print(
            f"{s.session_id:>5}  {s.qualified_user or '-':<24}  {state:<13}  "
            f"{_locked_text(s.locked):<7}  {s.station or '-':<14}  {client or '-'}"
        )
    return 0


def _status(args: argparse.Namespace) -> int:
    own = current_session()
    console = console_session()
    idle = idle_time()
    if args.json:
        record = {
            "session": session_json(own),
            "console_session_id": None if console is None else console.session_id,
            "locked": own.locked,
            "idle_seconds": idle,
        }
        _print(json.dumps(record, ensure_ascii=False))
        return 0
    _print(f"session:  {own.session_id} ({own.qualified_user or 'nobody'}, {own.station or '-'})")
    console_text = "none" if console is None else f"{console.session_id} ({console.qualified_user})"
    _print(f"console:  {console_text}")
    _print(f"locked:   {_locked_text(own.locked)}")
    _print(f"idle:     {idle:.1f} s")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from .testing import fire  # only the demo drives the sink by hand

    fmt = format_json if args.json else format_line
    monitor = SessionMonitor(backend="simulated")
    if not args.json:
        _print("pysens2 demo: a Fast User Switching sequence fired through the real COM sink")
        _print("(vtable calls from native threads, as the COM+ Event System makes them)")
    with monitor:
        for etype, session in DEMO_SEQUENCE:
            fire(monitor, etype, DEMO_USER, session)
            _print(fmt(monitor.get(timeout=10)))
            time.sleep(args.interval)
    if not args.json:
        _print(f"{len(DEMO_SEQUENCE)} events delivered, {monitor.dropped} dropped")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pysens2",
        description="Session events and session state for Python.",
    )
    parser.add_argument("--version", action="version", version=f"pysens2 {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    names = ", ".join(t.value for t in EventType)

    watch = sub.add_parser(
        "watch",
        help="print session events as they arrive (Windows)",
        description="Print each session event as it arrives, until Ctrl+C (exit status 0). "
        "Needs a real backend: where there is none it exits with status 2; "
        "if subscribing fails (e.g. no COM+ Event System), with status 1.",
    )
    watch.add_argument("--json", action="store_true", help="one JSON object per line")
    watch.add_argument(
        "--backend",
        choices=[b for b in BACKENDS if b not in ("simulated", "service")],
        default="auto",
        help="where events come from (default: auto)",
    )
    watch.add_argument(
        "--events",
        type=_parse_events,
        metavar="LIST",
        help=f"comma-separated event types to watch (default: all): {names}",
    )
    watch.set_defaults(run=_watch)

    listing = sub.add_parser(
        "sessions",
        help="list the sessions on this machine now (Windows)",
        description="List every session: id, user, connection state, lock state, station "
        "and remote client. Exit status 2 where there is no source of session state.",
    )
    listing.add_argument("--json", action="store_true", help="a JSON array of session records")
    listing.set_defaults(run=_sessions)

    status = sub.add_parser(
        "status",
        help="this session now: id, console session, locked, idle (Windows)",
        description="Show this process's session, the console's session, whether this "
        "session is locked and how long it has been idle.",
    )
    status.add_argument("--json", action="store_true", help="one JSON object")
    status.set_defaults(run=_status)

    demo = sub.add_parser(
        "demo",
        help="play a scripted Fast User Switching sequence through the real sink (any platform)",
        description="Fire logon, lock, disconnect, reconnect, unlock and logoff through the "
        "monitor's real COM sink with the simulated backend, and print them as they arrive.",
    )
    demo.add_argument("--json", action="store_true", help="one JSON object per line")
    demo.add_argument(
        "--interval",
        type=_non_negative,
        default=0.3,
        metavar="SECONDS",
        help="pause between events (default: 0.3)",
    )
    demo.set_defaults(run=_demo)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        return 0
    except BackendUnavailableError as exc:
        print(f"pysens2 {args.command}: {exc}", file=sys.stderr)
        return 2
    except Error as exc:
        print(f"pysens2: {exc}", file=sys.stderr)
        return 1
