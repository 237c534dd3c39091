from __future__ import annotations

import asyncio
import gc
import textwrap
import threading
import weakref

import pytest

import pysens2
from conftest import SCRIPT_PRELUDE, assert_ok, run_python
from pysens2.testing import fire, fire_burst


def test_events_arrive_in_the_loop_in_order() -> None:
    async def main() -> list[tuple[str, int | None, bool]]:
        loop_thread = threading.current_thread()
        got = []
        with pysens2.SessionMonitor(backend="simulated") as m:
            stream = m.events()
            await asyncio.to_thread(fire_burst, m, "session_disconnect", 50)
            async for event in stream:
                got.append(
                    (event.user, event.session_id, threading.current_thread() is loop_thread)
                )
                if len(got) == 50:
                    break
        return got

    got = asyncio.run(asyncio.wait_for(main(), 30))
    assert [sid for _, sid, _ in got] == list(range(50))
    assert all(in_loop for _, _, in_loop in got)


def test_stream_ends_when_the_monitor_stops() -> None:
    async def main() -> list[str]:
        m = pysens2.SessionMonitor(backend="simulated").start()
        stream = m.events("display_lock")
        await asyncio.to_thread(fire, m, "display_lock", "a")
        await asyncio.to_thread(fire, m, "display_unlock", "b")  # filtered out
        await asyncio.to_thread(fire, m, "display_lock", "c")
        m.stop()
        return [e.user async for e in stream]

    assert asyncio.run(asyncio.wait_for(main(), 30)) == ["a", "c"]


def test_stream_wakes_a_waiting_consumer_on_stop() -> None:
    async def main() -> str:
        m = pysens2.SessionMonitor(backend="simulated").start()
        stream = m.events()

        async def consume() -> str:
            async for _ in stream:
                return "event"
            return "ended"

        task = asyncio.ensure_future(consume())
        await asyncio.sleep(0.1)
        await asyncio.to_thread(m.stop)
        return await task

    assert asyncio.run(asyncio.wait_for(main(), 30)) == "ended"


def test_aclose_detaches() -> None:
    async def main() -> int:
        with pysens2.SessionMonitor(backend="simulated") as m:
            async with m.events() as stream:
                await asyncio.to_thread(fire, m, "logon", "x", 1)
                await stream.__anext__()
            await asyncio.to_thread(fire, m, "logon", "y", 1)
            with pytest.raises(StopAsyncIteration):
                await stream.__anext__()
            return len(stream._buffer)

    assert asyncio.run(main()) == 0


def test_events_needs_a_running_monitor_and_known_types() -> None:
    async def main() -> None:
        m = pysens2.SessionMonitor(["logon"], backend="simulated")
        with pytest.raises(pysens2.MonitorStopped):
            m.events()
        with m:
            with pytest.raises(ValueError, match="DISPLAY_LOCK"):
                m.events("display_lock")

    asyncio.run(main())


def test_abandoned_streams_let_go() -> None:
    # `break` out of `async for` (the "wait for one event" idiom): the stream
    # is no longer referenced and must not stay registered, buffering events.
    async def main() -> list[weakref.ref[pysens2.EventStream]]:
        refs = []
        with pysens2.SessionMonitor(backend="simulated") as m:
            for i in range(200):
                stream = m.events()
                refs.append(weakref.ref(stream))
                fire(m, "logon", "u", i)
                async for _ in stream:
                    break
                del stream
            gc.collect()
            await asyncio.sleep(0.1)  # pending call_soon_threadsafe callbacks run
            gc.collect()
            for i in range(100):  # no abandoned stream gets these
                fire(m, "logon", "u", i)
            m.get(timeout=10)
        return refs

    refs = asyncio.run(main())
    gc.collect()
    assert sum(r() is not None for r in refs) == 0


def test_events_racing_stop_always_ends() -> None:
    # The dispatcher's "finished" hook must reach every stream, even one
    # created while the monitor stops; with a tiny switch interval.
    code = SCRIPT_PRELUDE + textwrap.dedent("""
        import asyncio, random
        sys.setswitchinterval(1e-6)
        async def one_round():
            m = pysens2.SessionMonitor(backend="simulated").start()
            stopper = threading.Timer(random.random() / 1000, m.stop)
            stopper.start()
            try:
                stream = m.events()
            except pysens2.MonitorStopped:
                stopper.join()
                return
            async def drain():
                async for _ in stream:
                    pass
            await asyncio.wait_for(drain(), 10)
            stopper.join()
        async def main():
            for _ in range(300):
                await one_round()
        asyncio.run(main())
        print("OK")
    """)
    proc = run_python(code, timeout=120)
    assert_ok(proc)
    assert "OK" in proc.stdout
