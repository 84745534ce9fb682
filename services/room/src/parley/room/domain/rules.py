"""Limits and input rules of a Space (product spec §2-4)."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from parley.contracts import space_fields
from parley.contracts.space_fields import FieldProblem, has_control_characters
from parley.contracts.space_fields import is_valid_id as is_valid_id
from parley.room.domain.errors import InvalidInput

MAX_COHOSTS = 2
MAX_SPEAKERS = 10
MAX_PINS = 3
PIN_TEXT_MAX = 280
PIN_URL_MAX = 2000


# A Space's own fields follow the rules room shares with scheduling
# (``parley.contracts.space_fields``); a broken one is room's 422.


def check_title(title: str) -> str:
    try:
        return space_fields.check_title(title)
    except FieldProblem as problem:
        raise InvalidInput(problem.slug, problem.detail) from None


def check_description(description: str) -> str:
    try:
        return space_fields.check_description(description)
    except FieldProblem as problem:
        raise InvalidInput(problem.slug, problem.detail) from None


def check_topics(topics: Iterable[str]) -> tuple[str, ...]:
    try:
        return space_fields.check_topics(topics)
    except FieldProblem as problem:
        raise InvalidInput(problem.slug, problem.detail) from None


def check_pin_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if (
        len(url) > PIN_URL_MAX
        or parts.scheme not in ("http", "https")
        or not parts.netloc
        or has_control_characters(url)
        or any(char.isspace() for char in url)
    ):
        raise InvalidInput("invalid-url", "a pinned post is an http(s) URL")
    return url


def check_pin_text(text: str | None) -> str:
    text = (text or "").strip()
    if len(text) > PIN_TEXT_MAX:
        raise InvalidInput("invalid-pin-text", f"a pin's text is at most {PIN_TEXT_MAX} characters")
    return text
