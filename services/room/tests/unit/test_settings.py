"""Room's settings from the environment."""

from __future__ import annotations

import pytest

from parley.room.settings import RoomSettings

TUNING = {  # the names room's read side had, kept
    "PARLEY_ROOM_REACTION_RATE_PER_S": ("reaction_rate_per_s", 5.0, "7.5", 7.5),
    "PARLEY_ROOM_REACTION_BURST": ("reaction_burst", 10, "20", 20),
    "PARLEY_ROOM_REACTION_WINDOW_MS": ("reaction_window_ms", 250, "100", 100),
    "PARLEY_ROOM_REACTION_PRESENCE_CACHE_S": ("reaction_presence_cache_s", 1.0, "0", 0.0),
    "PARLEY_ROOM_LISTENER_COUNT_INTERVAL_S": ("listener_count_interval_s", 1.0, "2", 2.0),
    "PARLEY_ROOM_TRENDING_WINDOW_S": ("trending_window_s", 300, "600", 600),
    "PARLEY_ROOM_TRENDING_GROWTH_WEIGHT": ("trending_growth_weight", 2.0, "3", 3.0),
    "PARLEY_ROOM_NOTIFICATION_LIVE_MAX_AGE_S": ("notification_live_max_age_s", 120.0, "60", 60.0),
}
VARIABLES = (
    "PARLEY_PUBLIC_URL",
    "PARLEY_ROOM_PUBLIC_URL",
    "PARLEY_HTTP_PORT",
    "PARLEY_HOST_GRACE_S",
    *TUNING,
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_defaults_share_the_local_gateway_and_wait_ten_minutes() -> None:
    settings = RoomSettings()
    assert settings.resolved_public_url() == "http://127.0.0.1:8080"
    assert (settings.service_name, settings.host_grace_s) == ("room", 600.0)


def test_the_gateway_port_and_the_public_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_HTTP_PORT", "9000")
    monkeypatch.setenv("PARLEY_HOST_GRACE_S", "30")
    settings = RoomSettings()
    assert (settings.resolved_public_url(), settings.host_grace_s) == ("http://127.0.0.1:9000", 30)
    monkeypatch.setenv("PARLEY_PUBLIC_URL", "https://parley.example")
    assert RoomSettings().resolved_public_url() == "https://parley.example"


def test_the_tuning_keeps_its_parley_room_names(monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = RoomSettings()
    for field, default, _, _ in TUNING.values():
        assert getattr(defaults, field) == default, field
    for name, (_, _, raw, _) in TUNING.items():
        monkeypatch.setenv(name, raw)
    settings = RoomSettings()
    for field, _, _, value in TUNING.values():
        assert getattr(settings, field) == value, field
    # In code, fields go by their own names.
    assert RoomSettings(reaction_burst=3).reaction_burst == 3


def test_the_read_side_s_public_url_name_works_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_ROOM_PUBLIC_URL", "https://room.example")
    assert RoomSettings().resolved_public_url() == "https://room.example"
    monkeypatch.setenv("PARLEY_PUBLIC_URL", "https://parley.example")
    assert RoomSettings().resolved_public_url() == "https://parley.example"
