"""A token's signature is checked once and its claims reused until it expires; a suspension
and an expiry still refuse a remembered token."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from parley.chassis.tokens import TokenSigner, TokenVerifier, generate_key_pair
from parley.gateway.auth import Authenticator
from parley.gateway.problems import Problem
from parley.gateway.suspensions import SuspendedUsers


class CountingVerifier(TokenVerifier):
    def __init__(self, public_key_pem: bytes) -> None:
        super().__init__(public_key_pem)
        self.verified = 0

    def verify(self, token: str) -> Any:
        self.verified += 1
        return super().verify(token)


def bearer(token: str) -> Any:
    return SimpleNamespace(headers={"authorization": f"Bearer {token}"}, cookies={})


@pytest.fixture
def keys(tmp_path: Path) -> tuple[TokenSigner, CountingVerifier]:
    private, public = generate_key_pair(tmp_path)
    return TokenSigner(private.read_bytes(), ttl_s=60), CountingVerifier(public.read_bytes())


def test_a_token_is_verified_once_then_remembered(keys) -> None:  # type: ignore[no-untyped-def]
    signer, verifier = keys
    authenticator = Authenticator(verifier, SuspendedUsers())
    token = signer.issue("usr_1", "ada")

    callers = [authenticator.authenticate(bearer(token)) for _ in range(5)]

    assert {caller.user_id for caller in callers if caller} == {"usr_1"}
    assert verifier.verified == 1


def test_a_remembered_token_is_refused_once_the_account_is_suspended(keys) -> None:  # type: ignore[no-untyped-def]
    signer, verifier = keys
    suspended = SuspendedUsers()
    authenticator = Authenticator(verifier, suspended)
    token = signer.issue("usr_1", "ada")
    authenticator.authenticate(bearer(token))

    suspended.replace_all(["usr_1"])

    with pytest.raises(Problem) as refused:
        authenticator.authenticate(bearer(token))
    assert refused.value.slug == "account-suspended"


def test_a_remembered_token_is_verified_again_once_expired(keys) -> None:  # type: ignore[no-untyped-def]
    signer, verifier = keys
    now = [0.0]
    authenticator = Authenticator(verifier, SuspendedUsers(), clock=lambda: now[0])
    token = signer.issue("usr_1", "ada")
    authenticator.authenticate(bearer(token))  # remembered (the clock says long before expiry)

    now[0] = 10**12  # past its expiry: not taken from memory, but checked again (the check
    verifier_calls = verifier.verified  # itself uses the real clock, so it passes here)
    assert authenticator.authenticate(bearer(token)) is not None
    assert verifier.verified == verifier_calls + 1


def test_a_bad_token_is_refused_every_time(keys) -> None:  # type: ignore[no-untyped-def]
    _, verifier = keys
    authenticator = Authenticator(verifier, SuspendedUsers())
    for _ in range(2):
        with pytest.raises(Problem) as refused:
            authenticator.authenticate(bearer("not.a.token"))
        assert refused.value.status == 401
    assert verifier.verified == 2
