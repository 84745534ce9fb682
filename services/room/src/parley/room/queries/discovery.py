"""``list_spaces``: live Spaces by trending, or upcoming scheduled ones (soonest first, with
how many are reminded and whether the caller is); filtered by topic, search text and "people I
follow"; never Spaces whose host blocked the caller.

Trending score of a live Space::

    score = listeners + weight * max(0, listeners - listeners `window` ago)

with weight 2 and a 5-minute window by default (settings). A Space that started within the
window grew from 0. Shrinking does not push a Space below its size. "listeners `window` ago" is
the count at the end of the last 10-second history bucket before that moment (see
``projections.participants``), so the score is exact to within 10 seconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, case, exists, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from parley.contracts.api.room import ListSpaces, SpacePage, SpaceSummary, StageMember
from parley.room.clock import utc
from parley.room.projections.catalog import topic_key
from parley.room.projections.participants import bucket_before
from parley.room.projections.tables import (
    blocks,
    catalog,
    catalog_stage,
    catalog_topics,
    follows,
    listener_history,
    presence,
    reminders,
    users,
)
from parley.room.views import share_url


@dataclass(frozen=True)
class Trending:
    """``score = listeners + growth_weight * max(0, growth over window_s)`` (settings)."""

    window_s: int = 300
    growth_weight: float = 2.0


_listeners = func.coalesce(presence.c.listener_count, 0)


def trending_score(now: datetime, trending: Trending) -> ColumnElement[float]:
    cutoff = bucket_before(now - timedelta(seconds=trending.window_s))
    earlier = (
        select(listener_history.c.listener_count)
        .where(
            listener_history.c.space_id == catalog.c.space_id,
            listener_history.c.bucket_at <= cutoff,
        )
        .order_by(listener_history.c.bucket_at.desc())
        .limit(1)
        .correlate(catalog)
        .scalar_subquery()
    )
    growth = _listeners - func.coalesce(earlier, 0)
    weight = float(trending.growth_weight)
    return _listeners + weight * case((growth > 0, growth), else_=0)


def _filtered(query: Select[Any], request: ListSpaces, actor: str | None) -> Select[Any]:
    if request.topic and request.topic.strip():
        query = query.where(
            exists().where(
                catalog_topics.c.space_id == catalog.c.space_id,
                catalog_topics.c.topic_key == topic_key(request.topic),
            )
        )
    if request.q and request.q.strip():
        query = query.where(
            catalog.c.search_text.contains(request.q.strip().lower(), autoescape=True)
        )
    if actor is not None:  # a host who blocked you: you could not join, so it is not shown
        query = query.where(
            ~exists().where(blocks.c.blocker_id == catalog.c.host_id, blocks.c.blocked_id == actor)
        )
    if request.following:  # the handler made sure there is an actor
        query = query.where(
            exists().where(
                catalog_stage.c.space_id == catalog.c.space_id,
                follows.c.followee_id == catalog_stage.c.user_id,
                follows.c.follower_id == actor,
            )
        )
    return query


async def list_spaces(
    session: AsyncSession,
    request: ListSpaces,
    actor: str | None,
    *,
    now: datetime,
    trending: Trending,
    public_url: str,
) -> SpacePage:
    score = trending_score(now, trending) if request.state == "live" else literal(0.0)
    reminder_count, reminded = _reminders(request, actor)
    query = (
        select(
            catalog,
            _listeners.label("listener_count"),
            users.c.handle.label("host_handle"),
            users.c.display_name.label("host_display_name"),
            score.label("trending_score"),
            reminder_count.label("reminder_count"),
            reminded.label("reminded"),
        )
        .select_from(
            catalog.outerjoin(presence, presence.c.space_id == catalog.c.space_id).outerjoin(
                users, users.c.user_id == catalog.c.host_id
            )
        )
        .where(catalog.c.state == request.state)
        .limit(request.limit)
    )
    query = _filtered(query, request, actor)
    if request.state == "live":
        query = query.order_by(score.desc(), catalog.c.started_at.desc(), catalog.c.space_id)
    else:
        query = query.order_by(catalog.c.scheduled_start, catalog.c.space_id)
    rows = (await session.execute(query)).mappings().all()
    return SpacePage(items=[_summary(row, public_url) for row in rows])


def _reminders(
    request: ListSpaces, actor: str | None
) -> tuple[ColumnElement[int], ColumnElement[bool]]:
    """How many are reminded of each upcoming Space, and whether the caller is (scheduling's
    reminders, room's read model of them); live Spaces show none."""
    if request.state != "scheduled":
        return literal(0), literal(False)
    count = (
        select(func.count())
        .select_from(reminders)
        .where(reminders.c.space_id == catalog.c.space_id)
        .correlate(catalog)
        .scalar_subquery()
    )
    if actor is None:
        return count, literal(False)
    mine = exists().where(reminders.c.space_id == catalog.c.space_id, reminders.c.user_id == actor)
    return count, mine


def _summary(row: Mapping[Any, Any], public_url: str) -> SpaceSummary:
    return SpaceSummary(
        id=row["space_id"],
        title=row["title"],
        topics=list(row["topics"] or []),
        state=row["state"],
        host=StageMember(
            user_id=row["host_id"],
            handle=row["host_handle"] or "",
            display_name=row["host_display_name"] or "",
        ),
        listener_count=int(row["listener_count"]),
        speaker_count=int(row["speaker_count"]),
        scheduled_start=_maybe_utc(row["scheduled_start"]),
        started_at=_maybe_utc(row["started_at"]),
        share_url=share_url(public_url, row["space_id"]),
        trending_score=float(row["trending_score"] or 0),
        reminder_count=int(row["reminder_count"] or 0),
        reminded=bool(row["reminded"]),
    )


def _maybe_utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else utc(moment)
