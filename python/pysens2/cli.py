"""The ``pysens2`` command: ``watch`` real session events, or run a ``demo``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Optional, Sequence

from . import __version__
from ._backends import backends
from ._errors import BackendUnavailableError, Error
from ._monitor import SessionMonitor
from ._native import SessionEvent
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
        monitor = SessionMonitor(args.events)
    except BackendUnavailableError:
        # The library's message points programmers to backend="simulated";
        # a command-line user gets what they can do from the command line.
        reason = backends()["sens"].reason
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
        description="Windows session events (SENS) for Python.",
    )
    parser.add_argument("--version", action="version", version=f"pysens2 {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    names = ", ".join(t.value for t in EventType)

    watch = sub.add_parser(
        "watch",
        help="print session events as they arrive (Windows)",
        description="Print each session event as it arrives, until Ctrl+C (exit status 0). "
        "Needs the real SENS backend: on other platforms it exits with status 2; "
        "if subscribing fails (no COM+ Event System), with status 1.",
    )
    watch.add_argument("--json", action="store_true", help="one JSON object per line")
    watch.add_argument(
        "--events",
        type=_parse_events,
        metavar="LIST",
        help=f"comma-separated event types to watch (default: all): {names}",
    )
    watch.set_defaults(run=_watch)

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
    except Error as exc:
        print(f"pysens2: {exc}", file=sys.stderr)
        return 1
