"""A private system bus with python-dbusmock's logind template on it, for the
logind backend's tests (DESIGN.md §8).

The bus is a dbus-daemon of our own; the mock and the driver that pokes it run
under Debian's /usr/bin/python3 (which has python3-dbusmock), as separate
processes, so the interpreter under test never imports dbus. Each test gets a
fresh bus; DBUS_SYSTEM_BUS_ADDRESS points sd-bus at it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
import time
from pathlib import Path
from typing import Any, Optional

SYSTEM_PYTHON = "/usr/bin/python3"
REQUIRED = os.environ.get("PYSENS2_REQUIRE_LOGIND_MOCK") == "1"

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
"""

# Runs under the system Python: one JSON command per line in, "ok"/"error" out.
DRIVER = textwrap.dedent("""
    import json, sys, textwrap, time
    import dbus
    bus = dbus.SystemBus()
    NAME, MANAGER = "org.freedesktop.login1", "/org/freedesktop/login1"
    MOCK, SESSION = "org.freedesktop.DBus.Mock", "org.freedesktop.login1.Session"
    # Run inside the mock (the only process that may send as logind): Bench
    # flips LockedHint `count` times at `rate` per second from the mock's main
    # loop, so the mock still answers calls meanwhile; BenchTimes says when
    # each signal was sent (CLOCK_MONOTONIC, the subscribers' clock too), once
    # all were.
    BENCH = textwrap.dedent('''
        from dbus.lowlevel import SignalMessage
        from gi.repository import GLib
        SESSION = "org.freedesktop.login1.Session"
        sid, count, rate = args
        o = objects["/org/freedesktop/login1/session/" + sid]
        state = {"value": bool(o.props[SESSION]["LockedHint"]),
                 "start": time.monotonic_ns(), "sent": []}
        self.bench_sent = None
        # exec'd code: the callback gets what it uses as defaults, not closures
        def tick(self=self, o=o, state=state, count=count, rate=rate, SESSION=SESSION,
                 SignalMessage=SignalMessage):
            sent = state["sent"]
            while len(sent) < count and time.monotonic_ns() >= state["start"] + len(sent) * 1e9 / rate:
                state["value"] = value = not state["value"]
                o.props[SESSION]["LockedHint"] = dbus.Boolean(value)  # what a Get reads
                # Built before the clock is read: the figure is the bus and the subscriber.
                msg = SignalMessage(o.__dbus_object_path__, dbus.PROPERTIES_IFACE,
                                    "PropertiesChanged")
                msg.append(SESSION, {"LockedHint": dbus.Boolean(value, variant_level=1)},
                           dbus.Array([], signature="s"), signature="sa{sv}as")
                sent.append(time.monotonic_ns())
                o.connection.send_message(msg)
                o.connection.flush()  # out now, not when the main loop next runs
            if len(sent) < count:
                return True
            self.bench_sent = sent
            return False
        GLib.timeout_add(max(1, int(1000 / rate / 4)), tick)
    ''')
    BENCH_TIMES = "ret = (self.bench_sent is not None, self.bench_sent or [])"
    def mock(path):
        return dbus.Interface(bus.get_object(NAME, path), MOCK)
    def session(sid):
        return "/org/freedesktop/login1/session/" + sid
    for line in sys.stdin:
        cmd = json.loads(line)
        op, a = cmd["op"], cmd.get("args", [])
        try:
            if op == "add_session":
                sid, seat, uid, user, active = a
                path = mock(MANAGER).AddSession(sid, seat, dbus.UInt32(uid), user, active)
                mock(MANAGER).EmitSignal("org.freedesktop.login1.Manager", "SessionNew", "so",
                                         [sid, dbus.ObjectPath(path)])
            elif op == "add_session_quietly":
                sid, seat, uid, user, active = a
                mock(MANAGER).AddSession(sid, seat, dbus.UInt32(uid), user, active)
            elif op == "remove_session":
                (sid,) = a
                mock(MANAGER).EmitSignal("org.freedesktop.login1.Manager", "SessionRemoved", "so",
                                         [sid, dbus.ObjectPath(session(sid))])
                mock(MANAGER).RemoveObject(session(sid))
            elif op == "set":
                sid, prop, value = a
                mock(session(sid)).UpdateProperties(SESSION, {prop: dbus.Boolean(value)})
            elif op == "set_u64":
                sid, prop, value = a
                mock(session(sid)).UpdateProperties(SESSION, {prop: dbus.UInt64(value)})
            elif op == "lock_request":
                (sid,) = a
                dbus.Interface(bus.get_object(NAME, session(sid)), SESSION).Lock()
            elif op == "manager_signal":
                name, value = a
                mock(MANAGER).EmitSignal("org.freedesktop.login1.Manager", name, "b",
                                         [dbus.Boolean(value)])
            elif op == "flip_locked_hint":
                sid, count, rate = a
                m = mock(MANAGER)
                m.AddMethod("org.freedesktop.login1.Manager", "Bench", "sud", "", BENCH)
                m.AddMethod("org.freedesktop.login1.Manager", "BenchTimes", "", "(bax)",
                            BENCH_TIMES)
                manager = dbus.Interface(bus.get_object(NAME, MANAGER),
                                         "org.freedesktop.login1.Manager")
                manager.Bench(sid, dbus.UInt32(count), float(rate))
                deadline = time.monotonic() + 30 + count / rate
                while True:
                    done, times = manager.BenchTimes()
                    if done:
                        break
                    if time.monotonic() > deadline:
                        raise RuntimeError("the mock stopped flipping LockedHint")
                    time.sleep(0.05)
                print("ok " + json.dumps([int(t) for t in times]), flush=True)
                continue
            print("ok", flush=True)
        except Exception as exc:
            print("error " + repr(exc).replace("\\n", " "), flush=True)
""")


