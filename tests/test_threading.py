"""Threading, ordering, overload and stop cases. Each runs in a fresh
interpreter with a timeout, so a deadlock fails instead of hanging."""

from __future__ import annotations

import textwrap

from conftest import SCRIPT_PRELUDE, assert_ok, run_python

PRELUDE = SCRIPT_PRELUDE


def check(code: str, timeout: float = 90) -> str:
    proc = run_python(PRELUDE + textwrap.dedent(code), timeout=timeout)
    assert_ok(proc)
    assert "OK" in proc.stdout, proc.stdout + proc.stderr
    return proc.stdout


def test_eight_producers_nothing_lost_order_kept() -> None:
    check("""
        m = pysens2.SessionMonitor(["session_reconnect"], backend="simulated", queue_size=100_000)
        seen = {}
        m.on("session_reconnect", lambda e: seen.setdefault(e.user, []).append(e.session_id))
        with m:
            testing.fire_burst(m, "session_reconnect", 10_000, threads=8)
        assert m.dropped == 0, m.dropped
        assert sorted(seen) == [f"producer-{t}" for t in range(8)], sorted(seen)
        for user, ids in seen.items():
            assert ids == list(range(10_000)), (user, len(ids))
        print("OK")
    """)


def test_eight_producers_through_invoke() -> None:
    check("""
        m = pysens2.SessionMonitor(backend="simulated", queue_size=100_000)
        seen = {}
        m.on("logoff", lambda e: seen.setdefault(e.user, []).append(e.session_id))
        with m:
            testing.fire_burst(m, "logoff", 2_000, threads=8, via="dispatch")
        assert all(ids == list(range(2_000)) for ids in seen.values()) and len(seen) == 8
        print("OK")
    """)


def test_drop_counter_above_the_queue_bound() -> None:
    check("""
        m = pysens2.SessionMonitor(backend="simulated", queue_size=10)
        release = threading.Event()
        got = []
        def slow(e):
            got.append(e)
            release.wait(30)
        m.on("display_lock", slow)
        m.start()
        testing.fire(m, "display_lock", "first")
        while not got:
            time.sleep(0.01)   # the dispatcher is now blocked in the callback
        testing.fire_burst(m, "display_lock", 1000)   # must not block
        assert m.dropped == 1000 - 10, m.dropped
        release.set()
        assert m.stop(timeout=30)
        assert len(got) == 1 + 10, len(got)
        print("OK")
    """)


def test_callback_exceptions_go_to_on_error_and_delivery_continues() -> None:
    check("""
        errors = []
        m = pysens2.SessionMonitor(backend="simulated", on_error=lambda exc, ev: errors.append((exc, ev)))
        got = []
        def handler(e):
            got.append(e.user)
            if e.user == "bad":
                raise ValueError("boom")
        m.on("logon", handler)
        with m:
            for user in ("a", "bad", "c"):
                testing.fire(m, "logon", user, 1)
        assert got == ["a", "bad", "c"], got
        (exc, ev), = errors
        assert isinstance(exc, ValueError) and str(exc) == "boom"
        assert ev.user == "bad"
        print("OK")
    """)


def test_callback_exceptions_without_on_error_reach_unraisablehook() -> None:
    check("""
        caught = []
        sys.unraisablehook = lambda u: caught.append(u)
        m = pysens2.SessionMonitor(backend="simulated")
        def bad(e):
            raise KeyError(e.user)
        m.on("logoff", bad)
        later = []
        m.on("logoff", lambda e: later.append(e.user))
        with m:
            testing.fire(m, "logoff", "x", 1)
            testing.fire(m, "logoff", "y", 1)
        assert later == ["x", "y"]
        assert [type(u.exc_value) for u in caught] == [KeyError, KeyError]
        assert "pysens2 callback" in str(caught[0].err_msg) or "pysens2 callback" in repr(caught[0].object)
        print("OK")
    """)


def test_on_error_that_raises_is_reported_not_fatal() -> None:
    check("""
        caught = []
        sys.unraisablehook = lambda u: caught.append(u)
        def on_error(exc, ev):
            raise RuntimeError("handler broke")
        m = pysens2.SessionMonitor(backend="simulated", on_error=on_error)
        m.on("logon", lambda e: 1 / 0)
        got = []
        m.on("logon", lambda e: got.append(e))
        with m:
            testing.fire(m, "logon", "x", 1)
            testing.fire(m, "logon", "y", 1)
        assert len(got) == 2 and len(caught) == 2
        assert isinstance(caught[0].exc_value, RuntimeError)
        print("OK")
    """)


def test_on_and_remove_while_events_flow() -> None:
    check("""
        m = pysens2.SessionMonitor(backend="simulated", queue_size=100_000)
        steady = []
        m.on("logon", lambda e: steady.append(e.session_id))
        extra = []
        stop = threading.Event()
        def churn():
            while not stop.is_set():
                h = m.on("logon", lambda e: extra.append(1))
                h.remove()
        def inside(e):
            # register and remove from inside a callback too
            h = m.on("logon", lambda e: None)
            assert h.remove()
        m.on("logon", inside)
        with m:
            t = threading.Thread(target=churn)
            t.start()
            testing.fire_burst(m, "logon", 20_000, threads=2)
            stop.set()
            t.join()
        assert len(steady) == 40_000, len(steady)
        print("OK")
    """)


def test_remove_prevents_later_calls() -> None:
    check("""
        m = pysens2.SessionMonitor(backend="simulated")
        calls = []
        h = m.on("logon", lambda e: calls.append(e.session_id))
        def remover(e):
            if e.session_id == 5:
                h.remove()
        m.on("logon", remover)
        with m:
            testing.fire_burst(m, "logon", 20)
        # The first handler saw 0..5 (it runs before the remover), never later.
        assert calls == list(range(6)), calls
        print("OK")
    """)


