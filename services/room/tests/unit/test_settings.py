"""Room's settings from the environment."""

from __future__ import annotations

import pytest

from parley.room.settings import RoomSettings

VARIABLES = ("PARLEY_PUBLIC_URL", "PARLEY_HTTP_PORT", "PARLEY_HOST_GRACE_S")


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
