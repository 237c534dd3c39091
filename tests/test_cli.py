from __future__ import annotations

import json
import sys
import textwrap

import pytest

import pysens2
from conftest import SCRIPT_PRELUDE, assert_ok, run_python


def cli(*args: str, timeout: float = 60):  # type: ignore[no-untyped-def]
    import subprocess

    return subprocess.run(
        [sys.executable, "-m", "pysens2", *args], capture_output=True, text=True, timeout=timeout
    )


def test_demo_plays_the_fast_user_switching_sequence() -> None:
    proc = cli("demo", "--interval", "0")
    assert_ok(proc)
    lines = [line for line in proc.stdout.splitlines() if "(ISensLogon" in line]
    order = [
        "LOGON",
        "DISPLAY_LOCK",
        "SESSION_DISCONNECT",
        "SESSION_RECONNECT",
        "DISPLAY_UNLOCK",
        "LOGOFF",
    ]
    assert [line.split()[1] for line in lines] == order
    assert "6 events delivered, 0 dropped" in proc.stdout


def test_demo_json_lines() -> None:
    proc = cli("demo", "--json", "--interval", "0")
    assert_ok(proc)
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["type"] for r in records][:3] == ["logon", "display_lock", "session_disconnect"]
    assert records[0]["session_id"] == 2 and records[1]["session_id"] is None
    assert records[0]["source"] == "ISensLogon2.Logon"
    assert (records[0]["domain"], records[0]["user"]) == ("CONTOSO", "alice")
    assert records[0]["code"] is None


@pytest.mark.skipif(sys.platform == "win32", reason="Windows has a real backend: SENS")
def test_watch_without_a_real_backend_fails_clearly() -> None:
    proc = cli("watch")
    assert_ok(proc, 2)
    assert "no session-event source" in proc.stderr
    # Advice a command-line user can act on, not a Python keyword argument.
    assert "pysens2 demo" in proc.stderr and 'backend="simulated"' not in proc.stderr


def test_version() -> None:
    proc = cli("--version")
    assert_ok(proc)
    assert proc.stdout.strip() == f"pysens2 {pysens2.__version__}"


def test_demo_prints_user_names_as_they_are() -> None:
    proc = cli("demo", "--interval", "0")
    assert_ok(proc)
    assert "user CONTOSO\\alice " in proc.stdout  # one backslash, not a repr


@pytest.mark.skipif(sys.platform == "win32", reason="Windows has these backends")
@pytest.mark.parametrize("backend", ["sens", "wts"])
def test_watch_with_a_backend_this_platform_lacks_says_why(backend: str) -> None:
    proc = cli("watch", "--backend", backend)
    assert_ok(proc, 2)
    assert "a Windows facility" in proc.stderr


def test_watch_offers_only_real_backends() -> None:
    proc = cli("watch", "--backend", "simulated")
    assert_ok(proc, 2)
    assert "invalid choice" in proc.stderr


def test_watch_rejects_unknown_events() -> None:
    proc = cli("watch", "--events", "logon,bogus")
    assert_ok(proc, 2)
    assert "valid event types are" in proc.stderr


def test_help_documents_both_commands() -> None:
    proc = cli("--help")
    assert_ok(proc)
    assert "watch" in proc.stdout and "demo" in proc.stdout
    for command in ("watch", "demo"):
        sub = cli(command, "--help")
        assert_ok(sub)
        assert "--json" in sub.stdout


def test_watch_exits_zero_on_ctrl_c() -> None:
    # watch's loop, driven by a simulated monitor, interrupted by Ctrl+C.
    proc = run_python(
        SCRIPT_PRELUDE
        + textwrap.dedent("""
        from pysens2 import cli
        real = cli.SessionMonitor
        cli.SessionMonitor = lambda events=None, backend="auto": real(events, backend="simulated")
        threading.Timer(0.5, press_ctrl_c).start()
        sys.exit(cli.main(["watch"]))
        """),
        timeout=30,
    )
    assert_ok(proc, 0)


def test_demo_exits_zero_on_ctrl_c() -> None:
    proc = run_python(
        SCRIPT_PRELUDE
        + textwrap.dedent("""
        from pysens2 import cli
        threading.Timer(0.5, press_ctrl_c).start()
        t0 = time.monotonic()
        status = cli.main(["demo", "--interval", "30"])
        assert time.monotonic() - t0 < 10
        sys.exit(status)
        """),
        timeout=30,
    )
    assert_ok(proc, 0)
    assert "LOGON" in proc.stdout  # it had started


def test_bad_cli_options_fail_with_usage() -> None:
    for args, message in (
        (("watch", "--bogus"), "unrecognized arguments"),
        (("demo", "--interval", "-1"), "seconds >= 0"),
        (("demo", "--interval", "soon"), "number of seconds"),
        (("watch", "--events", ""), "at least one event type"),
        (("frobnicate",), "invalid choice"),
        ((), "required"),
    ):
        proc = cli(*args)
        assert_ok(proc, 2)
        assert message in proc.stderr, (args, proc.stderr)
