"""Linux: pysens2's logind backend beside what a Linux user would otherwise
write, in one run, against the same bus: a private dbus-daemon with
python-dbusmock's logind template (tests/logind_mock.py).

The mock flips session 2's LockedHint at a fixed rate and notes when it sent
each PropertiesChanged signal; every contestant, in a process of its own
(benchmarks/logind_subscribers.py), notes when its Python code saw each
change. Latency is the difference (one CLOCK_MONOTONIC for all processes).
A push subscriber's k-th change is the k-th signal; a poller's change is the
latest signal it could have seen, and the signals between are lost.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import logind_mock  # noqa: E402  (the tests' bus, shared rather than copied)

from .child import Child  # noqa: E402
from .logind_subscribers import CONTESTANTS, POLL_SECONDS, SESSION  # noqa: E402
from .report import percentile, row  # noqa: E402

POLLERS = {"loginctl poll"}


def unavailable() -> Optional[str]:
    """Why this part cannot run here, or None."""
    if not sys.platform.startswith("linux"):
        return "logind exists on Linux only"
    why = logind_mock.unavailable()
    if why:
        return why
    missing = []
    for module in ("dbus_fast", "jeepney"):
        try:
            __import__(module)
        except ImportError:
            missing.append(module.replace("_", "-"))
    if missing:
        return f"{' and '.join(missing)} not installed (pip install '.[bench]')"
    return None


# loginctl refuses to run unless systemd is PID 1 (sd_booted(): the folder
# /run/systemd/system), as in this project's containers. Its poller then runs
# in a private mount namespace that has that folder and nothing else changed.
PRETEND_BOOTED = [
    "unshare",
    "--mount",
    "sh",
    "-c",
    "mount -t tmpfs tmpfs /run/systemd 2>/dev/null || mount -t tmpfs tmpfs /run; "
    'mkdir -p /run/systemd/system && exec "$@"',
    "sh",
]


class LeftOut(Exception):
    """A contestant that cannot run on this machine, and why."""


def _wrapper(name: str) -> list[str]:
    if name not in POLLERS or os.path.isdir("/run/systemd/system"):
        return []
    if os.geteuid() != 0 or not shutil.which("unshare"):
        raise LeftOut(
            "loginctl refuses to run where systemd is not PID 1, and only root can "
            "give it a private /run/systemd/system here"
        )
    return PRETEND_BOOTED


def match(sent: list[int], seen: list[list[Any]], poller: bool) -> tuple[list[float], int]:
    """Latencies in µs of the changes seen, and how many sent were never seen
    (or seen out of order)."""
    # The mock's first flip sets LockedHint true; then it alternates.
    values = [i % 2 == 0 for i in range(len(sent))]
    lat: list[float] = []
    matched = 0
    i = 0
    for t, value in seen:
        if poller:
            # The latest signal before the poll that carries what it read.
            j = i
            while j + 1 < len(sent) and sent[j + 1] <= t:
                j += 1
            while j >= i and values[j] != value:
                j -= 1
        else:
            j = i
            while j < len(sent) and values[j] != value:
                j += 1
        if j < i or j >= len(sent):
            continue
        lat.append((t - sent[j]) / 1000)
        matched += 1
        i = j + 1
    return lat, len(sent) - matched


def run(quick: bool) -> dict[str, Any]:
    idle_seconds = 2.0 if quick else 10.0
    # (rate per second, signals; even, so each run starts unlocked): a
    # person's pace, which a poller can follow, and a burst, which it cannot.
    rates = [(2.0, 8) if quick else (1.0, 30), (1000.0, 500 if quick else 5000)]
    out: dict[str, Any] = {
        "idle_seconds": idle_seconds,
        "poll_seconds": POLL_SECONDS,
        "left_out": {},
    }
    with tempfile.TemporaryDirectory(prefix="pysens2-bench-") as tmp:
        mock = logind_mock.LogindMock(Path(tmp))
        mock.start_bus()
        try:
            mock.start_logind()
            mock.add_session(SESSION, "alice")
            env = dict(mock.env)
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
            for name in CONTESTANTS:
                try:
                    sub = Child(
                        "benchmarks.logind_subscribers",
                        [name],
                        cwd=ROOT,
                        env=env,
                        prefix=_wrapper(name),
                    )
                except LeftOut as why:
                    out["left_out"][name] = str(why)
                    continue
                try:
                    figures: dict[str, Any] = {"idle": sub.ask(f"idle {idle_seconds}")}
                    for rate, count in rates:
                        if name in POLLERS and rate > 100:
                            continue  # a poller sees a burst as one change at best
                        sent = mock.do("flip_locked_hint", SESSION, count, rate)
                        wait = 5.0 + (2 * POLL_SECONDS if name in POLLERS else 0.0)
                        seen = sub.ask(f"collect {count} {wait}")
                        lat, lost = match(sent, seen, name in POLLERS)
                        figures[f"{rate:g}/s"] = {
                            "sent": count,
                            "lost": lost,
                            **(
                                {
                                    "p50_us": percentile(lat, 50),
                                    "p99_us": percentile(lat, 99),
                                    "p99.9_us": percentile(lat, 99.9),
                                    "mean_us": statistics.fmean(lat),
                                }
                                if lat
                                else {}
                            ),
                        }
                    out[name] = figures
                finally:
                    sub.close()
        finally:
            mock.stop_bus()
    return out


def check(r: dict[str, Any]) -> list[str]:
    """What a contestant failed to produce (the --quick run's only check)."""
    required = os.environ.get("CI") == "true" or os.environ.get("PYSENS2_REQUIRE_ALL_TIERS") == "1"
    problems = [f"{n} left out: {why}" for n, why in r["left_out"].items() if required]
    for name in CONTESTANTS:
        if name in r["left_out"]:
            continue
        fig = r.get(name)
        if not fig:
            problems.append(f"{name}: no figures")
            continue
        for key, value in fig.items():
            if key != "idle" and "p50_us" not in value:
                problems.append(f"{name} at {key}: saw no change of {value['sent']}")
    return problems


def render(r: dict[str, Any]) -> str:
    lines = [
        "Linux, logind (a private dbus-daemon with python-dbusmock's logind template): "
        "signal sent -> Python callback",
        "",
    ]
    names = [n for n in CONTESTANTS if n in r]
    widths = [34, *([14] * len(names))]
    lines.append(row(["", *names], widths))
    rate_keys = [k for k in r[names[0]] if k != "idle"]
    for key in rate_keys:
        for stat in ("p50_us", "p99_us", "p99.9_us"):
            cells = []
            for n in names:
                v = r[n].get(key, {})
                cells.append(f"{v[stat]:,.0f}" if stat in v else "-")
            lines.append(row([f"latency {stat[:-3]} at {key}, µs", *cells], widths))
        lost = [f"{r[n][key]['lost']}/{r[n][key]['sent']}" if key in r[n] else "-" for n in names]
        lines.append(row([f"changes lost at {key}", *lost], widths))
    idle = [r[n]["idle"] for n in names]
    for label, cells in (
        (f"idle CPU over {r['idle_seconds']:g} s, ms", [f"{i['cpu_ms']:.1f}" for i in idle]),
        ("idle wake-ups per s", [f"{i['wakeups_per_s']:.1f}" for i in idle]),
        ("RSS of the process, MiB", [f"{i['rss_kib'] / 1024:.1f}" for i in idle]),
    ):
        lines.append(row([label, *cells], widths))
    for name, why in r["left_out"].items():
        lines.append(f"{name}: left out: {why}")
    lines.append(
        f"(loginctl polls every {r['poll_seconds']:g} s and is not sent the burst: it "
        "sees at most one change per poll)"
    )
    return "\n".join(lines)
