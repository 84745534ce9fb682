"""Time as room stores it: aware UTC datetimes (SQLite hands them back naive)."""

from __future__ import annotations

from datetime import UTC, datetime


def utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


def epoch(moment: datetime) -> float:
    return utc(moment).timestamp()
