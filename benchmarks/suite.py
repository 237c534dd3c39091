"""What a pysens2 monitor costs its host program, side by side with the
floor and the alternatives, in one run. Figures are reported, never asserted.

Run: ``python -m benchmarks`` (``--quick`` for a run under a minute,
``--json FILE`` to keep the figures).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import pysens2
from pysens2 import _native

from .baselines import QueuedThunk, Thunk
from .report import row

bench = _native._bench
SOURCE = _native.source_names().index("ISensLogon2.SessionDisconnect")


def noop(event: object) -> None:
    pass


@dataclass
class Config:
    events: int
    repeats: int
    idle_seconds: float
    latency_events: int
    spin_seconds: float


QUICK = Config(events=100_000, repeats=3, idle_seconds=2.0, latency_events=2_000, spin_seconds=0.4)
FULL = Config(
    events=1_000_000, repeats=5, idle_seconds=10.0, latency_events=10_000, spin_seconds=1.5
)


@dataclass
class Results:
    figures: dict[str, dict[str, float]] = field(default_factory=dict)

    def put(self, metric: str, system: str, value: float) -> None:
        self.figures.setdefault(metric, {})[system] = value


def _monitor(queue_size: int) -> pysens2.SessionMonitor:
    m = pysens2.SessionMonitor(["session_disconnect"], backend="simulated", queue_size=queue_size)
    m.on("session_disconnect", noop)
    return m


def _timed(run: Callable[[], None]) -> tuple[float, float]:
    """Wall and process-CPU seconds of run()."""
    gc.collect()
    w0, c0 = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - w0, time.process_time() - c0


# 1. Delivery cost ---------------------------------------------------------------
def delivery(cfg: Config, threads: int) -> dict[str, tuple[float, float]]:
    per_thread = cfg.events // threads
    n = per_thread * threads

    def pysens2_run() -> None:
        m = _monitor(n + 1)
        m.start()
        bench.fire(m._native, SOURCE, per_thread, threads)
        m.stop()
        assert m.dropped == 0

    def floor_run() -> None:
        bench.floor(noop, per_thread, threads)

    # The thunk baselines cost tens of times more per event: a tenth of the
    # events keeps the run short (every figure is per event).
    thunk_per_thread = max(1, per_thread // 10)

    def thunk_run() -> None:
        t = Thunk(noop)
        bench.call_thunk(t.address, thunk_per_thread, threads)

    def queued_run() -> None:
        t = QueuedThunk(noop)
        bench.call_thunk(t.address, thunk_per_thread, threads)
        t.finish()

    systems = {
        "pysens2": pysens2_run,
        "floor": floor_run,
        "thunk": thunk_run,
        "thunk+queue": queued_run,
    }
    samples: dict[str, list[tuple[float, float]]] = {k: [] for k in systems}
    for _ in range(cfg.repeats):  # alternate, so drift hits every system alike
        for name, run in systems.items():
            samples[name].append(_timed(run))
    counts = {"pysens2": n, "floor": n, "thunk": thunk_per_thread * threads}
    counts["thunk+queue"] = counts["thunk"]
    return {
        name: (
            statistics.median(w for w, _ in s) / counts[name] * 1e6,
            statistics.median(c for _, c in s) / counts[name] * 1e6,
        )
        for name, s in samples.items()
    }


# 2. Latency and 3. GIL hold ---------------------------------------------------------
def latency(cfg: Config, rate_hz: float, count: int) -> dict[str, float]:
    lat: list[int] = []
    now = time.monotonic_ns

    def on_event(e: pysens2.SessionEvent) -> None:
        lat.append(now() - e.monotonic_ns)

    m = pysens2.SessionMonitor(["session_disconnect"], backend="simulated", queue_size=count + 1)
    m.on("session_disconnect", on_event)
    m.start()
    m._native.set_timing(True)
    bench.fire(m._native, SOURCE, count, 1, rate_hz)
    m.stop()
    stats = m._native.stats()
    lat.sort()

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, int(p / 100 * len(lat)))] / 1000

    clock = bench.clock_cost(200_000)
    outside = (stats["gil_ns"] - stats["callback_ns"]) / stats["events"] - 2 * clock
    return {
        "p50_us": pct(50),
        "p99_us": pct(99),
        "p99.9_us": pct(99.9),
        "gil_outside_callbacks_ns": outside,
        "events_per_gil_hold": stats["events"] / max(1, stats["batches"]),
    }


# 4. Interference with the main thread ---------------------------------------------------
def _spin(iterations: int) -> float:
    t0 = time.perf_counter()
    x = 0
    for i in range(iterations):
        x += i
    return time.perf_counter() - t0


def interference(cfg: Config) -> dict[str, float]:
    """Main-thread slowdown, from many short rounds: in each round every
    condition runs once, back to back, and is compared with that round's
    no-monitor time. The median of those paired ratios cancels most of the
    drift a shared machine adds; a single long timing does not."""
    iterations = 50_000
    while _spin(iterations) < 0.05:
        iterations *= 2
    rounds = max(10, int(cfg.spin_seconds * 20))

    def with_producer(start: Callable[[float], Callable[[], None]], rate: float) -> float:
        stop_producer = start(rate)
        time.sleep(0.02)  # let the rate settle
        t = _spin(iterations)
        stop_producer()
        return t

    def pysens2_producer(rate: float) -> Callable[[], None]:
        m = _monitor(1 << 16)
        m.start()
        count = int(rate * 0.25)  # outlasts one timed loop, then ends on its own
        th = threading.Thread(target=bench.fire, args=(m._native, SOURCE, count, 1, rate))
        th.start()

        def stop() -> None:
            th.join()
            m.stop()

        return stop

    def thunk_producer(rate: float) -> Callable[[], None]:
        t = Thunk(noop)
        count = int(rate * 0.25)
        th = threading.Thread(target=bench.call_thunk, args=(t.address, count, 1, rate))
        th.start()
        return lambda: th.join()

    idle_monitor = _monitor(1024)
    idle_monitor.start()
    conditions: dict[str, Callable[[], float]] = {
        "none": lambda: _spin(iterations),
        "pysens2 idle": lambda: _spin(iterations),  # idle_monitor is running meanwhile
    }
    for rate in (1_000.0, 10_000.0):
        conditions[f"pysens2 {int(rate)}/s"] = lambda r=rate: with_producer(pysens2_producer, r)
        conditions[f"thunk {int(rate)}/s"] = lambda r=rate: with_producer(thunk_producer, r)
    ratios: dict[str, list[float]] = {k: [] for k in conditions if k != "none"}
    try:
        for _ in range(rounds):
            idle_monitor.stop()
            base = conditions["none"]()
            idle_monitor.start()
            for name in ratios:
                ratios[name].append(conditions[name]() / base)
    finally:
        idle_monitor.stop()
    return {name: statistics.median(r) for name, r in ratios.items()}


# 5. Idle cost ---------------------------------------------------------------------
def idle_cost(cfg: Config) -> dict[str, float]:
    m = _monitor(1024)
    m.start()
    time.sleep(0.2)
    w0 = m._native.stats()["wakeups"]
    c0 = time.process_time()
    time.sleep(cfg.idle_seconds)
    cpu = time.process_time() - c0
    wakeups = m._native.stats()["wakeups"] - w0
    m.stop()
    return {"cpu_ms": cpu * 1000, "wakeups": float(wakeups), "seconds": cfg.idle_seconds}


# 6. Memory (in a fresh interpreter) -----------------------------------------------------
MEMORY_SCRIPT = r"""
import json, time, pysens2
from pysens2 import _native
def rss_kib():
    with open("/proc/self/status") as f:
        fields = dict(line.split(":", 1) for line in f)
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])
src = _native.source_names().index("ISensLogon2.SessionDisconnect")
m = pysens2.SessionMonitor(["session_disconnect"], backend="simulated")
seen = [0]
def on_event(e):
    seen[0] += 1
