"""Reminders (set or not, idempotent) and the settings from the environment, without I/O."""

from __future__ import annotations

import pytest

from parley.contracts.events.scheduling import ReminderCleared, ReminderSet
from parley.scheduling.domain.reminders import ClearReminder, SetReminder, decide, evolve
from parley.scheduling.settings import SchedulingSettings, parse_seconds


def test_setting_a_reminder_twice_changes_nothing() -> None:
    events = decide(SetReminder("sp_1", "usr_a"), False)
    assert events == [ReminderSet(space_id="sp_1", user_id="usr_a")]
    assert decide(SetReminder("sp_1", "usr_a"), evolve(False, events[0])) == []


def test_clearing_what_is_not_set_changes_nothing() -> None:
    assert decide(ClearReminder("sp_1", "usr_a"), False) == []
    events = decide(ClearReminder("sp_1", "usr_a"), True)
    assert events == [ReminderCleared(space_id="sp_1", user_id="usr_a")]
    assert evolve(True, events[0]) is False


def test_the_defaults() -> None:
    settings = SchedulingSettings()
    limits = settings.limits()
    assert (limits.min_lead_s, limits.max_ahead_days, limits.max_upcoming) == (900, 30, 10)
    assert settings.host_reminders() == (86400, 3600)
    assert settings.auto_cancel_s == 86400


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_SCHEDULING_MIN_LEAD_S", "5")
    monkeypatch.setenv("PARLEY_SCHEDULING_MAX_AHEAD_DAYS", "2")
    monkeypatch.setenv("PARLEY_SCHEDULING_MAX_UPCOMING", "3")
    monkeypatch.setenv("PARLEY_SCHEDULING_HOST_REMINDERS_S", "4, 8")
    monkeypatch.setenv("PARLEY_SCHEDULING_AUTO_CANCEL_S", "6")
    settings = SchedulingSettings()
    limits = settings.limits()
    assert (limits.min_lead_s, limits.max_ahead_days, limits.max_upcoming) == (5, 2, 3)
    assert settings.host_reminders() == (8, 4)
    assert settings.auto_cancel_s == 6


def test_host_reminders_are_positive_seconds() -> None:
    assert parse_seconds("") == ()
    with pytest.raises(ValueError, match="positive"):
        parse_seconds("3600,0")
    with pytest.raises(ValueError, match="invalid literal"):
        SchedulingSettings(host_reminders_s="soon")
