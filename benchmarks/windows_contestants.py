"""One SENS subscriber per process, written as Windows users write it today,
fed by the Event System stand-in's publisher (tests/windows), in Windows
CPython. Driven by benchmarks/windows.py over stdin/stdout (benchmarks/child.py).

Run: ``python -m benchmarks.windows_contestants NAME TOKEN [LOG]``. Every contestant
subscribes to ISensLogon2.SessionDisconnect; the publisher passes event i as
session id i and notes when it called and how long the call blocked it; the
contestant's Python callback notes (i, time.perf_counter_ns()), on the clock
of the publisher's notes. With LOG, the stand-in writes each Store and Remove
there (what is left behind after the process ends).
"""

from __future__ import annotations

import ctypes
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import fake_event_system as fes  # first: its exit hook runs last

METHODS_LOGON2 = ["Logon", "Logoff", "SessionDisconnect", "SessionReconnect", "PostShell"]
METHODS_LOGON = [
    "StartShell",
    "DisplayLock",
    "DisplayUnlock",
    "StartScreenSaver",
    "StopScreenSaver",
]
PROGID_SUBSCRIPTION = "EventSystem.EventSubscription"
PUMP_SLEEP = 0.01  # the recipe's loop: PumpWaitingMessages(), then this sleep

received: list[tuple[int, int]] = []  # (session id = event index, perf_counter_ns)


def on_event(index: int) -> None:
    received.append((index, time.perf_counter_ns()))


# The contestants -------------------------------------------------------------
class Contestant:
    """Subscribes in __init__; wait_for() waits (pumping, if it must) until
    done() is true; stop() removes what it stored."""

    delivers = True  # False: the baseline without a subscriber
    main_thread_pumps = False  # True: it needs the main thread to pump

    def wait_for(self, done: Callable[[], bool], seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while not done():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.001)
        return True

    def stop(self) -> None:
        pass


class Nothing(Contestant):
    delivers = False


class Pysens2(Contestant):
    def __init__(self, apartment: str) -> None:
        import pysens2

        self.monitor = pysens2.SessionMonitor(
            ["session_disconnect"], backend="sens", sessions="all", apartment=apartment
        )
        self.monitor.on("session_disconnect", lambda e: on_event(e.session_id))
        self.monitor.start()

    def stop(self) -> None:
        self.monitor.stop()

    @staticmethod
    def start_stop(n: int) -> tuple[float, float]:
        import pysens2

        types = ["logon", "logoff", "session_disconnect", "session_reconnect", "post_shell"]
        types += ["start_shell", "display_lock", "display_unlock"]
        types += ["start_screen_saver", "stop_screen_saver"]
        m = pysens2.SessionMonitor(types[:n], backend="sens", sessions="all")
        t0 = time.perf_counter()
        m.start()
        t1 = time.perf_counter()
        m.stop()
        return t1 - t0, time.perf_counter() - t1


def _new_guid() -> str:
    import pythoncom

    return str(pythoncom.CreateGuid())


class Pywin32Recipe(Contestant):
    """The pywin32 SENS recipe as published: a Python class wrapped with
    win32com.server.util.wrap, subscribed through win32com.client.Dispatch of
    the Event System's ProgIDs."""

    def __init__(self, pump: str) -> None:
        import pythoncom  # the main thread joins an STA on import, as in the recipe

        self.pump = pump
        self.main_thread_pumps = pump == "loop"
        self.ids: list[str] = []
        if pump == "loop":
            self.subscribe(["SessionDisconnect"])
            return
        # PumpMessages() on a thread of its own, which subscribes from its STA.
        ready = threading.Event()
        self.thread_id = 0

        def pump_thread() -> None:
            pythoncom.CoInitialize()
            import win32api

            self.thread_id = win32api.GetCurrentThreadId()
            self.subscribe(["SessionDisconnect"])
            ready.set()
            pythoncom.PumpMessages()
            pythoncom.CoUninitialize()

        self.thread = threading.Thread(target=pump_thread, daemon=True)
        self.thread.start()
        if not ready.wait(60):
            raise RuntimeError("the pump thread did not subscribe within 60 s")

    @staticmethod
    def sink() -> Any:
        import pywintypes
        import win32com.server.util

        class SensLogon2:
            _com_interfaces_ = [pywintypes.IID("{D597BAB4-5B9F-11D1-8DD2-00AA004ABD5E}")]  # noqa: RUF012
            _public_methods_ = METHODS_LOGON2

            def Logon(self, user: str, session: int) -> None:
                pass

            def Logoff(self, user: str, session: int) -> None:
                pass

            def SessionDisconnect(self, user: str, session: int) -> None:
                on_event(session)

            def SessionReconnect(self, user: str, session: int) -> None:
                pass

            def PostShell(self, user: str, session: int) -> None:
                pass

        return win32com.server.util.wrap(SensLogon2())

    def subscribe(self, methods: list[str]) -> None:
        import win32com.client

        event_system = win32com.client.Dispatch("EventSystem.EventSystem")
        sink = self.sink()
        for method in methods:
            sub = win32com.client.Dispatch(PROGID_SUBSCRIPTION)
            sub.EventClassID = fes.METHODS[method]
            sub.PublisherID = fes.SENSGUID_PUBLISHER
            sub.SubscriptionID = sid = _new_guid()
            sub.SubscriptionName = f"pywin32 recipe {method}"
            sub.MethodName = method
            sub.SubscriberInterface = sink
            sub.PerUser = True
            event_system.Store(PROGID_SUBSCRIPTION, sub)
            self.ids.append(sid)

    def unsubscribe(self) -> None:
        import win32com.client

        event_system = win32com.client.Dispatch("EventSystem.EventSystem")
        for sid in self.ids:
            event_system.Remove(PROGID_SUBSCRIPTION, f"SubscriptionID={sid}")
        self.ids.clear()

    def wait_for(self, done: Callable[[], bool], seconds: float) -> bool:
        if self.pump != "loop":
            return super().wait_for(done, seconds)
        import pythoncom

        deadline = time.monotonic() + seconds
        while not done():
            if time.monotonic() > deadline:
                return False
            pythoncom.PumpWaitingMessages()
            time.sleep(PUMP_SLEEP)
        return True

    def stop(self) -> None:
        self.unsubscribe()
        if self.pump == "thread":
            import win32api
            import win32con

            win32api.PostThreadMessage(self.thread_id, win32con.WM_QUIT, 0, 0)
            self.thread.join(30)

    @classmethod
    def start_stop(cls, n: int) -> tuple[float, float]:
        recipe = cls.__new__(cls)
        recipe.ids = []
        methods = (METHODS_LOGON2 + METHODS_LOGON)[:n]
        t0 = time.perf_counter()
        recipe.subscribe(methods)
        t1 = time.perf_counter()
        recipe.unsubscribe()
        return t1 - t0, time.perf_counter() - t1


