"""Every Python example in README.md runs as written, here on the simulated
backend: a driver thread fires events at each monitor the example starts,
then stops it, so examples that wait for events or loop until stop() end."""

from __future__ import annotations

import inspect
import re
import textwrap
from pathlib import Path

import pytest

from conftest import assert_ok, run_python, sample_session

README = Path(__file__).resolve().parents[1] / "README.md"
# The service recipe needs pywin32's service modules: tests/test_service.py runs it.
EXAMPLES = re.findall(
    r"(?<!<!-- service-recipe -->\n)```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S
)

DRIVER = (
    """
import threading, time
from typing import Optional, Union
import pysens2
from pysens2 import testing
"""
    + inspect.getsource(sample_session)
    + """

_default_init = pysens2.SessionMonitor.__init__
def _simulated_init(self, *args, **kwargs):
    kwargs.setdefault("backend", "simulated")
    _default_init(self, *args, **kwargs)
pysens2.SessionMonitor.__init__ = _simulated_init

_default_start = pysens2.SessionMonitor.start
def _start_and_drive(self):
    _default_start(self)
    def drive():
        time.sleep(0.3)  # the example's handlers and streams are attached
        for etype in sorted(self.event_types, key=lambda t: t.value):
            code = 0xF if etype is pysens2.EventType.SESSION_CHANGE else None
            session = sample_session(etype, 2) if etype.has_session_id else None
            testing.fire(self, etype, "CONTOSO\\\\alice", session, code=code)
        time.sleep(0.5)
        self.stop()
    threading.Thread(target=drive, daemon=True).start()
    return self
pysens2.SessionMonitor.start = _start_and_drive

# Examples that read the state right now read a simulated machine.
_simulation = testing.simulated_state(own_session=2, user="alice", domain="CONTOSO")
_simulation.__enter__()  # kept referenced: collecting it would end the simulation
"""
)


def test_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize("index", range(len(EXAMPLES)))
def test_readme_example_runs(index: int) -> None:
    code = EXAMPLES[index]
    calls = "".join(f"\n{name}()" for name in re.findall(r"^def (test_\w+)\(", code, re.M))
    proc = run_python(DRIVER + textwrap.dedent(code) + calls, timeout=60, input="\n")
    assert_ok(proc)
    if "print(" in code and "input(" not in code:
        assert "alice" in proc.stdout or "LOGON" in proc.stdout, proc.stdout
