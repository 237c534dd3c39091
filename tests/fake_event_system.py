"""The COM+ Event System stand-in (tests/windows/fake_event_system_dll.cpp),
loaded into this Windows interpreter with ctypes.

scripts/test.sh builds the DLL with the Windows C++ tests and names it in
PYSENS2_FAKE_EVENT_SYSTEM. Its class objects for CLSID_CEventSystem and
CLSID_CEventSubscription are registered with CoRegisterClassObject, in this
process only: the machine's registry and its real Event System (if any) are
never touched. Only under Wine does it register the test type libraries that
STA mode needs for proxies (Windows has sens.dll's own).
"""

from __future__ import annotations

import atexit
import ctypes
import os
from pathlib import Path
from typing import NamedTuple, Optional

ENV = "PYSENS2_FAKE_EVENT_SYSTEM"

SENSGUID_EVENTCLASS_LOGON = "{D5978630-5B9F-11D1-8DD2-00AA004ABD5E}"
SENSGUID_EVENTCLASS_LOGON2 = "{D5978650-5B9F-11D1-8DD2-00AA004ABD5E}"
SENSGUID_PUBLISHER = "{5FEE1BD6-5B9B-11D1-8DD2-00AA004ABD5E}"
CLSID_CEventSystem = "{4E14FBA2-2E22-11D1-9964-00C04FBBB345}"

# Method name -> event class, for every SENS method pysens2 subscribes to.
METHODS = {
    "Logon": SENSGUID_EVENTCLASS_LOGON2,
    "Logoff": SENSGUID_EVENTCLASS_LOGON2,
    "SessionDisconnect": SENSGUID_EVENTCLASS_LOGON2,
    "SessionReconnect": SENSGUID_EVENTCLASS_LOGON2,
    "PostShell": SENSGUID_EVENTCLASS_LOGON2,
    "StartShell": SENSGUID_EVENTCLASS_LOGON,
    "DisplayLock": SENSGUID_EVENTCLASS_LOGON,
    "DisplayUnlock": SENSGUID_EVENTCLASS_LOGON,
    "StartScreenSaver": SENSGUID_EVENTCLASS_LOGON,
    "StopScreenSaver": SENSGUID_EVENTCLASS_LOGON,
}


class TimedRun(NamedTuple):
    """What a timed publication measured, per event (perf_counter_ns clock)."""

    sent_ns: list[int]  # when the first call into a subscriber began
    blocked_ns: list[int]  # how long the calls blocked the publisher


class Record(NamedTuple):
    subscription_id: str
    name: str
    publisher_id: str
    event_class_id: str
    method: str
    per_user: bool


def dll_path() -> Optional[str]:
    path = os.environ.get(ENV)
    return path if path and Path(path).is_file() else None


def skip_module_unless_built() -> None:
    """Skips the calling test module where the stand-in is not built; where
    every tier is required (CI), its absence is an error instead."""
    import pytest

    if dll_path() is not None:
        return
    if os.environ.get("PYSENS2_REQUIRE_ALL_TIERS") == "1":
        raise RuntimeError(f"{ENV} must name the Event System stand-in DLL in this run")
    pytest.skip(
        f"the Event System stand-in is not built here ({ENV} is unset; "
        "scripts/test.sh builds it with the Windows C++ tests)",
        allow_module_level=True,
    )


def real_event_system_registered() -> bool:
    """Whether this machine has the real COM+ Event System (never under Wine)."""
    import winreg

    try:
        winreg.CloseKey(winreg.OpenKey(winreg.HKEY_CLASSES_ROOT, rf"CLSID\{CLSID_CEventSystem}"))
    except OSError:
        return False
    return True


def own_session_id() -> int:
    """This process's session, from the real ProcessIdToSessionId."""
    session = ctypes.c_ulong()
    ok = ctypes.windll.kernel32.ProcessIdToSessionId(os.getpid(), ctypes.byref(session))
    if not ok:
        raise ctypes.WinError()
    return session.value


