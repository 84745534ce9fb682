"""What relay workers say to each other and to clients, on core NATS through the broker.

Every worker hears every message here (no queue group): each keeps its own view of the other
workers (placement), of who is speaking anywhere (``qry.media.active_speakers`` may reach any
worker) and hangs up its own sessions. Never stored: a worker that missed something is
corrected by the next heartbeat, speaking change or negotiation.

- ``media.workers``: :class:`WorkerHeartbeat` of every worker, about once a second, and a
  goodbye (``leaving``) when one stops;
- ``media.hangup``: :class:`HangUp`, hang up this user wherever they are connected;
- ``media.session_opened``: :class:`SessionOpened`, a newer session replaces the user's older
  one on any worker;
- ``media.speaking.<space_id>``: :class:`Speaking`, who is speaking now (worker to worker);
- ``live.space.<space_id>`` type ``speaking``: the same for clients, through the gateway.

The 20 ms audio feeds are not here: see :mod:`parley.media_relay.adapters.feeds`.
"""

from __future__ import annotations

from faststream import Path
from faststream.nats import NatsRouter
from pydantic import BaseModel, Field

from parley.contracts.live import LiveMessage, space_subject
from parley.contracts.media import WORKERS_SUBJECT, WorkerHeartbeat
from parley.contracts.subjects import check_token
from parley.media_relay.engine.worker import RelayWorker, WorkerLink

HANGUP_SUBJECT = "media.hangup"
SESSION_OPENED_SUBJECT = "media.session_opened"
SPEAKING_SUBJECT = "media.speaking.{space_id}"
LIVE_SPACE_SUBJECT = "live.space.{space_id}"


def speaking_subject(space_id: str) -> str:
    return SPEAKING_SUBJECT.format(space_id=check_token(space_id))


class HangUp(BaseModel):
    space_id: str
    user_id: str = Field(description="Hung up on whichever worker serves them (reason hung_up)")


class SessionOpened(BaseModel):
    space_id: str
    user_id: str
    session_id: str = Field(description="The user's newest session: any older one is closed")


class Speaking(BaseModel):
    user_ids: list[str] = Field(description="Speaking now, loudest first")
    levels: dict[str, float] = Field(default_factory=dict, description="Their levels in dBov")


class WorkerPublishers(WorkerLink):
    """The worker's :class:`WorkerLink`: FastStream publishers declared on ``router``."""

    def __init__(self, router: NatsRouter) -> None:
        self._beats = router.publisher(
            WORKERS_SUBJECT,
            schema=WorkerHeartbeat,
            title=f"{WORKERS_SUBJECT}:publish",
            description="This worker's load, about once a second; leaving when it stops",
        )
        self._hang_ups = router.publisher(
            HANGUP_SUBJECT,
            schema=HangUp,
            title=f"{HANGUP_SUBJECT}:publish",
            description="closeMediaSession: every worker hangs up the user if it serves them",
        )
        self._opened = router.publisher(
            SESSION_OPENED_SUBJECT,
            schema=SessionOpened,
            title=f"{SESSION_OPENED_SUBJECT}:publish",
            description="A new session: other workers close the user's older one",
        )
        self._speaking = router.publisher(
            SPEAKING_SUBJECT,
            schema=Speaking,
            title=f"{SPEAKING_SUBJECT}:publish",
            description="Who is speaking in a Space now, for the other workers",
        )
        self._live = router.publisher(
            LIVE_SPACE_SUBJECT,
            schema=LiveMessage,
            title=f"{LIVE_SPACE_SUBJECT}:speaking",
            description="type speaking, data {user_ids, levels}: for clients, via the gateway",
        )

    async def announce(self, beat: WorkerHeartbeat) -> None:
        await self._beats.publish(beat)

    async def session_opened(self, space_id: str, user_id: str, session_id: str) -> None:
        opened = SessionOpened(space_id=space_id, user_id=user_id, session_id=session_id)
        await self._opened.publish(opened)

    async def hang_up_everywhere(self, space_id: str, user_id: str) -> None:
        await self._hang_ups.publish(HangUp(space_id=space_id, user_id=user_id))

    async def speaking(
        self, space_id: str, user_ids: tuple[str, ...], levels: dict[str, float]
    ) -> None:
        speaking = Speaking(user_ids=list(user_ids), levels=levels)
        live = LiveMessage(type="speaking", space_id=space_id, data=speaking.model_dump())
        await self._live.publish(live, subject=space_subject(space_id))
        await self._speaking.publish(speaking, subject=speaking_subject(space_id))


def subscribe_worker_messages(router: NatsRouter, worker: RelayWorker) -> None:
    """``worker`` hears the other workers (and itself: it ignores its own heartbeats)."""

    @router.subscriber(WORKERS_SUBJECT, title=f"{WORKERS_SUBJECT}:subscribe")
    async def on_heartbeat(beat: WorkerHeartbeat) -> None:
        worker.heard_from(beat)

    @router.subscriber(HANGUP_SUBJECT, title=f"{HANGUP_SUBJECT}:subscribe")
    async def on_hang_up(hang_up: HangUp) -> None:
        await worker.hang_up(hang_up.space_id, hang_up.user_id, "hung_up")

    @router.subscriber(SESSION_OPENED_SUBJECT, title=f"{SESSION_OPENED_SUBJECT}:subscribe")
    async def on_session_opened(opened: SessionOpened) -> None:
        await worker.superseded(opened.space_id, opened.user_id, opened.session_id)

    @router.subscriber(SPEAKING_SUBJECT, title=f"{SPEAKING_SUBJECT}:subscribe")
    async def on_speaking(speaking: Speaking, space_id: str = Path()) -> None:
        worker.heard_speaking(space_id, tuple(speaking.user_ids))
