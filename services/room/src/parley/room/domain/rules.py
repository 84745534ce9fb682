"""Limits and input rules of a Space (product spec §2-4)."""

from __future__ import annotations

from urllib.parse import urlsplit

# A Space's own fields follow the rules room and scheduling share (a broken one is a 422).
from parley.contracts.space_fields import check_description as check_description
from parley.contracts.space_fields import check_title as check_title
from parley.contracts.space_fields import check_topics as check_topics
from parley.contracts.space_fields import has_control_characters
from parley.contracts.space_fields import is_valid_id as is_valid_id
from parley.room.domain.errors import InvalidInput

MAX_COHOSTS = 2
MAX_SPEAKERS = 10
MAX_PINS = 3
PIN_TEXT_MAX = 280
PIN_URL_MAX = 2000


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
