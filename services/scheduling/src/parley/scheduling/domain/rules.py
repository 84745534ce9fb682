"""The rules of a Space's fields (product spec §2, the same as room's ``createSpace``) and of a
scheduled time (§6)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from parley.scheduling.domain.errors import InvalidInput

TITLE_MAX = 70
DESCRIPTION_MAX = 280
MAX_TOPICS = 3
TOPIC_MAX = 30

# Ids become NATS subject tokens (``scheduling.<space_id>~<user_id>.…``, timer ids).
_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


@dataclass(frozen=True)
class Limits:
    """What the operator configured (``PARLEY_SCHEDULING_*``)."""

    min_lead_s: float = 900
    max_ahead_days: float = 30
    max_upcoming: int = 10


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


def as_utc(moment: datetime) -> datetime:
    """A time without a zone is taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def check_start(start: datetime, now: datetime, limits: Limits) -> datetime:
    """At least ``min_lead_s`` and at most ``max_ahead_days`` after ``now``."""
    start = as_utc(start)
    if start < now + timedelta(seconds=limits.min_lead_s):
        raise InvalidInput(
            "start-too-soon",
            f"a Space is scheduled at least {limits.min_lead_s / 60:g} minutes ahead",
        )
    if start > now + timedelta(days=limits.max_ahead_days):
        raise InvalidInput(
            "start-too-far", f"a Space is scheduled at most {limits.max_ahead_days:g} days ahead"
        )
    return start
