"""Session facts as events in the ``MEDIA`` stream (one aggregate per media session)."""

from __future__ import annotations

from parley.chassis.event_store import EventMetadata, EventStore
from parley.chassis.logs import get_logger
from parley.contracts.events.media import (
    CloseReason,
    MediaPublishRejected,
    MediaSessionClosed,
    MediaSessionOpened,
)
from parley.contracts.registry import DomainEvent
from parley.media_relay.engine.session import MediaSession
from parley.media_relay.engine.worker import SessionJournal

log = get_logger(__name__)


def _about(session: MediaSession) -> dict[str, str]:
    """The fields every media event carries."""
    return {
        "session_id": session.session_id,
        "space_id": session.space_id,
        "user_id": session.user_id,
    }


class EventStoreJournal(SessionJournal):
    def __init__(self, store: EventStore) -> None:
        self._store = store
        self._versions: dict[str, int] = {}

    async def opened(self, session: MediaSession, worker_id: str) -> None:
        await self._append(
            session,
            MediaSessionOpened(
                **_about(session),
                worker_id=worker_id,
                can_publish=session.uplink,
            ),
        )

    async def closed(self, session: MediaSession, reason: CloseReason) -> None:
        await self._append(
            session,
            MediaSessionClosed(
                **_about(session),
                reason=reason,
                duration_s=session.duration_s(),
            ),
        )
        self._versions.pop(session.session_id, None)

    async def publish_rejected(self, session: MediaSession) -> None:
        await self._append(
            session,
            MediaPublishRejected(
                **_about(session),
                reason="not_on_stage",
            ),
        )

    async def _append(self, session: MediaSession, event: DomainEvent) -> None:
        version = self._versions.get(session.session_id, 0)
        try:
            self._versions[session.session_id] = await self._store.append(
                session.session_id,
                [event],
                expected_version=version,
                metadata=EventMetadata(correlation_id=session.session_id, actor=session.user_id),
            )
        except Exception:  # the media path must not fail because the journal did
            log.exception("media.journal_failed", session=session.session_id)
