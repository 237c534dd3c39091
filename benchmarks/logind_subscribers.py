"""One subscriber to logind's lock signal per process, as a Linux user would
write it, driven by benchmarks/logind.py over stdin/stdout.

Run: ``python -m benchmarks.logind_subscribers NAME``. Every contestant
records (CLOCK_MONOTONIC ns, LockedHint) when its Python code first sees a
change; the parent compares that with when the mock sent the signal.

Commands, one per line: ``idle SECONDS`` (CPU and thread wake-ups of this
process, and its children's CPU, over a quiet while), ``collect N SECONDS``
(waits for N changes, at most SECONDS, then prints them and forgets them),
``quit``. The process prints ``ready`` once it is subscribed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections import deque
from typing import Callable

SESSION = "2"  # the session the parent's mock flips
SESSION_IFACE = "org.freedesktop.login1.Session"
MATCH = (
    "type='signal',sender='org.freedesktop.login1',"
    "interface='org.freedesktop.DBus.Properties',member='PropertiesChanged',"
    f"arg0='{SESSION_IFACE}'"
)
POLL_SECONDS = 1.0

seen: list[tuple[int, bool]] = []
arrived = threading.Condition()


def record(value: bool) -> None:
    t = time.monotonic_ns()
    with arrived:
        seen.append((t, bool(value)))
        arrived.notify_all()


# The contestants: each starts its subscriber and returns once it is subscribed.
def pysens2_logind() -> None:
    import pysens2

    m = pysens2.SessionMonitor(["display_lock", "display_unlock"], backend="logind", sessions="all")
    m.on("display_lock", lambda e: record(True))
    m.on("display_unlock", lambda e: record(False))
    m.start()


def dbus_fast() -> None:
    # dbus-fast's asyncio client, its fastest path: a match rule and a
    # low-level message handler (no introspection, no proxy objects).
    import asyncio

    from dbus_fast import BusType, Message, MessageType
    from dbus_fast.aio import MessageBus

    ready = threading.Event()

    def handler(msg: Message) -> None:
        if msg.message_type == MessageType.SIGNAL and msg.member == "PropertiesChanged":
            changed = msg.body[1]
            if "LockedHint" in changed:
                record(changed["LockedHint"].value)

    async def main() -> None:
        bus = await MessageBus(bus_type=BusType.SYSTEM).connect()
        bus.add_message_handler(handler)
        await bus.call(
            Message(
                destination="org.freedesktop.DBus",
                path="/org/freedesktop/DBus",
                interface="org.freedesktop.DBus",
                member="AddMatch",
                signature="s",
                body=[MATCH],
            )
        )
        ready.set()
        await asyncio.Event().wait()

    threading.Thread(target=asyncio.run, args=(main(),), daemon=True).start()
    if not ready.wait(30):
        raise RuntimeError("dbus-fast did not subscribe within 30 s")


def jeepney_blocking() -> None:
    # jeepney's blocking I/O on a thread of its own, with a filter queue as
    # its documentation shows (bufsize raised: the default of 1 keeps only
    # the newest message).
    from jeepney import MatchRule, message_bus
    from jeepney.io.blocking import Proxy, open_dbus_connection

    conn = open_dbus_connection(bus="SYSTEM")
    # The bus matches the sender by its well-known name; jeepney's local filter
    # sees only the unique name (":1.5"), so it leaves the sender out.
    local = MatchRule(
        type="signal", interface="org.freedesktop.DBus.Properties", member="PropertiesChanged"
    )
    local.add_arg_condition(0, SESSION_IFACE)
    on_bus = MatchRule(
        type="signal",
        sender="org.freedesktop.login1",
        interface="org.freedesktop.DBus.Properties",
        member="PropertiesChanged",
    )
    on_bus.add_arg_condition(0, SESSION_IFACE)
    Proxy(message_bus, conn).AddMatch(on_bus)
    queue: deque[object] = deque()

    def loop() -> None:
        with conn.filter(local, queue=queue):
            while True:
                msg = conn.recv_until_filtered(queue)
                changed = msg.body[1]  # type: ignore[attr-defined]
                if "LockedHint" in changed:
                    record(changed["LockedHint"][1])

    threading.Thread(target=loop, daemon=True).start()


def loginctl_poll() -> None:
    # What ActivityWatch's AFK watcher does: ask loginctl on every poll.
    def ask() -> bool:
        out = subprocess.run(
            ["loginctl", "show-session", SESSION, "-p", "LockedHint", "--value"],
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip() == "yes"

    last = ask()

    def loop() -> None:
        nonlocal last
        while True:
            time.sleep(POLL_SECONDS)
            now = ask()
            if now != last:
                last = now
                record(now)

    threading.Thread(target=loop, daemon=True).start()


CONTESTANTS: dict[str, Callable[[], None]] = {
    "pysens2": pysens2_logind,
    "dbus-fast": dbus_fast,
    "jeepney": jeepney_blocking,
    "loginctl poll": loginctl_poll,
}


# Measurement ------------------------------------------------------------------
def _switches() -> int:
    """Context switches of every thread of this process: its wake-ups."""
    total = 0
    for tid in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{tid}/status") as f:
            for line in f:
                if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                    total += int(line.split()[1])
    return total


def _rss_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def idle(seconds: float) -> dict[str, float]:
    t0, s0 = os.times(), _switches()
    time.sleep(seconds)
    t1, s1 = os.times(), _switches()
    own = (t1.user + t1.system) - (t0.user + t0.system)
    children = (t1.children_user + t1.children_system) - (t0.children_user + t0.children_system)
    # The measuring thread's own sleep is two switches: not the contestant's.
    return {
        "cpu_ms": (own + children) * 1000,
        "wakeups_per_s": max(0, s1 - s0 - 2) / seconds,
        "rss_kib": _rss_kib(),
    }


def collect(count: int, seconds: float) -> list[tuple[int, bool]]:
    deadline = time.monotonic() + seconds
    with arrived:
        while len(seen) < count and arrived.wait(max(0.0, deadline - time.monotonic())):
            pass
        got = list(seen)
        seen.clear()
    return got


def main() -> int:
    CONTESTANTS[sys.argv[1]]()
    print("ready", flush=True)
    for line in sys.stdin:
        cmd, *args = line.split()
        if cmd == "idle":
            print(json.dumps(idle(float(args[0]))), flush=True)
        elif cmd == "collect":
            print(json.dumps(collect(int(args[0]), float(args[1]))), flush=True)
        elif cmd == "quit":
            break
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
