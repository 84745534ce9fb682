"""Limits and input rules of a Space (product spec §2-4)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import urlsplit

from parley.room.domain.errors import InvalidInput

MAX_COHOSTS = 2
MAX_SPEAKERS = 10
MAX_PINS = 3
TITLE_MAX = 70
DESCRIPTION_MAX = 280
MAX_TOPICS = 3
TOPIC_MAX = 30
PIN_TEXT_MAX = 280
PIN_URL_MAX = 2000

# Ids become NATS subject tokens (``room.<space_id>~<user_id>.…``): keep them to a safe alphabet.
_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


def is_valid_id(value: str) -> bool:
    return bool(_ID.match(value))


def _has_control_characters(text: str) -> bool:
    return any(unicodedata.category(char) == "Cc" for char in text)


def check_title(title: str) -> str:
    title = title.strip()
    if not 1 <= len(title) <= TITLE_MAX or _has_control_characters(title):
        raise InvalidInput(
            "invalid-title", f"a title is 1-{TITLE_MAX} characters without control characters"
        )
    return title


def check_description(description: str) -> str:
    description = description.strip()
    if len(description) > DESCRIPTION_MAX:
        raise InvalidInput(
            "invalid-description", f"a description is at most {DESCRIPTION_MAX} characters"
        )
    return description


def check_topics(topics: Iterable[str]) -> tuple[str, ...]:
    """Topics are compared lowercase and stripped; repeats count once."""
    normalised: list[str] = []
    for topic in topics:
        clean = topic.strip().lower()
        if not 1 <= len(clean) <= TOPIC_MAX or _has_control_characters(clean):
            raise InvalidInput("invalid-topics", f"a topic is 1-{TOPIC_MAX} characters")
        if clean not in normalised:
            normalised.append(clean)
    if len(normalised) > MAX_TOPICS:
        raise InvalidInput("invalid-topics", f"a Space has at most {MAX_TOPICS} topics")
    return tuple(normalised)


def check_pin_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if (
        len(url) > PIN_URL_MAX
        or parts.scheme not in ("http", "https")
        or not parts.netloc
        or _has_control_characters(url)
        or any(char.isspace() for char in url)
    ):
        raise InvalidInput("invalid-url", "a pinned post is an http(s) URL")
    return url


def check_pin_text(text: str | None) -> str:
    text = (text or "").strip()
    if len(text) > PIN_TEXT_MAX:
        raise InvalidInput("invalid-pin-text", f"a pin's text is at most {PIN_TEXT_MAX} characters")
    return text
