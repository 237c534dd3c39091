from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from typing import Iterator, Optional, Union

import pytest

import pysens2

# The suite is hermetic: no test sees this machine's system bus (and logind)
# unless it starts its own (tests/logind_mock.py); subprocesses inherit this.
if sys.platform.startswith("linux"):
    os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = "unix:path=/nonexistent/pysens2-tests/system_bus"


@pytest.fixture
def monitor() -> Iterator[pysens2.SessionMonitor]:
    """A started simulated monitor, stopped after the test."""
    m = pysens2.SessionMonitor(backend="simulated")
    m.start()
    try:
        yield m
    finally:
        assert m.stop(timeout=30), "the dispatcher did not finish within 30 s"


def sample_session(etype: pysens2.EventType, number: int = 42) -> Optional[Union[int, str]]:
    """A session id an event of this type can carry: an int where a Windows
    source has it, logind's str where only logind has it, else None."""
    for candidate in (number, f"c{number}"):
        try:
            pysens2.SessionEvent(
                etype, "", candidate, code=0xF if etype.name == "SESSION_CHANGE" else None
            )
        except ValueError:
            continue
        return candidate
    return None


# Imports every subprocess script starts with.
SCRIPT_PRELUDE = """
import os, signal, sys, threading, time
import pysens2
from pysens2 import testing

def press_ctrl_c():
    # Ctrl+C as it reaches a console program: SIGINT from outside on POSIX; on
    # Windows the console's CTRL_C_EVENT, which the C runtime turns into SIGINT
    # on a thread of its own (os.kill would terminate the process there).
    if sys.platform == "win32":
        signal.raise_signal(signal.SIGINT)
    else:
        os.kill(os.getpid(), signal.SIGINT)
"""

# Repetition counts of the exit and stress tests are multiplied by this
# (PYSENS2_TEST_SCALE, default 1): the Windows tier under Wine, where each
# process start costs ~50x more, runs every test with fewer repetitions.
TEST_SCALE = float(os.environ.get("PYSENS2_TEST_SCALE", "1"))


def scaled(n: int, minimum: int = 1) -> int:
    return max(minimum, int(n * TEST_SCALE))


# How far SessionEvent.monotonic_ns may be from time.perf_counter_ns(): they
# are one clock, except on Python 3.9 for Windows, whose perf_counter starts
# at its first use and whose offset pysens2 measures at import (README).
PERF_COUNTER_TOLERANCE_NS = (
    1_000_000 if sys.platform == "win32" and sys.version_info < (3, 10) else 0
)

# The exit status of a program that Ctrl+C ended (KeyboardInterrupt unhandled).
CTRL_C_EXIT_STATUS = 0xC000013A if sys.platform == "win32" else -signal.SIGINT


def run_python(
    code: str, timeout: float = 60, env: Optional[dict[str, str]] = None, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter; a hang fails the test instead of the suite."""
    env = dict(os.environ if env is None else env)
    env.setdefault("PYTHONFAULTHANDLER", "1")
    # Wine's CreateProcess now and then fails with ERROR_INTERNAL_ERROR (1359)
    # before the child exists: that is the harness's problem, tried again.
    for attempt in range(3):
        try:
            return subprocess.run(
                [sys.executable, "-c", textwrap.dedent(code)],
                capture_output=True,
                text=True,
                timeout=timeout,
                env=env,
                **kwargs,  # type: ignore[call-overload]
            )
        except subprocess.TimeoutExpired as exc:
            pytest.fail(
                f"subprocess did not finish within {timeout} s (deadlock?)\n"
                f"{exc.stdout}\n{exc.stderr}"
            )
        except OSError as exc:
            if sys.platform != "win32" or getattr(exc, "winerror", None) != 1359 or attempt == 2:
                raise
            time.sleep(1)
    raise AssertionError("unreachable")


def assert_ok(proc: subprocess.CompletedProcess[str], expected_status: int = 0) -> None:
    assert proc.returncode == expected_status, (
        f"exit status {proc.returncode}, expected {expected_status}\n"
        f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    )