def unavailable() -> Optional[str]:
    if not shutil.which("dbus-daemon"):
        return "dbus-daemon is missing (Debian: apt-get install dbus)"
    env = dict(os.environ)
    env.pop("LD_PRELOAD", None)
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import dbusmock, dbus"], capture_output=True, text=True, env=env
    )
    if probe.returncode != 0:
        return "python-dbusmock is missing (Debian: apt-get install python3-dbusmock)"
    return None


def skip_unless_available() -> None:
    why = unavailable()
    if why is None:
        return
    import pytest  # here: the benchmarks use this module without pytest

    if REQUIRED:
        pytest.fail(f"the logind tier is required here, but {why}")
    pytest.skip(why)


class LogindMock:
    """dbus-daemon + the logind template + a driver; stop() ends all three."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.socket = workdir / "system_bus_socket"
        self.address = f"unix:path={self.socket}"
        (workdir / "system.conf").write_text(BUS_CONFIG.format(socket=self.socket))
        self.env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.address)
        # The helpers are the system's own programs: not under the ASan
        # runtime the sanitizer tier preloads into the tested interpreter.
        self.env.pop("LD_PRELOAD", None)
        self.daemon: Optional[subprocess.Popen[str]] = None
        self.logind: Optional[subprocess.Popen[str]] = None
        self.driver: Optional[subprocess.Popen[str]] = None

    # -- the processes ------------------------------------------------------------
    def start_bus(self) -> None:
        self.daemon = subprocess.Popen(
            ["dbus-daemon", "--nofork", f"--config-file={self.workdir / 'system.conf'}"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        deadline = time.monotonic() + 10
        while not self.socket.exists():
            if time.monotonic() > deadline:
                raise RuntimeError("the private dbus-daemon did not start")
            time.sleep(0.02)

    def start_logind(self) -> None:
        self.logind = subprocess.Popen(
            [SYSTEM_PYTHON, "-m", "dbusmock", "--system", "--template", "logind"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self._wait_for_name()
        self.driver = subprocess.Popen(
            [SYSTEM_PYTHON, "-c", DRIVER],
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def _wait_for_name(self) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            probe = subprocess.run(
                [
                    "dbus-send",
                    "--system",
                    "--print-reply",
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner",
                    "string:org.freedesktop.login1",
                ],
                env=self.env,
                capture_output=True,
                text=True,
            )
            if "boolean true" in probe.stdout:
                return
            time.sleep(0.05)
        raise RuntimeError("the logind mock did not appear on the bus")

    def stop_logind(self) -> None:
        for proc in (self.driver, self.logind):
            if proc is None:
                continue
            if proc.poll() is None:
                proc.terminate()
                proc.wait(10)
            for stream in (proc.stdin, proc.stdout):
                if stream is not None:
                    stream.close()
        self.driver = self.logind = None

    def stop_bus(self) -> None:
        self.stop_logind()
        if self.daemon is not None and self.daemon.poll() is None:
            self.daemon.kill()
            self.daemon.wait(10)
        self.daemon = None
        if self.socket.exists():
            self.socket.unlink()

    # -- driving logind -----------------------------------------------------------
    def do(self, op: str, *args: Any) -> Any:
        """Runs one driver command; returns what it answered besides "ok"."""
        assert self.driver is not None and self.driver.stdin and self.driver.stdout
        self.driver.stdin.write(json.dumps({"op": op, "args": list(args)}) + "\n")
        self.driver.stdin.flush()
        answer = self.driver.stdout.readline().strip()
        if answer != "ok" and not answer.startswith("ok "):
            raise RuntimeError(f"logind mock: {op}{args}: {answer}")
        return json.loads(answer[3:]) if answer != "ok" else None

    def add_session(
        self, sid: str, user: str, *, seat: str = "seat0", uid: int = 1000, active: bool = True
    ) -> None:
        self.do("add_session", sid, seat, uid, user, active)

    def set(self, sid: str, prop: str, value: bool) -> None:
        self.do("set", sid, prop, value)


# Runs under the system Python: flips session 2's LockedHint for a while, as
# fast as the bus takes it (bounded, so it never outlives a test for long).
FLIPPER = textwrap.dedent("""
    import time
    import dbus
    bus = dbus.SystemBus()
    s = dbus.Interface(bus.get_object("org.freedesktop.login1",
                                      "/org/freedesktop/login1/session/2"),
                       "org.freedesktop.DBus.Mock")
    deadline = time.monotonic() + 15
    flag = True
    while time.monotonic() < deadline:
        s.UpdateProperties("org.freedesktop.login1.Session", {"LockedHint": dbus.Boolean(flag)})
        flag = not flag
""")