class FakeEventSystem:
    """The stand-in's C API. start() registers it (and clears what it recorded)."""

    def __init__(self, path: str) -> None:
        self._dll = ctypes.WinDLL(path)
        d = self._dll
        d.fes_start.argtypes = [ctypes.c_wchar_p]
        d.fes_start.restype = ctypes.c_long
        d.fes_stop.argtypes = []
        d.fes_stop.restype = None
        d.fes_fail_store_at.argtypes = [ctypes.c_int, ctypes.c_long]
        d.fes_fail_store_at.restype = None
        d.fes_fail_remove.argtypes = [ctypes.c_long]
        d.fes_fail_remove.restype = None
        d.fes_store_calls.restype = ctypes.c_int
        d.fes_remove_calls.restype = ctypes.c_int
        d.fes_records.argtypes = [ctypes.c_wchar_p, ctypes.c_int]
        d.fes_records.restype = ctypes.c_int
        d.fes_publish.argtypes = [ctypes.c_wchar_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_wchar_p]
        d.fes_publish.restype = ctypes.c_long
        d.fes_register_typelibs.argtypes = [ctypes.c_wchar_p]
        d.fes_register_typelibs.restype = ctypes.c_long
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
        times = ctypes.POINTER(ctypes.c_longlong)
        hresult = ctypes.POINTER(ctypes.c_long)
        d.fes_publish_results.argtypes = [
            times,
            times,
            ctypes.c_int,
            hresult,
            ctypes.POINTER(ctypes.c_int),
            hresult,
        ]
        d.fes_publish_results.restype = ctypes.c_int
        hr = d.fes_register_typelibs(str(Path(path).parent))
        if hr < 0:
            raise OSError(f"registering the test type libraries failed: 0x{hr & 0xFFFFFFFF:08X}")

    def start(self, log_path: Optional[str] = None) -> None:
        hr = self._dll.fes_start(log_path)
        if hr < 0:
            raise OSError(f"the Event System stand-in failed to start: 0x{hr & 0xFFFFFFFF:08X}")

    def stop(self) -> None:
        self._dll.fes_stop()

    def fail_store_at(self, n: int, hresult: int) -> None:
        self._dll.fes_fail_store_at(n, ctypes.c_long(hresult))  # wraps to the signed HRESULT

    def fail_remove(self, hresult: int) -> None:
        """Every Remove from now fails with `hresult` (0: none does)."""
        self._dll.fes_fail_remove(ctypes.c_long(hresult))

    @property
    def store_calls(self) -> int:
        return int(self._dll.fes_store_calls())

    @property
    def remove_calls(self) -> int:
        return int(self._dll.fes_remove_calls())

    def records(self) -> list[Record]:
        size = self._dll.fes_records(None, 0)
        buf = ctypes.create_unicode_buffer(size + 1)
        self._dll.fes_records(buf, size + 1)
        out = []
        for line in buf.value.splitlines():
            sid, name, pub, cls, method, per_user = line.split("\t")
            out.append(Record(sid, name, pub, cls, method, per_user == "1"))
        return out

    def publish(
        self, user: str, session: int = 0, *, via: str = "vtable", method: Optional[str] = None
    ) -> None:
        """Calls the stored subscribers (of `method` only, if given) from a publisher thread."""
        hr = self._dll.fes_publish(user, session, via == "dispatch", method)
        if hr < 0:
            raise OSError(f"publishing {method or 'all'} failed: 0x{hr & 0xFFFFFFFF:08X}")

    def register_progids(self) -> None:
        """Registers EventSystem.EventSystem and EventSystem.EventSubscription
        for the stand-in (under Wine only), for code that creates them by name."""
        hr = self._dll.fes_register_progids()
        if hr < 0:
            raise OSError(f"registering the Event System ProgIDs failed: {_hex(hr)}")

    # A publisher like SENS's, on a thread of the stand-in (see
    # fake::publish_timed): `count` events of `method` at `rate` per second
    # (0: back to back), event i with session id i.
    def publish_start(self, method: str, user: str, count: int, rate: float) -> None:
        hr = self._dll.fes_publish_start(method, user, count, rate)
        if hr < 0:
            raise OSError(f"the publisher did not start: {_hex(hr)}")

    def publish_wait(self, seconds: float) -> bool:
        """Whether the publication has ended, waiting up to `seconds` (the GIL released)."""
        return bool(self._dll.fes_publish_wait(int(seconds * 1000)))

    def publish_cancel(self) -> None:
        """Ends the publication after the event in progress."""
        self._dll.fes_publish_cancel()

    def publish_results(self, count: int) -> TimedRun:
        """The ended publication's figures (of at most `count` events)."""
        if not self.publish_wait(120):
            raise RuntimeError("the publisher did not finish within 120 s")
        sent = (ctypes.c_longlong * count)()
        blocked = (ctypes.c_longlong * count)()
        hr, failed, first = ctypes.c_long(), ctypes.c_int(), ctypes.c_long()
        n = self._dll.fes_publish_results(
            sent, blocked, count, ctypes.byref(hr), ctypes.byref(failed), ctypes.byref(first)
        )
        if hr.value < 0:
            raise OSError(f"the publisher failed: {_hex(hr.value)}")
        if failed.value:
            raise OSError(
                f"{failed.value} calls into the subscriber failed, the first with "
                f"{_hex(first.value)}"
            )
        return TimedRun(list(sent[:n]), list(blocked[:n]))


def _hex(hresult: int) -> str:
    return f"0x{hresult & 0xFFFFFFFF:08X}"


_loaded: Optional[FakeEventSystem] = None


@atexit.register
def _revoke_at_exit() -> None:
    # A class object left registered when the process ends stays with Wine's
    # rpcss as a dead local server that later processes would be handed.
    # atexit runs hooks last-registered first: import this module before
    # pysens2, so pysens2's own hook removes the subscriptions before this one.
    if _loaded is not None:
        _loaded.stop()


def load() -> FakeEventSystem:
    """The stand-in of this process (loaded once: class objects are per process)."""
    global _loaded
    if _loaded is None:
        path = dll_path()
        if path is None:
            raise FileNotFoundError(f"{ENV} does not name the stand-in DLL")
        _loaded = FakeEventSystem(path)
    return _loaded
