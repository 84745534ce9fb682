"""Account rules of product spec §1 (handle, display name, password, bio, user ids)."""

from __future__ import annotations

import pytest

from parley.identity.domain.errors import InvalidInput
from parley.identity.domain.rules import (
    check_bio,
    check_display_name,
    check_handle,
    check_password,
    is_valid_handle,
    user_id_for,
)


@pytest.mark.parametrize("handle", ["abc", "a" * 15, "Under_Score", "x_1", "___", "ABC123"])
def test_valid_handles(handle: str) -> None:
    assert check_handle(handle) == handle


@pytest.mark.parametrize(
    "handle",
    [
        "ab",  # 2: too short
        "a" * 16,  # 16: too long
        "",
        "with space",
        "dot.ted",
        "dash-ed",
        "émile",  # letters outside ASCII
        "\uff46\uff55\uff4c\uff4c",  # full-width letters are \w but not [A-Za-z]
        "abc\n",  # a trailing newline must not slip past the pattern
        "name>",
        "a*b",
    ],
)
def test_invalid_handles(handle: str) -> None:
    assert not is_valid_handle(handle)
    with pytest.raises(InvalidInput) as refused:
        check_handle(handle)
    assert refused.value.slug == "invalid-handle"


def test_user_id_ignores_case_and_differs_per_handle() -> None:
    assert user_id_for("Alice") == user_id_for("alice") == user_id_for("ALICE")
    assert user_id_for("alice") != user_id_for("alice_")
    assert user_id_for("alice").startswith("usr_")
    assert len(user_id_for("alice")) == len("usr_") + 20


@pytest.mark.parametrize(
    ("raw", "kept"), [("A", "A"), ("x" * 50, "x" * 50), ("  Ada  ", "Ada"), ("Zoë 🎙", "Zoë 🎙")]
)
def test_display_names_are_stripped_and_kept(raw: str, kept: str) -> None:
    assert check_display_name(raw) == kept


@pytest.mark.parametrize("raw", ["", "   ", "x" * 51, "bell\x07", "two\nlines"])
def test_invalid_display_names(raw: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_display_name(raw)
    assert refused.value.slug == "invalid-display-name"


def test_password_needs_eight_characters() -> None:
    assert check_password("x" * 8) == "x" * 8
    with pytest.raises(InvalidInput) as refused:
        check_password("x" * 7)
    assert refused.value.slug == "password-too-short"


def test_bio_is_stripped_and_at_most_160_characters() -> None:
    assert check_bio("  hello \n") == "hello"
    assert check_bio("b" * 160) == "b" * 160
    assert check_bio("") == ""
    with pytest.raises(InvalidInput) as refused:
        check_bio("b" * 161)
    assert refused.value.slug == "bio-too-long"
