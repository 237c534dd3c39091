"""One contestant of the Windows benchmark in a Windows CPython process of
its own, driven by benchmarks/windows.py over stdin/stdout
(benchmarks/child.py), fed by the Event System stand-in's publisher.

Run: ``python -c <launcher> NAME TOKEN [LOG]`` (benchmarks/child.py): NAME
from windows_contestants.CONTESTANTS; TOKEN names this process in /proc;
with LOG, the stand-in writes each Store and Remove there (what is left
behind after the process ends). The publisher passes event i as session id
i and notes when it called and how long the call blocked it.
"""

from __future__ import annotations

import ctypes
import json
import os
import statistics
import sys
import time
from typing import Any, Optional

from .report import percentile
from .windows_contestants import CONTESTANTS, Contestant, fes, received

METHOD = "SessionDisconnect"


def spin_chunk() -> None:
    x = 0
    for i in range(20_000):
        x += i


def publish(
    c: Contestant, pub: fes.FakeEventSystem, count: int, rate: float, busy: bool = False
) -> dict[str, float]:
    """Publishes `count` events at `rate` (0: back to back) and reports what
    the publisher and the callbacks saw."""
    received.clear()
    pub.publish_start(METHOD, "bench", count, rate)
    if busy:  # CPU-bound Python on the main thread for the whole publication
        chunks = 0
        # Asks the publisher (a ctypes call, which lets go of the GIL) only
        # every ~50 chunks, or the loop would hand the GIL over each time.
        while chunks % 50 or not pub.publish_wait(0):
            spin_chunk()
            chunks += 1
    elif c.main_thread_pumps:
        c.wait_for(lambda: pub.publish_wait(0), 600)
    else:
        pub.publish_wait(600)
    sent, blocked = pub.publish_results(count)
    n = len(sent)
    if c.delivers:
        c.wait_for(lambda: len(received) >= n, 30)
    got = list(received)
    latencies = [(t - sent[i]) / 1000 for i, t in got if 0 <= i < n]
    order = [i for i, _ in got]
    reordered = sum(1 for a, b in zip(order, order[1:]) if b < a)
    blocked_us = [b / 1000 for b in blocked]
    out = {
        "events": n,
        "lost": n - len(set(order)) if c.delivers else 0,
        "reordered": reordered,
        "blocked_p50_us": percentile(blocked_us, 50),
        "blocked_p99_us": percentile(blocked_us, 99),
        "blocked_max_us": max(blocked_us, default=float("nan")),
        "blocked_mean_us": statistics.fmean(blocked_us) if blocked_us else float("nan"),
    }
    if latencies:
        out.update(
            p50_us=percentile(latencies, 50),
            p99_us=percentile(latencies, 99),
            p999_us=percentile(latencies, 99.9),
        )
        span_s = (max(t for _, t in got) - sent[0]) / 1e9
        out["per_s"] = len(got) / span_s if span_s > 0 else float("nan")
    return out


def slowdown(pub: fes.FakeEventSystem, rates: list[float], rounds: int) -> dict[str, float]:
    """Median time of a CPU-bound loop, alone and while events arrive at each
    rate, in short interleaved rounds (drift hits every condition alike)."""
    iterations = 50
    while True:
        t0 = time.perf_counter()
        for _ in range(iterations):
            spin_chunk()
        if time.perf_counter() - t0 > 0.15:
            break
        iterations *= 2
    times: dict[str, list[float]] = {f"{r:g}/s": [] for r in [0.0, *rates]}
    for _ in range(rounds):
        for r in [0.0, *rates]:
            if r:
                received.clear()
                # Outlasts the loop; cancelled after it.
                pub.publish_start(METHOD, "bench", int(r * 5), r)
                time.sleep(0.02)
            t0 = time.perf_counter()
            for _ in range(iterations):
                spin_chunk()
            times[f"{r:g}/s"].append(time.perf_counter() - t0)
            if r:
                pub.publish_cancel()
                pub.publish_results(int(r * 5))
    return {k: statistics.median(v) for k, v in times.items()}


def _unix_pid() -> Optional[str]:
    """This process's pid on the Linux host under Wine (its /proc is drive Z:)."""
    token = sys.argv[2].encode()
    try:
        pids = [p for p in os.listdir("Z:/proc") if p.isdigit()]
    except OSError:
        return None
    for pid in pids:
        try:
            with open(f"Z:/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().split(b"\0")
        except OSError:
            continue
        if cmd and cmd[0].lower().endswith(b".exe") and token in cmd:
            return pid
    return None


def _switches(pid: Optional[str]) -> Optional[int]:
    if pid is None:
        return None
    total = 0
    for tid in os.listdir(f"Z:/proc/{pid}/task"):
        try:
            with open(f"Z:/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if line.startswith(("voluntary_ctxt", "nonvoluntary_ctxt")):
                        total += int(line.split()[1])
        except OSError:
            pass  # a thread that ended meanwhile
    return total


def rss_kib(pid: Optional[str]) -> float:
    if pid is not None:
        with open(f"Z:/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return float(line.split()[1])
    return float("nan")


def idle(c: Contestant, pid: Optional[str], seconds: float) -> dict[str, float]:
    """CPU time and thread wake-ups of the whole process over a quiet while
    (Wine's own threads included: compare with the "no monitor" process).
    The main thread waits in one Sleep (time.sleep polls a timer under Wine),
    and what reading /proc costs the reader itself is measured and taken off."""
    t0 = os.times()
    s0 = _switches(pid)
    s0b = _switches(pid)
    if c.main_thread_pumps:
        c.wait_for(lambda: False, seconds)
    else:
        ctypes.windll.kernel32.Sleep(int(seconds * 1000))
    s1 = _switches(pid)
    t1 = os.times()
    cpu = (t1.user + t1.system) - (t0.user + t0.system)
    if s0 is None or s0b is None or s1 is None:
        wakeups = float("nan")
    else:  # less one read's own switches and the main thread's one wake-up
        wakeups = max(0, (s1 - s0b) - (s0b - s0) - 1) / seconds
    return {"cpu_ms": cpu * 1000, "wakeups_per_s": wakeups}


def main() -> int:
    name = sys.argv[1]  # then a token naming this process in /proc, then the log
    log = sys.argv[3] if len(sys.argv) > 3 else None
    if name == "comtypes MTA":
        sys.coinit_flags = 0  # type: ignore[attr-defined]  # COINIT_MULTITHREADED
    stand_in = fes.load()
    stand_in.register_progids()
    stand_in.start(log)
    c = CONTESTANTS[name]()
    pid = _unix_pid()
    print("ready", flush=True)
    for line in sys.stdin:
        cmd, *args = line.split()
        if cmd == "publish":
            count, rate, busy = int(args[0]), float(args[1]), args[2] == "busy"
            answer: Any = publish(c, stand_in, count, rate, busy)
        elif cmd == "slowdown":
            answer = slowdown(stand_in, [float(a) for a in args[1:]], int(args[0]))
        elif cmd == "idle":
            answer = idle(c, pid, float(args[0]))
        elif cmd == "rss":
            answer = {"rss_kib": rss_kib(pid)}
        elif cmd == "start_stop":
            start_stop = getattr(type(c), "start_stop", None)
            answer = start_stop(int(args[0])) if start_stop else None
        elif cmd == "stop":
            c.stop()
            answer = {"left_after_stop": len(stand_in.records())}
        elif cmd == "exit":  # ends without stop(): what does the interpreter's exit leave?
            print(json.dumps({}), flush=True)
            return 0
        else:
            break
        print(json.dumps(answer), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
