"""The SENS subscribers of the Windows benchmark, each written as its users
write it today, for benchmarks/windows_child.py.

Every contestant subscribes to ISensLogon2.SessionDisconnect at the Event
System stand-in (tests/windows) and hands each event to on_event(session id),
which notes when Python saw it (time.perf_counter_ns(), the clock of the
stand-in publisher's notes).
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable

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


class EventSystemRecipe(Contestant):
    """What the pywin32 and comtypes recipes share: both subscribe the same
    way (one EventSubscription per method, Store; Remove by SubscriptionID)
    and differ in how they create COM objects, GUIDs and the subscriber."""

    label = ""

    def __init__(self) -> None:
        self.ids: list[str] = []

    def create(self, progid: str) -> Any:
        raise NotImplementedError

    def new_guid(self) -> str:
        raise NotImplementedError

    def subscriber(self) -> Any:
        raise NotImplementedError

    def subscribe(self, methods: list[str]) -> None:
        event_system = self.create("EventSystem.EventSystem")
        sink = self.subscriber()
        for method in methods:
            sub = self.create(PROGID_SUBSCRIPTION)
            sub.EventClassID = fes.METHODS[method]
            sub.PublisherID = fes.SENSGUID_PUBLISHER
            sub.SubscriptionID = sid = self.new_guid()
            sub.SubscriptionName = f"{self.label} {method}"
            sub.MethodName = method
            sub.SubscriberInterface = sink
            sub.PerUser = True
            event_system.Store(PROGID_SUBSCRIPTION, sub)
            self.ids.append(sid)

    def unsubscribe(self) -> None:
        event_system = self.create("EventSystem.EventSystem")
        for sid in self.ids:
            event_system.Remove(PROGID_SUBSCRIPTION, f"SubscriptionID={sid}")
        self.ids.clear()

    def stop(self) -> None:
        self.unsubscribe()

    @classmethod
    def start_stop(cls, n: int) -> tuple[float, float]:
        recipe = cls.__new__(cls)
        EventSystemRecipe.__init__(recipe)
        t0 = time.perf_counter()
        recipe.subscribe((METHODS_LOGON2 + METHODS_LOGON)[:n])
        t1 = time.perf_counter()
        recipe.unsubscribe()
        return t1 - t0, time.perf_counter() - t1


class Pywin32Recipe(EventSystemRecipe):
    """The pywin32 SENS recipe as published: a Python class wrapped with
    win32com.server.util.wrap, subscribed through win32com.client.Dispatch of
    the Event System's ProgIDs."""

    label = "pywin32 recipe"

    def __init__(self, pump: str) -> None:
        import pythoncom  # the main thread joins an STA on import, as in the recipe

        super().__init__()
        self.pump = pump
        self.main_thread_pumps = pump == "loop"
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

    def create(self, progid: str) -> Any:
        import win32com.client

        return win32com.client.Dispatch(progid)

    def new_guid(self) -> str:
        import pythoncom

        return str(pythoncom.CreateGuid())

    def subscriber(self) -> Any:
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


class ComtypesSink(EventSystemRecipe):
    """A comtypes.COMObject implementing ISensLogon2 from the SENS type
    library, subscribed through comtypes.client.CreateObject. The process
    joins the MTA (sys.coinit_flags = 0 before comtypes is imported), so calls
    arrive on the publisher's thread and nothing has to pump."""

    label = "comtypes"

    def __init__(self) -> None:
        super().__init__()
        self.subscribe(["SessionDisconnect"])

    def create(self, progid: str) -> Any:
        import comtypes.client

        return comtypes.client.CreateObject(progid)

    def new_guid(self) -> str:
        import comtypes

        return str(comtypes.GUID.create_new())

    def subscriber(self) -> Any:
        import comtypes
        import comtypes.client

        # Windows: GetModule("sens.dll"). Wine has no SENS type library; the
        # test one (tests/windows/sens_events.idl) declares the same interfaces.
        tlb = Path(fes.dll_path() or "").parent / "sens_events.tlb"
        sens = comtypes.client.GetModule(str(tlb))

        class Sink(comtypes.COMObject):  # type: ignore[misc]
            _com_interfaces_ = [sens.ISensLogon2, sens.ISensLogon]  # noqa: RUF012

            def SessionDisconnect(self, user: str, session: int) -> None:
                on_event(session)

        for name in METHODS_LOGON2 + METHODS_LOGON:
            if name != "SessionDisconnect":
                setattr(Sink, name, lambda self, *args: None)
        self.sink = Sink()  # the Python object must outlive the subscription
        return self.sink.QueryInterface(comtypes.IUnknown)


CONTESTANTS: dict[str, Callable[[], Contestant]] = {
    "no monitor": Nothing,
    "pysens2 MTA": lambda: Pysens2("mta"),
    "pysens2 STA": lambda: Pysens2("sta"),
    "pywin32 pump loop": lambda: Pywin32Recipe("loop"),
    "pywin32 pump thread": lambda: Pywin32Recipe("thread"),
    "comtypes MTA": ComtypesSink,
}