m.on("session_disconnect", on_event)
m.start()
fired = 0
def deliver(n):
    # Sustained delivery in chunks of 10,000: steady state, not one backlog.
    global fired
    while n:
        k = min(10_000, n)
        _native._bench.fire(m._native, src, k, 1)
        fired += k
        n -= k
        while seen[0] < fired:
            time.sleep(0.001)
deliver(10_000)
after_10k = rss_kib()
deliver(990_000)
after_1m = rss_kib()
m.stop()
before = rss_kib()[0]
monitors = [pysens2.SessionMonitor(backend="simulated").start() for _ in range(100)]
per_monitor = (rss_kib()[0] - before) / 100
for x in monitors:
    x.stop()
print(json.dumps({"rss_10k_kib": after_10k[0], "rss_1m_kib": after_1m[0],
                  "peak_10k_kib": after_10k[1], "peak_1m_kib": after_1m[1],
                  "dropped": m.dropped, "per_idle_monitor_kib": per_monitor}))
"""


def memory() -> dict[str, float]:
    if not os.path.exists("/proc/self/status"):
        return {}
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_SCRIPT], capture_output=True, text=True, check=True
    )
    return {k: float(v) for k, v in json.loads(out.stdout).items()}


# 7. Start/stop and import --------------------------------------------------------------
def start_stop(cycles: int) -> float:
    m = _monitor(1024)
    t0 = time.perf_counter()
    for _ in range(cycles):
        m.start()
        m.stop()
    return (time.perf_counter() - t0) / cycles * 1e6


def import_time() -> float:
    code = "import time; t = time.perf_counter(); import pysens2; print(time.perf_counter() - t)"
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(5)
    ]
    return min(runs) * 1000


# Report -------------------------------------------------------------------------
def run(cfg: Config) -> dict[str, Any]:
    out: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "free_threaded": not getattr(sys, "_is_gil_enabled", lambda: True)(),
        }
    }
    for threads in (1, 4):
        out[f"delivery_{threads}_producer"] = {
            k: {"wall_us": w, "cpu_us": c} for k, (w, c) in delivery(cfg, threads).items()
        }
    out["latency_1000_per_s"] = latency(cfg, 1000.0, cfg.latency_events)
    out["latency_saturation"] = latency(cfg, 0.0, cfg.events)
    out["interference_slowdown"] = interference(cfg)
    out["idle"] = idle_cost(cfg)
    out["memory"] = memory()
    out["start_stop_us"] = start_stop(50 if cfg is QUICK else 200)
    out["import_ms"] = import_time()
    return out


SYSTEMS = ("pysens2", "floor", "thunk", "thunk+queue")


def render(r: dict[str, Any]) -> str:
    m = r["machine"]
    lines = [
        f"pysens2 {pysens2.__version__}, Python {m['python']}, {m['platform']}, {m['cpus']} CPUs"
    ]
    widths = [30, 9, 9, 9, 12, 14, 14]
    header = ["delivery, µs per event", *SYSTEMS, "pysens2/floor", "thunk/pysens2"]
    lines += ["", row(header, widths)]
    for threads in (1, 4):
        d = r[f"delivery_{threads}_producer"]
        for kind in ("wall", "cpu"):
            v = {k: d[k][f"{kind}_us"] for k in SYSTEMS}
            ratios = [f"{v['pysens2'] / v['floor']:.2f}x", f"{v['thunk'] / v['pysens2']:.1f}x"]
            label = f"{threads} producer thread(s), {kind}"
            lines.append(row([label, *(f"{v[k]:.3f}" for k in SYSTEMS), *ratios], widths))
    lines.append("")
    for key, label in (
        ("latency_1000_per_s", "latency at 1,000 events/s"),
        ("latency_saturation", "latency at saturation"),
    ):
        lat = r[key]
        lines.append(
            f"{label}: p50 {lat['p50_us']:.1f} µs, p99 {lat['p99_us']:.1f} µs, "
            f"p99.9 {lat['p99.9_us']:.1f} µs"
        )
    sat = r["latency_saturation"]
    lines.append(
        f"GIL held per event outside callbacks: {sat['gil_outside_callbacks_ns']:.0f} ns "
        f"({sat['events_per_gil_hold']:.0f} events per GIL hold at saturation)"
    )
    lines += ["", "main-thread slowdown (CPU-bound Python loop; 1.000 = unaffected):"]
    for name, ratio in r["interference_slowdown"].items():
        lines.append(f"  {name:<20} {ratio:.3f}  ({(ratio - 1) * 100:+.1f}%)")
    idle = r["idle"]
    lines += [
        "",
        f"idle monitor for {idle['seconds']:.0f} s: {idle['cpu_ms']:.2f} ms CPU (whole process), "
        f"{idle['wakeups']:.0f} dispatcher wake-ups",
    ]
    mem = r["memory"]
    if mem:
        growth = (mem["rss_1m_kib"] - mem["rss_10k_kib"]) / 1024
        lines.append(
            f"RSS after 10,000 events {mem['rss_10k_kib'] / 1024:.1f} MiB, after 1,000,000 "
            f"{mem['rss_1m_kib'] / 1024:.1f} MiB (growth {growth:+.2f} MiB); "
            f"each idle monitor {mem['per_idle_monitor_kib']:.0f} KiB"
        )
    lines.append(
        f"start+stop (simulated backend) {r['start_stop_us']:.0f} µs; "
        f"import pysens2 {r['import_ms']:.1f} ms"
    )
    free = "yes" if m["free_threaded"] else "no: free-threaded Python not measured"
    lines.append(f"free-threaded build: {free}")
    return "\n".join(lines)


PARTS = ("core", "logind", "windows")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    p.add_argument("--quick", action="store_true", help="smaller counts: under a minute on 2 cores")
    p.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    p.add_argument(
        "--part",
        choices=(*PARTS, "all"),
        default="all",
        help="core: delivery costs (simulated backend); logind: Linux, against "
        "dbus-fast, jeepney and loginctl polling; windows: Windows CPython, against "
        "the pywin32 SENS recipe and comtypes. 'all' runs every part this machine "
        "can, and says why it leaves one out",
    )
    args = p.parse_args(argv)
    parts = PARTS if args.part == "all" else (args.part,)
    results: dict[str, Any] = {}
    problems: list[str] = []
    if "core" in parts:
        results["core"] = run(QUICK if args.quick else FULL)
        print(render(results["core"]))
    for part in ("logind", "windows"):
        if part not in parts:
            continue
        module = importlib.import_module(f".{part}", __package__)
        why = module.unavailable()
        if why is None:
            results[part] = module.run(args.quick)
            print("\n" + module.render(results[part]))
            problems += module.check(results[part])
        elif args.part == part:
            problems.append(f"the {part} part cannot run: {why}")
        else:
            print(f"\n({part} part left out: {why})")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0
