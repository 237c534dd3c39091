from __future__ import annotations

import gc
import weakref

import pysens2
from pysens2 import testing


def test_context_manager_and_state() -> None:
    m = pysens2.SessionMonitor(backend="simulated")
    assert not m.running and m.backend == "simulated"
    with m as same:
        assert same is m and m.running
    assert not m.running
    assert m.stop() is True  # stopping a stopped monitor is a no-op
    assert "stopped" in repr(m)


def test_a_stopped_monitor_in_a_reference_cycle_is_collected() -> None:
    class App:
        def __init__(self) -> None:
            self.monitor = pysens2.SessionMonitor(backend="simulated")
            self.monitor.on("logon", self.handle)

        def handle(self, event: pysens2.SessionEvent) -> None:
            pass

    app = App()
    app.monitor.start()
    app.monitor.stop()
    ref = weakref.ref(app)
    del app
    gc.collect()
    assert ref() is None


def test_sinks_are_freed_when_a_monitor_is_dropped() -> None:
    before = testing.live_sink_objects()
    m = pysens2.SessionMonitor(backend="simulated").start()
    m.stop()
    del m
    gc.collect()
    assert testing.live_sink_objects() == before
