"""No wait without a bound: interpreter exit, garbage collection and `del`
never block on a dispatcher thread that may never finish. Each case runs in
a fresh interpreter with a timeout, so a hang fails the test."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from conftest import SCRIPT_PRELUDE, assert_ok, run_python


@pytest.mark.parametrize("slow_finalizer", [False, True], ids=["exits", "ended-by-cpython"])
def test_exit_when_a_callback_outlives_the_atexit_stop(
    tmp_path: Path, slow_finalizer: bool
) -> None:
    # The callback lives in another module (its globals survive finalization
    # longer than __main__'s) and sleeps past the 5 s bound of the exit hook.
    # With a slow finalizer the interpreter is still finalizing when the
    # callback wakes, so CPython ends the dispatcher thread in the callback,
    # holding the event: it must not be freed without the GIL.
    (tmp_path / "slow_handler.py").write_text(
        textwrap.dedent("""
        import threading, time
        inside = threading.Event()
        def handle(event):
            inside.set()
            time.sleep(7)
        class SlowFinalizer:
            sleep = staticmethod(time.sleep)
            def __del__(self):
                self.sleep(4)
        """)
    )
    code = SCRIPT_PRELUDE + textwrap.dedent(f"""
        sys.path.insert(0, {str(tmp_path)!r})
        import slow_handler
        m = pysens2.SessionMonitor(backend="simulated")
        m.on("logon", slow_handler.handle)
        m.start()
        testing.fire(m, "logon", "alice", 1)
        assert slow_handler.inside.wait(10)
        if {slow_finalizer!r}:
            finalizer = slow_handler.SlowFinalizer()
        print("leaving", flush=True)
    """)
    t0 = time.monotonic()
    proc = run_python(code, timeout=40)
    assert_ok(proc)
    assert "leaving" in proc.stdout
    assert "Fatal Python error" not in proc.stderr
    assert "terminate" not in proc.stderr
    assert time.monotonic() - t0 < 30


def test_del_after_a_stop_that_timed_out_does_not_wait() -> None:
    # The running callback waits for the very thread that drops the monitor.
    code = SCRIPT_PRELUDE + textwrap.dedent("""
        import gc
        release, inside = threading.Event(), threading.Event()
        def handler(e):
            inside.set()
            release.wait()
        m = pysens2.SessionMonitor(backend="simulated")
        m.on("logon", handler)
        m.start()
        testing.fire(m, "logon", "alice", 1)
        assert inside.wait(10)
        assert m.stop(timeout=0.5) is False
        t0 = time.monotonic()
        del m
        gc.collect()
        assert time.monotonic() - t0 < 2, "del waited for the dispatcher"
        release.set()
        print("OK")
    """)
    proc = run_python(code, timeout=30)
    assert_ok(proc)
    assert "OK" in proc.stdout


def test_garbage_collected_cycle_with_a_blocked_callback_does_not_wait() -> None:
    # A monitor in a reference cycle (its callback refers to its owner),
    # collected by the cycle collector while a callback blocks.
    code = SCRIPT_PRELUDE + textwrap.dedent("""
        import gc
        release, inside = threading.Event(), threading.Event()
        class Owner:
            def __init__(self):
                self.m = pysens2.SessionMonitor(backend="simulated")
                self.m.on("logon", self.handle)
            def handle(self, e):
                inside.set()
                release.wait()
        o = Owner()
        o.m.start()
        testing.fire(o.m, "logon", "alice", 1)
        assert inside.wait(10)
        assert o.m.stop(timeout=0.2) is False
        del o
        t0 = time.monotonic()
        gc.collect()
        assert time.monotonic() - t0 < 2, "the collector waited for the dispatcher"
        release.set()
        time.sleep(0.2)
        print("OK")
    """)
    proc = run_python(code, timeout=30)
    assert_ok(proc)
    assert "OK" in proc.stdout


def test_exit_while_the_error_handler_outlives_the_atexit_stop(tmp_path: Path) -> None:
    # A callback raises and the on_error handler then sleeps past the exit
    # hook's bound. A slow finalizer keeps the interpreter finalizing when the
    # handler wakes, so CPython ends the dispatcher thread as it retakes the
    # GIL, while the thread still holds the exception and the handler: neither
    # may be released without the GIL, and the process must not hang or abort.
    (tmp_path / "slow_errors.py").write_text(
        textwrap.dedent("""
        import threading, time
        inside = threading.Event()
        def handle(event):
            raise RuntimeError("callback failed")
        def on_error(exc, event):
            inside.set()
            time.sleep(7)
        class SlowFinalizer:
            sleep = staticmethod(time.sleep)
            def __del__(self):
                self.sleep(4)
        """)
    )
    code = SCRIPT_PRELUDE + textwrap.dedent(f"""
        sys.path.insert(0, {str(tmp_path)!r})
        import slow_errors
        m = pysens2.SessionMonitor(backend="simulated", on_error=slow_errors.on_error)
        m.on("logon", slow_errors.handle)
        m.start()
        testing.fire(m, "logon", "alice", 1)
        assert slow_errors.inside.wait(10)
        finalizer = slow_errors.SlowFinalizer()
        print("leaving", flush=True)
    """)
    t0 = time.monotonic()
    proc = run_python(code, timeout=40)
    assert_ok(proc)
    assert "leaving" in proc.stdout
    assert "Fatal Python error" not in proc.stderr
    assert "terminate" not in proc.stderr
    assert time.monotonic() - t0 < 30
