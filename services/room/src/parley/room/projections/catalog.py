"""``room_catalog``: every Space as discovery shows it (state, title, topics, host, who is on
stage now) and everyone who was ever on its stage (analytics).

The stage is folded from SpaceCreated (the host), SpeakerPromoted, CohostAdded,
MovedToAudience and ParticipantRemoved; the host's seat never leaves it. (A stage member who
leaves the Space gets a MovedToAudience from the write side, so the listener traffic —
ListenerJoined/ParticipantLeft — is not read here.)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from parley.chassis.event_store import StoredEvent
from parley.contracts.events.room import (
    CohostAdded,
    MovedToAudience,
    ParticipantRemoved,
    SpaceCanceled,
    SpaceCreated,
    SpaceEnded,
    SpaceStarted,
    SpaceUpdated,
    SpeakerPromoted,
)
from parley.room.clock import utc
from parley.room.projections.subjects import room_events
from parley.room.projections.tables import catalog, catalog_stage, catalog_topics, space_speakers
from parley.room.projections.upserts import insert_ignoring_existing, put

_SEPARATOR = "\x1f"  # between title and topics in search_text: no query spans two of them


def topic_key(topic: str) -> str:
    return topic.strip().lower()


def search_text(title: str, topics: Sequence[str]) -> str:
    return _SEPARATOR.join([title, *topics]).lower()


class CatalogProjection:
    name = "room_catalog"
    filter_subjects: Sequence[str] = room_events(
        SpaceCreated,
        SpaceStarted,
        SpaceUpdated,
        SpaceEnded,
        SpaceCanceled,
        SpeakerPromoted,
        CohostAdded,
        MovedToAudience,
        ParticipantRemoved,
    )
    tables: Sequence[Table] = (catalog, catalog_topics, catalog_stage, space_speakers)

    async def apply(self, session: AsyncSession, event: StoredEvent) -> None:
        at = utc(event.envelope.occurred_at)
        match event.event:
            case SpaceCreated() as created:
                await _created(session, created, at)
            case SpaceStarted(space_id=space_id, host_id=host_id, started_at=started_at):
                await _set(session, space_id, state="live", started_at=utc(started_at or at))
                await put(session, catalog_stage, _seat(space_id, host_id), {"role": "host"})
            case SpaceUpdated() as updated:
                await _updated(session, updated)
            case SpaceEnded(space_id=space_id, ended_at=ended_at):
                await _set(session, space_id, state="ended", ended_at=utc(ended_at or at))
            case SpaceCanceled(space_id=space_id):
                await _set(session, space_id, state="canceled")
            case SpeakerPromoted(space_id=space_id, user_id=user_id):
                await _on_stage(session, space_id, user_id, "speaker", at)
            case CohostAdded(space_id=space_id, user_id=user_id):
                await _on_stage(session, space_id, user_id, "cohost", at)
            case (
                MovedToAudience(space_id=space_id, user_id=user_id)
                | ParticipantRemoved(space_id=space_id, user_id=user_id)
            ):
                await _off_stage(session, space_id, user_id)
            case _:
                pass


async def _created(session: AsyncSession, created: SpaceCreated, at: datetime) -> None:
    scheduled = (
        utc(datetime.fromisoformat(created.scheduled_start)) if created.scheduled_start else None
    )
    await put(
        session,
        catalog,
        {"space_id": created.space_id},
        {
            "state": "scheduled" if scheduled else "created",
            "title": created.title,
            "description": created.description,
            "topics": list(created.topics),
            "search_text": search_text(created.title, created.topics),
            "host_id": created.host_id,
            "speaker_count": 0,
            "created_at": at,
            "scheduled_start": scheduled,
        },
    )
    await _set_topics(session, created.space_id, created.topics)
    await put(session, catalog_stage, _seat(created.space_id, created.host_id), {"role": "host"})


async def _updated(session: AsyncSession, updated: SpaceUpdated) -> None:
    row = (
        await session.execute(
            select(catalog.c.title, catalog.c.topics).where(catalog.c.space_id == updated.space_id)
        )
    ).first()
    if row is None:
        return
    title = updated.title if updated.title is not None else str(row.title)
    topics = list(updated.topics) if updated.topics is not None else list(row.topics)
    changes: dict[str, object] = {"title": title, "topics": topics}
    changes["search_text"] = search_text(title, topics)
    if updated.description is not None:
        changes["description"] = updated.description
    if updated.scheduled_start is not None:
        changes["scheduled_start"] = utc(updated.scheduled_start)
    await _set(session, updated.space_id, **changes)
    if updated.topics is not None:
        await _set_topics(session, updated.space_id, topics)


async def _set(session: AsyncSession, space_id: str, **values: object) -> None:
    await session.execute(update(catalog).where(catalog.c.space_id == space_id).values(**values))


async def _set_topics(session: AsyncSession, space_id: str, topics: Sequence[str]) -> None:
    await session.execute(delete(catalog_topics).where(catalog_topics.c.space_id == space_id))
    keys = sorted({topic_key(topic) for topic in topics if topic.strip()})
    if keys:
        await session.execute(
            insert(catalog_topics), [{"space_id": space_id, "topic_key": key} for key in keys]
        )


def _seat(space_id: str, user_id: str) -> dict[str, str]:
    return {"space_id": space_id, "user_id": user_id}


async def _on_stage(
    session: AsyncSession, space_id: str, user_id: str, role: str, at: datetime
) -> None:
    if await _role(session, space_id, user_id) == "host":
        return
    await put(session, catalog_stage, _seat(space_id, user_id), {"role": role})
    await insert_ignoring_existing(
        session, space_speakers, [{**_seat(space_id, user_id), "first_on_stage_at": at}]
    )
    await _count_speakers(session, space_id)


async def _off_stage(session: AsyncSession, space_id: str, user_id: str) -> None:
    role = await _role(session, space_id, user_id)
    if role is None or role == "host":
        return
    await session.execute(
        delete(catalog_stage).where(
            catalog_stage.c.space_id == space_id, catalog_stage.c.user_id == user_id
        )
    )
    await _count_speakers(session, space_id)


async def _role(session: AsyncSession, space_id: str, user_id: str) -> str | None:
    role = await session.scalar(
        select(catalog_stage.c.role).where(
            catalog_stage.c.space_id == space_id, catalog_stage.c.user_id == user_id
        )
    )
    return None if role is None else str(role)


async def _count_speakers(session: AsyncSession, space_id: str) -> None:
    count = select(func.count()).where(
        catalog_stage.c.space_id == space_id, catalog_stage.c.role != "host"
    )
    await _set(session, space_id, speaker_count=count.scalar_subquery())
