"""``clips``: every clip's state, window, audio and transcript (CLIPPING): what get_clip
answers, the clips of a Space when its recording is deleted, and the ready clips a caption
segment belongs to. Every CLIPPING event comes through (one filter for the context), so that
its position reaches the stream's last sequence (``parley.chassis.projections.CatchUp``)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table, insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from parley.chassis.event_store import StoredEvent
from parley.clipping.projections.tables import clips
from parley.contracts.events.clipping import (
    CONTEXT,
    ClipDeleted,
    ClipExpired,
    ClipFailed,
    ClipReady,
    ClipRequested,
    ClipTranscriptAttached,
)
from parley.contracts.subjects import context_filter


class ClipsProjection:
    name = "clipping_clips"
    filter_subjects: Sequence[str] = (context_filter(CONTEXT),)
    tables: Sequence[Table] = (clips,)

    async def apply(self, session: AsyncSession, event: StoredEvent) -> None:
        match event.event:
            case ClipRequested() as requested:
                await session.execute(
                    insert(clips).values(
                        clip_id=requested.clip_id,
                        space_id=requested.space_id,
                        state="pending",
                        source=requested.source,
                        start_s=requested.start_s,
                        window_start_ms=(
                            None if requested.start_s is None else round(requested.start_s * 1000)
                        ),
                        transcript="",
                        transcript_segments=[],
                        created_by=requested.by,
                        created_at=event.envelope.occurred_at,
                        seq=event.stream_seq,
                    )
                )
            case ClipReady() as ready:
                # A ClipReady from before window_start_ms leaves the request's (replay clips).
                start = ready.window_start_ms
                window = {} if start is None else {"window_start_ms": start}
                await _set(
                    session,
                    ready.clip_id,
                    state="ready",
                    object_name=ready.object_name,
                    duration_ms=ready.duration_ms,
                    bytes=ready.bytes,
                    expires_at=ready.expires_at,
                    **window,
                )
            case ClipFailed(clip_id=clip_id, reason=reason):
                await _set(session, clip_id, state="failed", failure=reason[:300])
            case ClipTranscriptAttached(clip_id=clip_id, text=text, segments=segments):
                # Each attachment lists the whole transcript so far: its list replaces the last.
                listed = [each.model_dump(mode="json") for each in segments]
                await _set(session, clip_id, transcript=text, transcript_segments=listed)
            case ClipExpired(clip_id=clip_id):
                await _set(session, clip_id, state="expired", object_name=None, bytes=None)
            case ClipDeleted(clip_id=clip_id):
                await _set(session, clip_id, state="deleted", object_name=None, bytes=None)


async def _set(session: AsyncSession, clip_id: str, **values: object) -> None:
    await session.execute(update(clips).where(clips.c.clip_id == clip_id).values(**values))