def test_stop_from_inside_a_callback() -> None:
    check("""
        m = pysens2.SessionMonitor(backend="simulated")
        result = []
        m.on("logon", lambda e: result.append(m.stop()))
        m.start()
        testing.fire(m, "logon", "x", 1)
        deadline = time.monotonic() + 10
        while not result and time.monotonic() < deadline:
            time.sleep(0.01)
        assert result == [False], result   # it cannot wait for itself
        assert not m.running
        assert m.stop(timeout=10) is True    # and finishes right after
        m.start(); m.stop()                  # still usable
        print("OK")
    """)


def test_stop_from_another_thread_with_events_in_flight() -> None:
    check("""
        m = pysens2.SessionMonitor(backend="simulated", queue_size=1_000_000)
        count = [0]
        def cb(e):
            count[0] += 1
        m.on("display_lock", cb)
        m.start()
        producer = threading.Thread(target=testing.fire_burst, args=(m, "display_lock", 50_000), kwargs={"threads": 2})
        producer.start()
        time.sleep(0.02)
        stopper = threading.Thread(target=m.stop)
        stopper.start()
        stopper.join(30)
        assert not stopper.is_alive()
        try:
            producer.join(30)
        except Exception:
            pass
        assert not m.running
        assert count[0] <= 100_000
        print("OK", count[0])
    """)


def test_firing_into_a_stopped_monitor_is_an_error() -> None:
    check("""
        m = pysens2.SessionMonitor(backend="simulated")
        try:
            testing.fire(m, "logon", "x", 1)
        except RuntimeError as e:
            assert "not running" in str(e)
        else:
            raise AssertionError("no error")
        print("OK")
    """)


def test_stop_timeout_with_a_slow_callback() -> None:
    check("""
        m = pysens2.SessionMonitor(backend="simulated")
        entered = threading.Event()
        def slow(e):
            entered.set()
            time.sleep(1.0)
        m.on("logon", slow)
        m.start()
        testing.fire(m, "logon", "x", 1)
        entered.wait(10)
        t0 = time.monotonic()
        assert m.stop(timeout=0.1) is False
        assert time.monotonic() - t0 < 0.9
        assert not m.running
        assert m.stop() is True
        print("OK")
    """)


def test_blocking_get_is_woken_by_stop() -> None:
    check("""
        m = pysens2.SessionMonitor(backend="simulated").start()
        outcome = []
        def reader():
            try:
                m.get()
            except pysens2.MonitorStopped:
                outcome.append("stopped")
        t = threading.Thread(target=reader)
        t.start()
        time.sleep(0.2)
        m.stop()
        t.join(10)
        assert outcome == ["stopped"], outcome
        print("OK")
    """)


def test_get_releases_the_gil() -> None:
    check("""
        m = pysens2.SessionMonitor(backend="simulated").start()
        counter = [0]
        done = threading.Event()
        def spin():
            while not done.is_set():
                counter[0] += 1
        t = threading.Thread(target=spin)
        t.start()
        try:
            m.get(timeout=0.5)
        except TimeoutError:
            pass
        done.set(); t.join()
        m.stop()
        assert counter[0] > 10_000, counter[0]   # the other thread ran meanwhile
        print("OK")
    """)


def test_ctrl_c_interrupts_get_on_the_main_thread() -> None:
    check("""
        m = pysens2.SessionMonitor(backend="simulated").start()
        threading.Timer(0.3, press_ctrl_c).start()
        t0 = time.monotonic()
        try:
            m.get()
        except KeyboardInterrupt:
            assert time.monotonic() - t0 < 5
            print("OK")
        m.stop()
    """)


def test_ctrl_c_interrupts_iteration_on_the_main_thread() -> None:
    check("""
        m = pysens2.SessionMonitor(backend="simulated").start()
        threading.Timer(0.3, press_ctrl_c).start()
        t0 = time.monotonic()
        try:
            for event in m:
                pass
        except KeyboardInterrupt:
            assert time.monotonic() - t0 < 5
            print("OK")
        m.stop()
    """)


def test_start_stop_race_keeps_the_running_set_true() -> None:
    check("""
        from pysens2 import _monitor
        sys.setswitchinterval(1e-6)
        wrong = 0
        for _ in range(300):
            m = pysens2.SessionMonitor(backend="simulated")
            barrier = threading.Barrier(2)
            def start():
                barrier.wait()
                try:
                    m.start()
                except RuntimeError:
                    pass
            def stop():
                barrier.wait()
                m.stop()
            threads = [threading.Thread(target=start), threading.Thread(target=stop)]
            for t in threads: t.start()
            for t in threads: t.join()
            with _monitor._RUNNING_LOCK:
                tracked = m in _monitor._RUNNING
            if tracked != m.running:
                wrong += 1
            m.stop()
        assert wrong == 0, wrong
        print("OK")
    """)


def test_firing_at_a_monitor_another_thread_stops_is_an_error_not_a_crash() -> None:
    # testing.fire racing stop(): the sinks may be gone between the running
    # check and the call; that must raise RuntimeError, never call through null.
    out = check("""
        m = pysens2.SessionMonitor(backend="simulated")
        done = threading.Event()
        def toggler():
            while not done.is_set():
                m.start()
                m.stop()
        t = threading.Thread(target=toggler)
        t.start()
        fired = refused = 0
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            try:
                testing.fire(m, "logon", "u", 1)
                fired += 1
            except RuntimeError:
                refused += 1
        done.set()
        t.join(30)
        assert not t.is_alive()
        print("OK", fired, refused)
    """)
    assert out.startswith("OK")
