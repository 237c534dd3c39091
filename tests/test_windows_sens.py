"""The real SENS backend on Windows: subscriptions exist while a monitor runs
and are gone after stop(). Runs only where the real COM+ Event System is
registered (CI runs the backend against a stand-in under Wine instead)."""

from __future__ import annotations

import os
import sys

import pytest

import fake_event_system
import pysens2
from pysens2.testing import fire

pytestmark = [
    pytest.mark.skipif(sys.platform != "win32", reason="needs Windows: the COM+ Event System"),
    pytest.mark.skipif(
        sys.platform == "win32" and not fake_event_system.real_event_system_registered(),
        reason="the COM+ Event System (CLSID_CEventSystem) is not registered on this machine; "
        "tests/test_windows_event_system.py covers the backend with a stand-in",
    ),
]


def _our_subscriptions() -> list[str]:
    """Names of this process's subscriptions, asked of the Event System itself."""
    win32com_client = pytest.importorskip("win32com.client")
    event_system = win32com_client.Dispatch("EventSystem.EventSystem")
    collection = event_system.QueryS("EventSystem.EventSubscriptionCollection", "ALL")
    prefix = f"pysens2 pid {os.getpid()} "
    names = []
    for sub in collection:
        name = str(sub.SubscriptionName)
        if name.startswith(prefix):
            names.append(name[len(prefix) :])
    return sorted(names)


def test_subscriptions_live_exactly_while_running() -> None:
    assert pysens2.backends()["sens"].available
    monitor = pysens2.SessionMonitor(backend="sens")
    monitor.start()
    try:
        assert _our_subscriptions() == sorted(
            [
                "DisplayLock",
                "DisplayUnlock",
                "Logoff",
                "Logon",
                "PostShell",
                "SessionDisconnect",
                "SessionReconnect",
                "StartScreenSaver",
                "StartShell",
                "StopScreenSaver",
            ]
        )
        # The testing hooks reach the same real sink here too.
        fire(monitor, "display_lock", "windows-user")
        assert monitor.get(timeout=10).user == "windows-user"
    finally:
        monitor.stop()
    assert _our_subscriptions() == []


@pytest.mark.parametrize("apartment", ["mta", "sta"])
def test_start_stop_in_both_apartments(apartment: str) -> None:
    for _ in range(3):
        with pysens2.SessionMonitor(["logon"], backend="sens", apartment=apartment) as m:
            assert m.running
    assert _our_subscriptions() == []
