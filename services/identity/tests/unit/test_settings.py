"""Identity settings from the environment."""

from __future__ import annotations

import pytest

from parley.identity.settings import IdentitySettings


def test_moderator_handles_from_the_environment_are_case_folded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PARLEY_MODERATOR_HANDLES", " Alice,bob_2 ,,")
    assert IdentitySettings().moderator_handles == frozenset({"alice", "bob_2"})


def test_no_moderators_by_default_and_a_memory_hard_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARLEY_MODERATOR_HANDLES", raising=False)
    settings = IdentitySettings()
    assert settings.moderator_handles == frozenset()
    assert settings.service_name == "identity"
    assert settings.hashing_cost().memory_kib == 64 * 1024


def test_argon2_cost_can_be_lowered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_ARGON2_MEMORY_KIB", "1024")
    monkeypatch.setenv("PARLEY_ARGON2_TIME_COST", "1")
    cost = IdentitySettings().hashing_cost()
    assert (cost.memory_kib, cost.time_cost) == (1024, 1)


def test_started_with_chassis_settings_identity_keeps_them_and_reads_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from parley.chassis.settings import ServiceSettings, own_settings

    monkeypatch.setenv("PARLEY_MODERATOR_HANDLES", "boss")
    shared = ServiceSettings(service_name="identity", nats_url="nats://10.0.0.1:4222")
    settings = own_settings(shared, IdentitySettings)
    assert isinstance(settings, IdentitySettings)
    assert settings.nats_url == "nats://10.0.0.1:4222"
    assert settings.moderator_handles == frozenset({"boss"})
