"""The rules of a Space's fields (product spec §2, shared with room) and of a scheduled time
(§6)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from parley.contracts import space_fields
from parley.contracts.space_fields import FieldProblem
from parley.contracts.space_fields import is_valid_id as is_valid_id
from parley.scheduling.domain.errors import InvalidInput


@dataclass(frozen=True)
class Limits:
    """What the operator configured (``PARLEY_SCHEDULING_*``)."""

    min_lead_s: float = 900
    max_ahead_days: float = 30
    max_upcoming: int = 10


# A Space's own fields follow the rules scheduling shares with room
# (``parley.contracts.space_fields``); a broken one is scheduling's 422.


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
