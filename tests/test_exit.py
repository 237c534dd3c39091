"""Interpreter exit with monitors running: never a hang, never a crash."""

from __future__ import annotations

import textwrap

import pytest

from conftest import SCRIPT_PRELUDE, assert_ok, run_python

PRELUDE = SCRIPT_PRELUDE


@pytest.mark.parametrize(
    "ending", ["", "sys.exit(3)", "raise SystemExit(0)", "raise ValueError('main died')"]
)
def test_exit_with_running_monitor_and_events_in_flight(ending: str) -> None:
    code = PRELUDE + textwrap.dedent(f"""
        m = pysens2.SessionMonitor(backend="simulated", queue_size=1_000_000)
        m.on("logon", lambda e: time.sleep(0.0001))
        m.start()
        threading.Thread(target=testing.fire_burst, args=(m, "logon", 100_000), daemon=True).start()
        time.sleep(0.05)
        print("exiting", flush=True)
        {ending}
    """)
    proc = run_python(code, timeout=30)
    expected = {"": 0, "sys.exit(3)": 3, "raise SystemExit(0)": 0}.get(ending, 1)
    assert_ok(proc, expected)
    assert "exiting" in proc.stdout
    assert "Fatal Python error" not in proc.stderr
    if ending.startswith("raise ValueError"):
        assert "main died" in proc.stderr


def test_exit_while_a_callback_is_running() -> None:
    code = PRELUDE + textwrap.dedent("""
        m = pysens2.SessionMonitor(backend="simulated")
        inside = threading.Event()
        def slow(e):
            inside.set()
            time.sleep(0.5)
        m.on("logon", slow)
        m.start()
        testing.fire(m, "logon", "x", 1)
        inside.wait(10)
        print("exiting", flush=True)
    """)
    proc = run_python(code, timeout=30)
    assert_ok(proc)
    assert "Fatal Python error" not in proc.stderr


def test_exit_with_an_unreferenced_running_monitor() -> None:
    code = PRELUDE + textwrap.dedent("""
        def start():
            m = pysens2.SessionMonitor(backend="simulated")
            got = []
            m.on("logon", lambda e: got.append(e))
            m.start()
            return m._native, got
        native, got = start()
        import gc; gc.collect()
        # A started monitor stays alive (and running) until stopped.
        assert native.running
        print("OK", flush=True)
    """)
    proc = run_python(code, timeout=30)
    assert_ok(proc)
    assert "OK" in proc.stdout


def test_exit_while_main_thread_blocks_in_get_from_a_daemon_thread() -> None:
    code = PRELUDE + textwrap.dedent("""
        m = pysens2.SessionMonitor(backend="simulated").start()
        threading.Thread(target=m.get, daemon=True).start()
        time.sleep(0.2)
        print("exiting", flush=True)
    """)
    proc = run_python(code, timeout=30)
    assert_ok(proc)
