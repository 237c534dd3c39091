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


def test_callbacks_are_released_once_removed_or_the_monitor_is_gone() -> None:
    class Callback:
        def __call__(self, event: pysens2.SessionEvent) -> None:
            pass

    m = pysens2.SessionMonitor(backend="simulated")
    kept, dropped = Callback(), Callback()
    ref_kept, ref_dropped = weakref.ref(kept), weakref.ref(dropped)
    m.on("logon", kept)
    handle = m.on("logon", dropped)
    del kept, dropped
    with m:
        testing.fire(m, "logon", "x", 1)
        m.get(timeout=10)
    # After stop() the dispatcher holds nothing: once removed (and its
    # handle, which keeps the callable, is dropped) the callback is freed.
    assert handle.remove()
    del handle
    gc.collect()
    assert ref_dropped() is None
    assert ref_kept() is not None  # still registered, for the next start()
    del m
    gc.collect()
    assert ref_kept() is None


def test_repeated_cycles_keep_object_counts_flat() -> None:
    m = pysens2.SessionMonitor(backend="simulated")
    m.on("logon", lambda e: None)
    for _ in range(20):
        with m:
            testing.fire_burst(m, "logon", 10)
    gc.collect()
    before = len(gc.get_objects())
    for _ in range(200):
        with m:
            testing.fire_burst(m, "logon", 10)
    gc.collect()
    assert len(gc.get_objects()) - before < 50
