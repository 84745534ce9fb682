"""What the host's analytics count of a Space after it: ``room_replay_plays`` (recording's
``RecordingPlayed``, each a counted play of its recording) and ``room_clips`` (clipping's
``ClipReady``, each a clip made of it). One projection per stream, as each follows its own
stream's position. Plays and clips stay counted when the recording or a clip is deleted or
expires: they happened."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from parley.chassis.event_store import StoredEvent
from parley.contracts.events import clipping, recording
from parley.contracts.subjects import event_type_filter
from parley.room.projections.tables import replay_plays, space_clips
from parley.room.projections.upserts import add_to_counter, insert_ignoring_existing


class ReplayPlaysProjection:
    name = "room_replay_plays"
    filter_subjects: Sequence[str] = (
        event_type_filter(recording.CONTEXT, recording.RecordingPlayed.event_type()),
    )
    tables: Sequence[Table] = (replay_plays,)

    async def apply(self, session: AsyncSession, event: StoredEvent) -> None:
        if isinstance(event.event, recording.RecordingPlayed):
            key = {"space_id": event.event.space_id}
            await add_to_counter(session, replay_plays, key, "plays", 1)


class ClipsProjection:
    name = "room_clips"
    filter_subjects: Sequence[str] = (
        event_type_filter(clipping.CONTEXT, clipping.ClipReady.event_type()),
    )
    tables: Sequence[Table] = (space_clips,)

    async def apply(self, session: AsyncSession, event: StoredEvent) -> None:
        if isinstance(event.event, clipping.ClipReady):
            row = {"space_id": event.event.space_id, "clip_id": event.event.clip_id}
            await insert_ignoring_existing(session, space_clips, [row])
