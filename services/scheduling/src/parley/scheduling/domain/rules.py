"""The rules of a Space's fields (product spec §2, shared with room) and of a scheduled time
(§6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

# A Space's own fields follow the rules room and scheduling share (a broken one is a 422).
from parley.contracts.space_fields import check_description as check_description
from parley.contracts.space_fields import check_title as check_title
from parley.contracts.space_fields import check_topics as check_topics
from parley.contracts.space_fields import is_valid_id as is_valid_id
from parley.scheduling.domain.errors import InvalidInput


@dataclass(frozen=True)
class Limits:
    """What the operator configured (``PARLEY_SCHEDULING_*``)."""

    min_lead_s: float = 900
    max_ahead_days: float = 30
    max_upcoming: int = 10


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
