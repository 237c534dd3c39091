"""Windows: pysens2 beside the SENS subscribers Windows users write today (the
pywin32 recipe, comtypes), each in a Windows CPython process of its own,
subscribed to the same Event System stand-in (tests/windows) and fed by the
same publisher, which calls each subscriber in turn on one thread, as SENS
does. Under Wine here: ratios between contestants mean something, absolute
times are Wine's, not Windows'.

The contestants: benchmarks/windows_contestants.py; the process each runs
in and what it measures there: benchmarks/windows_child.py.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from .child import Child
from .report import row

ROOT = Path(__file__).resolve().parent.parent
NAMES = [
    "no monitor",
    "pysens2 MTA",
    "pysens2 STA",
    "pywin32 pump loop",
    "pywin32 pump thread",
    "comtypes MTA",
]
MAIN_THREAD_PUMPS = {"pywin32 pump loop"}


@dataclass
class Config:
    idle_seconds: float
    slow: int  # events at 10/s
    fast: int  # events at 1,000/s
    busy: int  # events at 100/s with the main thread busy
    burst: int  # events back to back (throughput, memory)
    memory: int  # events in all before the last RSS reading
    pump_limit: int  # most events per run for a subscriber the main thread pumps
    rounds: int  # slowdown rounds
    start_stops: int  # subscribe/remove runs (the median is reported)
    memory_seconds: float  # most time spent delivering `memory` events


QUICK = Config(2.0, 20, 300, 50, 2_000, 10_000, 200, 3, 1, 30.0)
FULL = Config(10.0, 100, 5_000, 500, 10_000, 1_000_000, 2_000, 10, 3, 120.0)


def unavailable() -> Optional[str]:
    if sys.platform != "win32":
        return "needs Windows CPython (CI runs it under Wine)"
    sys.path.insert(0, str(ROOT / "tests"))
    import fake_event_system as fes

    if fes.dll_path() is None:
        return f"{fes.ENV} does not name the Event System stand-in DLL (scripts/test.sh builds it)"
    return None


def _spawn(name: str, log: Optional[str] = None) -> Child:
    args = [name, uuid.uuid4().hex, *([log] if log else [])]
    return Child("benchmarks.windows_child", args, cwd=ROOT, env=dict(os.environ))


def _left_after_exit(name: str) -> Optional[int]:
    """Subscriptions a process leaves when it ends without stop(): the
    stand-in logs each Store and Remove; a Store without its Remove is left."""
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "subscriptions.log")
        child = _spawn(name, log)
        child.ask("exit")
        child.close()
        if not os.path.exists(log):
            return 0
        lines = Path(log).read_text().split()
        return sum(1 for w in lines if w == "store") - sum(1 for w in lines if w == "remove")


def run_one(name: str, cfg: Config) -> dict[str, Any]:
    pumps = name in MAIN_THREAD_PUMPS
    limit = cfg.pump_limit if pumps else None

    def n(count: int) -> int:
        return min(count, limit) if limit else count

    out: dict[str, Any] = {}
    child = _spawn(name)
    try:
        out["idle"] = child.ask(f"idle {cfg.idle_seconds}")
        out["10/s"] = child.ask(f"publish {n(cfg.slow)} 10 idle")
        out["1000/s"] = child.ask(f"publish {n(cfg.fast)} 1000 idle")
        if not pumps:  # its pump is the busy main thread: nothing would arrive
            out["busy 100/s"] = child.ask(f"publish {n(cfg.busy)} 100 busy")
            out["slowdown"] = child.ask(f"slowdown {cfg.rounds} 1000 10000")
        out["burst"] = child.ask(f"publish {n(cfg.burst)} 0 idle")
        out["rss_after_burst_kib"] = child.ask("rss")["rss_kib"]
        done = n(cfg.burst) + n(cfg.slow) + n(cfg.fast)
        out["events_before_burst_rss"] = done
        if not pumps and cfg.memory > done:
            # Up to cfg.memory events, within a time budget: a subscriber
            # that takes 1 ms per event would need 17 minutes for a million.
            deadline = time.monotonic() + cfg.memory_seconds
            while done < cfg.memory and time.monotonic() < deadline:
                child.ask(f"publish {cfg.burst} 0 idle")
                done += cfg.burst
            out["rss_after_memory_kib"] = child.ask("rss")["rss_kib"]
            out["events_before_memory_rss"] = done
        runs = [child.ask("start_stop 10") for _ in range(cfg.start_stops)]
        if runs[0] is not None:
            out["subscribe_10_ms"] = statistics.median(r[0] for r in runs) * 1000
            out["remove_10_ms"] = statistics.median(r[1] for r in runs) * 1000
        out.update(child.ask("stop"))
    finally:
        child.close()
    if name != "no monitor":
        out["left_after_exit"] = _left_after_exit(name)
    return out


def run(quick: bool) -> dict[str, Any]:
    cfg = QUICK if quick else FULL
    results: dict[str, Any] = {"config": cfg.__dict__, "left_out": {}}
    for name in NAMES:
        try:
            results[name] = run_one(name, cfg)
        except (RuntimeError, OSError) as exc:  # a peer that cannot run here: say why
            results["left_out"][name] = f"{type(exc).__name__}: {exc}"
    return results


def check(r: dict[str, Any]) -> list[str]:
    """What a contestant failed to produce (the --quick run's check)."""
    problems = [f"{n} left out: {why}" for n, why in r["left_out"].items()]
    for name in NAMES:
        fig = r.get(name)
        if fig is None:
            continue
        for key in ("10/s", "1000/s", "burst"):
            if name != "no monitor" and "p50_us" not in fig[key]:
                problems.append(f"{name} at {key}: no event arrived")
            if fig[key]["lost"] or fig[key]["reordered"]:
                problems.append(f"{name} at {key}: events lost or reordered: {fig[key]}")
    return problems


def render(r: dict[str, Any]) -> str:
    names = [n for n in NAMES if n in r]
    widths = [40, *([12] * len(names))]
    lines = [
        "Windows CPython under Wine: SENS subscribers fed by the Event System "
        "stand-in's publisher (Wine times, not Windows times; compare columns)",
        "",
        row(["", *(n.replace("pywin32 ", "pywin32\u00a0") for n in names)], widths),
    ]

    def line(label: str, get: Any, fmt: str = "{:,.0f}") -> None:
        cells = []
        for n in names:
            try:
                v = get(r[n])
            except (KeyError, TypeError):
                v = None
            cells.append("-" if v is None or v != v else fmt.format(v))
        lines.append(row([label, *cells], widths))

    for main, key in (("idle", "1000/s"), ("busy", "busy 100/s")):
        for stat in ("p50", "p99"):
            line(
                f"publisher blocked {stat}, µs ({main} main)",
                lambda f, k=key, s=stat: f[k][f"blocked_{s}_us"],
                "{:,.1f}",
            )
    for rate in ("10/s", "1000/s"):
        for stat, key in (("p50", "p50_us"), ("p99", "p99_us"), ("p99.9", "p999_us")):
            line(f"latency {stat} at {rate}, µs", lambda f, a=rate, b=key: f[a][b])
    line("throughput, events/s", lambda f: f["burst"]["per_s"])
    line("main-thread loop, no events (s)", lambda f: f["slowdown"]["0/s"], "{:.3f}")
    if "no monitor" in r:  # across processes: noisier than the rows below
        alone = r["no monitor"]["slowdown"]["0/s"]
        line("main-thread slowdown at 0/s", lambda f: f["slowdown"]["0/s"] / alone, "{:.3f}x")
    for rate in ("1000/s", "10000/s"):
        line(
            f"main-thread slowdown at {rate}",
            lambda f, a=rate: f["slowdown"][a] / f["slowdown"]["0/s"],
            "{:.3f}x",
        )
    secs = r["config"]["idle_seconds"]
    line(f"idle CPU over {secs:g} s, ms", lambda f: f["idle"]["cpu_ms"], "{:.1f}")
    line("idle thread wake-ups per s", lambda f: f["idle"]["wakeups_per_s"], "{:.1f}")
    line("subscribe 10 types, ms", lambda f: f["subscribe_10_ms"], "{:.1f}")
    line("remove 10 types, ms", lambda f: f["remove_10_ms"], "{:.1f}")
    line(
        "RSS after the first events, MiB",
        lambda f: f["rss_after_burst_kib"] / 1024,
        "{:.1f}",
    )
    line("... that many events", lambda f: f["events_before_burst_rss"])
    line("RSS after more events, MiB", lambda f: f["rss_after_memory_kib"] / 1024, "{:.1f}")
    line("... that many events", lambda f: f["events_before_memory_rss"])
    line(
        "events lost / reordered",
        lambda f: sum(f[k]["lost"] + f[k]["reordered"] for k in ("10/s", "1000/s", "burst")),
    )
    line("subscriptions left after stop", lambda f: f["left_after_stop"])
    line("subscriptions left after exit", lambda f: f["left_after_exit"])
    lines.append(
        "(the pump loop runs PumpWaitingMessages() then sleeps 10 ms; it gets at most "
        f"{r['config']['pump_limit']:,} events per run, and none while its main thread is busy)"
    )
    for name, why in r["left_out"].items():
        lines.append(f"{name}: left out: {why}")
    return "\n".join(lines)
