"""Each way a program can end, 50 times, with monitors running and events in
flight: every run ends with the expected status within 5 s, never with a
native crash."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import CTRL_C_EXIT_STATUS, SCRIPT_PRELUDE, scaled

RUNS = scaled(50, minimum=10)

SETUP = """
m = pysens2.SessionMonitor(backend="simulated", queue_size=1_000_000)
called = threading.Event()
def on_logon(e):
    called.set()
    time.sleep(0.0001)
m.on("logon", on_logon)
m.start()
threading.Thread(target=testing.fire_burst, args=(m, "logon", 20_000), daemon=True).start()
called.wait(5)
"""

SCENARIOS = {
    "normal": ("print('end')", 0),
    "sys_exit": ("sys.exit(3)", 3),
    "unhandled_exception": ("raise ValueError('boom')", 1),
    # A callback's SystemExit ends nothing but that call (as in a thread).
    "sys_exit_in_callback": (
        "m.on('display_lock', lambda e: sys.exit(4))\n"
        "testing.fire(m, 'display_lock', 'x')\n"
        "time.sleep(0.05)",
        0,
    ),
    "keyboard_interrupt_in_get": (
        "threading.Timer(0.05, press_ctrl_c).start()\n"
        "m2 = pysens2.SessionMonitor(backend='simulated').start()\n"
        "m2.get()",
        CTRL_C_EXIT_STATUS,
    ),
}


def _run(code: str) -> tuple[int, str]:
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=5,
            env={**os.environ, "PYTHONFAULTHANDLER": "1"},
        )
    except subprocess.TimeoutExpired:
        return (999, "did not exit within 5 s")
    return (proc.returncode, proc.stderr)


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_exit_fifty_times(scenario: str) -> None:
    ending, expected = SCENARIOS[scenario]
    code = SCRIPT_PRELUDE + textwrap.dedent(SETUP) + ending + "\n"
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(_run, [code] * RUNS))
    bad = [(status, err[-400:]) for status, err in results if status != expected]
    assert not bad, f"{len(bad)} of {RUNS} runs ended wrongly, e.g. {bad[0]}"
    assert not any("Fatal Python error" in err for _, err in results)
