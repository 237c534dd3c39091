from __future__ import annotations

import pytest

import pysens2
from pysens2 import EventType, _native


def test_members_match_the_native_order() -> None:
    assert [t.name for t in EventType] == _native.event_type_names()


def test_which_types_may_lack_a_session_id() -> None:
    # The ISensLogon types carry one when WTS or logind delivers them, never
    # from SENS's ISensLogon; machine-wide events never do.
    without = {t for t in EventType if not t.has_session_id}
    assert without == {
        EventType.START_SHELL,
        EventType.DISPLAY_LOCK,
        EventType.DISPLAY_UNLOCK,
        EventType.START_SCREEN_SAVER,
        EventType.STOP_SCREEN_SAVER,
        EventType.SYSTEM_SLEEP,
        EventType.SYSTEM_RESUME,
        EventType.SYSTEM_SHUTDOWN,
        EventType.SHUTDOWN_CANCELLED,
        EventType.SOURCE_LOST,
        EventType.SOURCE_RESTORED,
    }
    assert len(EventType) == 24


@pytest.mark.parametrize("name", ["display_lock", "DISPLAY_LOCK", "Display_Lock", " display-lock "])
def test_names_are_case_insensitive(name: str, monitor: pysens2.SessionMonitor) -> None:
    assert EventType(name) is EventType.DISPLAY_LOCK
    handle = monitor.on(name, lambda e: None)
    assert handle.event_type is EventType.DISPLAY_LOCK


def test_unknown_name_lists_the_valid_ones(monitor: pysens2.SessionMonitor) -> None:
    with pytest.raises(ValueError, match="SESSION_DISCONNECT") as info:
        monitor.on("session_lock", print)
    assert "session_lock" in str(info.value)


def test_non_string_event_type_is_a_type_error(monitor: pysens2.SessionMonitor) -> None:
    with pytest.raises(TypeError, match="EventType or its name"):
        monitor.on(3, print)  # type: ignore[arg-type]