class ComtypesSink(Contestant):
    """A comtypes.COMObject implementing ISensLogon2 from the SENS type
    library, subscribed through comtypes.client.CreateObject. The process
    joins the MTA (sys.coinit_flags = 0 before comtypes is imported), so calls
    arrive on the publisher's thread and nothing has to pump."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.subscribe(["SessionDisconnect"])

    @staticmethod
    def sens_module() -> Any:
        import comtypes.client

        # Windows: GetModule("sens.dll"). Wine has no SENS type library; the
        # test one (tests/windows/sens_events.idl) declares the same interfaces.
        tlb = Path(fes.dll_path() or "").parent / "sens_events.tlb"
        return comtypes.client.GetModule(str(tlb))

    def subscribe(self, methods: list[str]) -> None:
        import comtypes
        import comtypes.client

        sens = self.sens_module()

        class Sink(comtypes.COMObject):  # type: ignore[misc]
            _com_interfaces_ = [sens.ISensLogon2, sens.ISensLogon]  # noqa: RUF012

            def SessionDisconnect(self, user: str, session: int) -> None:
                on_event(session)

        for name in METHODS_LOGON2 + METHODS_LOGON:
            if name != "SessionDisconnect":
                setattr(Sink, name, lambda self, *args: None)
        self.sink = Sink()
        event_system = comtypes.client.CreateObject("EventSystem.EventSystem")
        for method in methods:
            sub = comtypes.client.CreateObject(PROGID_SUBSCRIPTION)
            sub.EventClassID = fes.METHODS[method]
            sub.PublisherID = fes.SENSGUID_PUBLISHER
            sub.SubscriptionID = sid = str(comtypes.GUID.create_new())
            sub.SubscriptionName = f"comtypes {method}"
            sub.MethodName = method
            sub.SubscriberInterface = self.sink.QueryInterface(comtypes.IUnknown)
            sub.PerUser = True
            event_system.Store(PROGID_SUBSCRIPTION, sub)
            self.ids.append(sid)

    def unsubscribe(self) -> None:
        import comtypes.client

        event_system = comtypes.client.CreateObject("EventSystem.EventSystem")
        for sid in self.ids:
            event_system.Remove(PROGID_SUBSCRIPTION, f"SubscriptionID={sid}")
        self.ids.clear()

    def stop(self) -> None:
        self.unsubscribe()

    @classmethod
    def start_stop(cls, n: int) -> tuple[float, float]:
        c = cls.__new__(cls)
        c.ids = []
        t0 = time.perf_counter()
        c.subscribe((METHODS_LOGON2 + METHODS_LOGON)[:n])
        t1 = time.perf_counter()
        c.unsubscribe()
        return t1 - t0, time.perf_counter() - t1


CONTESTANTS: dict[str, Callable[[], Contestant]] = {
    "no monitor": Nothing,
    "pysens2 MTA": lambda: Pysens2("mta"),
    "pysens2 STA": lambda: Pysens2("sta"),
    "pywin32 pump loop": lambda: Pywin32Recipe("loop"),
    "pywin32 pump thread": lambda: Pywin32Recipe("thread"),
    "comtypes MTA": ComtypesSink,
}


# The publisher (the stand-in's C API) ------------------------------------------
class Publisher:
    def __init__(self, stand_in: fes.FakeEventSystem) -> None:
        d = self.dll = stand_in._dll
        d.fes_register_progids.restype = ctypes.c_long
        d.fes_publish_start.argtypes = [
            ctypes.c_wchar_p,
            ctypes.c_wchar_p,
            ctypes.c_int,
            ctypes.c_double,
        ]
        d.fes_publish_start.restype = ctypes.c_long
        d.fes_publish_wait.argtypes = [ctypes.c_ulong]
        d.fes_publish_wait.restype = ctypes.c_int
        d.fes_publish_cancel.restype = None
        ll = ctypes.POINTER(ctypes.c_longlong)
        out = ctypes.POINTER(ctypes.c_long)
        d.fes_publish_results.argtypes = [
            ll,
            ll,
            ctypes.c_int,
            out,
            ctypes.POINTER(ctypes.c_int),
            out,
        ]
        d.fes_publish_results.restype = ctypes.c_int
        hr = d.fes_register_progids()
        if hr < 0:
            raise OSError(f"registering the Event System ProgIDs failed: 0x{hr & 0xFFFFFFFF:08X}")

    def start(self, count: int, rate: float) -> None:
        hr = self.dll.fes_publish_start("SessionDisconnect", "bench", count, rate)
        if hr < 0:
            raise OSError(f"the publisher did not start: 0x{hr & 0xFFFFFFFF:08X}")

    def done(self) -> bool:
        return bool(self.dll.fes_publish_wait(0))

    def wait(self, seconds: float) -> bool:
        """Blocks (the GIL released) until the publication ends."""
        return bool(self.dll.fes_publish_wait(int(seconds * 1000)))

    def cancel(self) -> None:
        self.dll.fes_publish_cancel()

    def results(self, count: int) -> tuple[list[int], list[int], int]:
        if not self.dll.fes_publish_wait(120_000):
            raise RuntimeError("the publisher did not finish within 120 s")
        sent = (ctypes.c_longlong * count)()
        blocked = (ctypes.c_longlong * count)()
        hr, failed, first = ctypes.c_long(), ctypes.c_int(), ctypes.c_long()
        n = self.dll.fes_publish_results(
            sent, blocked, count, ctypes.byref(hr), ctypes.byref(failed), ctypes.byref(first)
        )
        if hr.value < 0:
            raise OSError(f"the publisher failed: 0x{hr.value & 0xFFFFFFFF:08X}")
        if failed.value:
            raise OSError(
                f"{failed.value} calls into the subscriber failed, the first with "
                f"0x{first.value & 0xFFFFFFFF:08X}"
            )
        return list(sent[:n]), list(blocked[:n]), n


# Measurements ------------------------------------------------------------------
def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else float("nan")


def spin_chunk() -> None:
    x = 0
    for i in range(20_000):
        x += i


def publish(
    c: Contestant, pub: Publisher, count: int, rate: float, busy: bool = False
) -> dict[str, float]:
    """Publishes `count` events at `rate` (0: back to back) and reports what
    the publisher and the callbacks saw."""
    received.clear()
    pub.start(count, rate)
    if busy:  # CPU-bound Python on the main thread for the whole publication
        chunks = 0
        # Asks the publisher (a ctypes call, which lets go of the GIL) only
        # every ~50 chunks, or the loop would hand the GIL over each time.
        while chunks % 50 or not pub.done():
            spin_chunk()
            chunks += 1
    elif c.main_thread_pumps:
        c.wait_for(pub.done, 600)
    else:
        pub.wait(600)
    sent, blocked, n = pub.results(count)
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
        "blocked_p50_us": pct(blocked_us, 50),
        "blocked_p99_us": pct(blocked_us, 99),
        "blocked_max_us": max(blocked_us, default=float("nan")),
        "blocked_mean_us": statistics.fmean(blocked_us) if blocked_us else float("nan"),
    }
    if latencies:
        out.update(
            p50_us=pct(latencies, 50),
            p99_us=pct(latencies, 99),
            p999_us=pct(latencies, 99.9),
        )
        span_s = (max(t for _, t in got) - sent[0]) / 1e9
        out["per_s"] = len(got) / span_s if span_s > 0 else float("nan")
    return out


def slowdown(c: Contestant, pub: Publisher, rates: list[float], rounds: int) -> dict[str, float]:
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
                pub.start(int(r * 5), r)  # outlasts the loop; cancelled after it
                time.sleep(0.02)
            t0 = time.perf_counter()
            for _ in range(iterations):
                spin_chunk()
            times[f"{r:g}/s"].append(time.perf_counter() - t0)
            if r:
                pub.cancel()
                pub.results(int(r * 5))
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
    pub = Publisher(stand_in)
    stand_in.start(log)
    c = CONTESTANTS[name]()
    pid = _unix_pid()
    print("ready", flush=True)
    for line in sys.stdin:
        cmd, *args = line.split()
        if cmd == "publish":
            count, rate, busy = int(args[0]), float(args[1]), args[2] == "busy"
            answer: Any = publish(c, pub, count, rate, busy)
        elif cmd == "slowdown":
            answer = slowdown(c, pub, [float(a) for a in args[1:]], int(args[0]))
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
