"""The state right now (sessions(), is_locked(), idle_time(), ...) on a
simulated machine, which events fired through pysens2.testing keep up to
date; and what these functions do where the platform has no source."""

from __future__ import annotations

import json
import sys
import textwrap

import pytest

import pysens2
from conftest import SCRIPT_PRELUDE, assert_ok, run_python
from pysens2 import ConnectState, EventType, testing


def test_a_simulated_machine_answers_every_state_function() -> None:
    with testing.simulated_state(own_session=3, user="alice", domain="CONTOSO") as state:
        state.add_session(
            5,
            "bob",
            station="RDP-Tcp#7",
            remote=True,
            client_name="LAPTOP",
            client_address="10.0.0.9",
        )
        state.set_idle(12.5)
        state.set_console(3)
        own = pysens2.current_session()
        assert (own.session_id, own.qualified_user, own.state) == (
            3,
            "CONTOSO\\alice",
            ConnectState.ACTIVE,
        )
        assert [s.session_id for s in pysens2.sessions()] == [3, 5]
        rdp = pysens2.sessions()[1]
        assert (rdp.remote, rdp.client_name, rdp.client_address) == (True, "LAPTOP", "10.0.0.9")
        assert pysens2.is_locked() is False
        assert pysens2.is_locked(5) is False
        assert pysens2.idle_time() == 12.5
        console = pysens2.console_session()
        assert console is not None and console.session_id == 3
        state.set_console(None)  # nobody logged on at the console
        assert pysens2.console_session(timeout=0) is None


def test_fired_events_update_the_simulated_state() -> None:
    with testing.simulated_state(own_session=1) as state:
        with pysens2.SessionMonitor(backend="simulated") as m:
            testing.fire(m, "display_lock")  # SENS's lock: no session id, so this session
            assert pysens2.is_locked() is True
            testing.fire(m, "display_unlock", "alice", 1)  # WTS's, with its session id
            assert pysens2.is_locked(1) is False
            testing.fire(m, "logon", "FABRIKAM\\bob", 2)
            bob = next(s for s in pysens2.sessions() if s.session_id == 2)
            assert (bob.user, bob.domain) == ("bob", "FABRIKAM")
            testing.fire(m, "remote_connect", "FABRIKAM\\bob", 2)
            assert [s.remote for s in pysens2.sessions() if s.session_id == 2] == [True]
            testing.fire(m, "console_disconnect", "alice", 1)
            assert pysens2.current_session().state is ConnectState.DISCONNECTED
            assert pysens2.console_session(timeout=0) is None
            testing.fire(m, "console_connect", "FABRIKAM\\bob", 2)
            console = pysens2.console_session(timeout=0)
            assert console is not None and console.session_id == 2
            testing.fire(m, "logoff", "FABRIKAM\\bob", 2)
            assert [s.session_id for s in pysens2.sessions()] == [1]
            # The monitor saw every one of them too.
            types = [m.get(timeout=10).type for _ in range(7)]
        assert types[0] is EventType.DISPLAY_LOCK and types[-1] is EventType.LOGOFF
        assert state.session(1).locked is False


def test_the_simulation_ends_with_its_block() -> None:
    with testing.simulated_state():
        assert pysens2.current_session().session_id == 1
    if sys.platform != "win32":
        with pytest.raises(pysens2.BackendUnavailableError, match="simulated_state"):
            pysens2.sessions()


def test_bad_arguments_are_clear_errors() -> None:
    with testing.simulated_state():
        with pytest.raises(TypeError, match=r"session_id must be an int \(Windows\) or a str"):
            pysens2.is_locked(1.5)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="must not be empty"):
            pysens2.is_locked("")
        with pytest.raises(ValueError, match="no session 'c1'"):
            pysens2.is_locked("c1")  # a logind id the simulated machine does not have
        with pytest.raises(ValueError, match="between 0 and 4294967295"):
            pysens2.is_locked(-1)
        with pytest.raises(ValueError, match="no session 9"):
            pysens2.is_locked(9)
        with pytest.raises(ValueError, match="timeout must be >= 0"):
            pysens2.console_session(timeout=-1)


@pytest.mark.skipif(sys.platform == "win32", reason="Windows has a state source: WTS")
@pytest.mark.parametrize(
    "call",
    [
        pysens2.sessions,
        pysens2.current_session,
        pysens2.console_session,
        pysens2.is_locked,
        pysens2.idle_time,
    ],
)
def test_without_a_state_source_each_function_says_so(call: object) -> None:
    # (conftest.py hides any system bus: on Linux, a machine without logind)
    with pytest.raises(pysens2.BackendUnavailableError, match=r"system bus|WTS API"):
        call()  # type: ignore[operator]


def test_cli_sessions_and_status_read_the_state() -> None:
    code = SCRIPT_PRELUDE + textwrap.dedent("""
        from pysens2 import cli
        with testing.simulated_state(own_session=2, user="alice", domain="CONTOSO") as s:
            s.add_session(4, "bob", station="RDP-Tcp#1", remote=True, client_address="fe80::1")
            s.update(2, locked=True)
            s.set_idle(3.25)
            s.set_console(2)
            for args in (["sessions", "--json"], ["status", "--json"], ["sessions"], ["status"]):
                assert cli.main(args) == 0
    """)
    proc = run_python(code, timeout=60)
    assert_ok(proc)
    lines = proc.stdout.splitlines()
    listed = json.loads(lines[0])
    assert [(r["session_id"], r["user"], r["locked"], r["state"]) for r in listed] == [
        (2, "alice", True, "active"),
        (4, "bob", False, "active"),
    ]
    assert listed[1]["client_address"] == "fe80::1" and listed[1]["remote"] is True
    status = json.loads(lines[1])
    assert status["session"]["session_id"] == 2
    assert (status["console_session_id"], status["locked"], status["idle_seconds"]) == (
        2,
        True,
        3.25,
    )
    table = "\n".join(lines[2:])
    assert "CONTOSO\\alice" in table and "RDP-Tcp#1" in table and "fe80::1" in table
    assert "locked:   yes" in table and "idle:     3.2 s" in table


@pytest.mark.skipif(sys.platform == "win32", reason="Windows has a state source: WTS")
def test_cli_sessions_without_a_source_exits_2() -> None:
    proc = run_python("import sys; from pysens2 import cli; sys.exit(cli.main(['sessions']))")
    assert_ok(proc, 2)
    assert "system bus" in proc.stderr or "WTS API" in proc.stderr
