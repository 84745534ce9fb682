"""A relay worker: every media session and Space this process serves.

Several workers (processes, nodes) serve one deployment. Each announces its load to the others
(:class:`WorkerLink`); placement (pure, :mod:`parley.media_relay.domain.placement`) says which
worker serves whom, so a Space is mixed by exactly one origin and its overflow of listeners is
served by edges fed with the program over NATS (:class:`~parley.media_relay.adapters.feeds.Feeds`).

The worker is an engine, not an aggregate: its state is live connections, clocks and the
roles it enforces, nothing it stores or decides commands on. It never touches NATS itself
(except through :class:`~parley.media_relay.adapters.feeds.Feeds`, the audio hot path): what
it says goes through its :class:`WorkerLink` (FastStream publishers in
``entrypoints/workers.py``), what it hears is handed to it by FastStream subscribers
(``heard_from``, ``hang_up``, ``superseded``, ``heard_speaking``, ``adopt_roles``,
``room_event``).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, Protocol
from uuid import uuid4

from parley.chassis.errors import ServiceUnavailable
from parley.chassis.logs import get_logger
from parley.contracts.api.media import MediaAnswer
from parley.contracts.events.media import CloseReason
from parley.contracts.media import WorkerHeartbeat
from parley.contracts.registry import DomainEvent
from parley.media_relay.adapters.feeds import Feeds, ProgramPacket, Unfollow
from parley.media_relay.adapters.peers import answer_offer
from parley.media_relay.adapters.uplink import OpusUplink
from parley.media_relay.domain.placement import WorkerLoad, origin_of, place
from parley.media_relay.domain.roles import (
    Admission,
    MediaRefused,
    NotJoined,
    SpaceRoles,
    admit,
    behind_room,
    evolve,
)
from parley.media_relay.engine.session import MediaSession, UplinkBuffer
from parley.media_relay.engine.space import SpaceMedia

log = get_logger(__name__)

WORKER_EXPIRY_HEARTBEATS = 3.5
CATCH_UP_S = 3.0  # longest wait for this worker's projection to see what room already did
CATCH_UP_POLL_S = 0.05
JOINED_ROLES = ("host", "cohost", "speaker", "listener")  # room's roles of someone in the Space


class PlacedElsewhere(Exception):
    """This worker is not the one placement chose: forward the negotiation there."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(worker_id)
        self.worker_id = worker_id


class SessionJournal:
    """Where session facts go (the MEDIA event stream in production)."""

    async def opened(self, session: MediaSession, worker_id: str) -> None: ...

    async def closed(self, session: MediaSession, reason: CloseReason) -> None: ...

    async def publish_rejected(self, session: MediaSession) -> None: ...


class WorkerLink(Protocol):
    """What a worker tells the other workers and the rest of the suite."""

    async def announce(self, beat: WorkerHeartbeat) -> None:
        """This worker's load (or that it is leaving), to every worker."""

    async def session_opened(self, space_id: str, user_id: str, session_id: str) -> None:
        """A newer session of ``user_id``: any other worker serving them hangs up its own."""

    async def hang_up_everywhere(self, space_id: str, user_id: str) -> None:
        """Hang up ``user_id`` in ``space_id`` on whichever worker serves them."""

    async def speaking(
        self, space_id: str, user_ids: tuple[str, ...], levels: dict[str, float]
    ) -> None:
        """Who is speaking in ``space_id`` now, to clients and to every worker."""


class RoomView(Protocol):
    """Room's own answer for one user: (phase, role), or None when room does not answer.
    Whether a listener has joined comes from here (room owns memberships)."""

    async def my_role(self, space_id: str, user_id: str) -> tuple[str, str] | None: ...


class NoRoomView:
    async def my_role(self, space_id: str, user_id: str) -> tuple[str, str] | None:
        return None


class RolesSource(Protocol):
    """Reads of this worker's projection of room's roles events (who is on stage, muted,
    removed; the Space's phase). Who has joined is room's to say (:class:`RoomView`): the
    relay does not copy every join and leave of every Space."""

    async def roles(self, space_id: str) -> SpaceRoles: ...

    async def roles_at(self, space_id: str) -> tuple[SpaceRoles, int]:
        """The roles, and the stream sequence of room's events they include (one snapshot)."""
        ...


@dataclass
class WorkerConfig:
    worker_id: str
    capacity: int = 300
    bitrate: int = 32_000
    heartbeat_s: float = 1.0


@dataclass(frozen=True)
class _Known:
    roles: SpaceRoles
    as_of: int  # the stream sequence of room's events folded into ``roles``


@dataclass
class _Heard:
    at: float
    load: WorkerLoad


@dataclass
class RelayWorker:
    link: WorkerLink
    feeds: Feeds
    config: WorkerConfig
    source: RolesSource
    journal: SessionJournal = field(default_factory=SessionJournal)
    room: RoomView = field(default_factory=NoRoomView)
    spaces: dict[str, SpaceMedia] = field(default_factory=dict)
    _roles: dict[str, _Known] = field(default_factory=dict)
    _workers: dict[str, _Heard] = field(default_factory=dict)
    _speaking: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _program_feeds: dict[str, Unfollow] = field(default_factory=dict)
    _tasks: set[asyncio.Task[object]] = field(default_factory=set)
    _heartbeat: asyncio.Task[None] | None = None
    _stopping: bool = False

    @property
    def worker_id(self) -> str:
        return self.config.worker_id

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        """Announce this worker (its subscribers and routes are already serving, so it can
        answer what placement sends here) and keep announcing it."""
        await self._announce()
        self._heartbeat = asyncio.create_task(self._beat())

    async def stop(self) -> None:
        self._stopping = True  # from here on, heard beats get no answer: we are leaving
        if self._heartbeat is not None:
            self._heartbeat.cancel()
        with contextlib.suppress(Exception):
            await self._announce(leaving=True)  # others stop placing anyone here at once
        for unfollow in self._program_feeds.values():
            with contextlib.suppress(Exception):
                await unfollow()
        self._program_feeds.clear()
        for space_id in list(self.spaces):
            for user_id in list(self.spaces[space_id].sessions):
                await self.hang_up(space_id, user_id, "shutdown")
        # A session already being hung up elsewhere (its connection just dropped) is no longer
        # in ``sessions``, so its Space was not forgotten above: its clock must not outlive us.
        for space in list(self.spaces.values()):
            await space.stop()
        with contextlib.suppress(Exception):
            await self.feeds.drain()  # the recorded packets sent last are stored (ADR 21)
        for task in list(self._tasks):
            task.cancel()

    # -- negotiation ------------------------------------------------------------------------

    async def negotiate(
        self, space_id: str, user_id: str, offer_sdp: str, *, placed: bool = False
    ) -> MediaAnswer:
        """Open (or replace) ``user_id``'s session in ``space_id``. Raises the domain's
        refusals, or :class:`PlacedElsewhere` when another worker should take it."""
        admission = await self._admit(space_id, user_id)
        loads = self.loads()
        if not placed:
            target = place(space_id, user_id, on_stage=admission.uplink, workers=loads)
            if target != self.worker_id:
                raise PlacedElsewhere(target)
        is_origin = origin_of(space_id, loads) == self.worker_id or admission.uplink
        buffer = UplinkBuffer()
        uplink = OpusUplink(buffer.push) if admission.uplink else None
        negotiated = await answer_offer(offer_sdp, uplink=uplink)
        session = MediaSession(
            session_id=f"ms_{uuid4().hex[:20]}",
            space_id=space_id,
            user_id=user_id,
            negotiated=negotiated,
            uplink=admission.uplink,
            buffer=buffer,
        )
        space = await self._space(space_id, is_origin=is_origin)
        previous = space.remove(user_id)
        space.add(session)
        self._watch_connection(session)
        if previous is not None:
            await self._close(previous, "renegotiated")
        await self.link.session_opened(space_id, user_id, session.session_id)
        self._spawn(self._announce())  # placement elsewhere sees the new load at once
        await self.journal.opened(session, self.worker_id)
        if negotiated.offered_uplink and not admission.uplink:
            await self.journal.publish_rejected(session)
        log.info(
            "media.session_opened",
            space=space_id,
            user=user_id,
            session=session.session_id,
            uplink=admission.uplink,
            origin=space.is_origin,
        )
        return MediaAnswer(
            sdp=negotiated.answer_sdp,
            session_id=session.session_id,
            worker_id=self.worker_id,
            can_publish=admission.uplink,
        )

    async def _admit(self, space_id: str, user_id: str) -> Admission:
        """The rules on this worker's projection of room's roles events, and on room's word
        for whether a listener has joined (asked once, only when the projection alone does not
        admit with an uplink). If room already allows more than the projection (a start or
        promotion it has not seen yet), wait for the projection to catch up."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + CATCH_UP_S
        room_said: tuple[str, str] | None = None
        asked = False
        while True:
            # The projection itself, not this worker's copy of it: the copy catches up just
            # after the projection commits, and a removal must refuse from that commit on.
            roles = await self.source.roles(space_id)
            joined = room_said is not None and room_said[1] in JOINED_ROLES
            refusal: MediaRefused | None = None
            admission: Admission | None = None
            try:
                admission = admit(roles, user_id, joined=joined)
            except MediaRefused as error:
                refusal = error
            if admission is not None and admission.uplink:
                return admission
            if not asked:
                room_said, asked = await self.room.my_role(space_id, user_id), True
                if room_said is None and isinstance(refusal, NotJoined):
                    raise ServiceUnavailable("room did not say whether you joined: try again")
                continue  # decide again, now knowing whether they joined
            ahead = room_said is not None and behind_room(admission, *room_said)
            if not ahead or loop.time() > deadline:
                if admission is not None:
                    return admission
                assert refusal is not None
                raise refusal
            await asyncio.sleep(CATCH_UP_POLL_S)

    def _watch_connection(self, session: MediaSession) -> None:
        pc = session.negotiated.pc

        @pc.on("connectionstatechange")
        async def on_state() -> None:
            if pc.connectionState in ("failed", "closed") and not session.closed:
                await self._close_if_current(session, "connection_lost")

    async def _roles_for(self, space_id: str) -> SpaceRoles:
        """The roles the mixing clock uses: the projection's, kept current by
        :meth:`room_event`."""
        known = self._roles.get(space_id)
        if known is not None:
            return known.roles
        return self.adopt_roles(space_id, *await self.source.roles_at(space_id))

    async def _space(self, space_id: str, *, is_origin: bool) -> SpaceMedia:
        space = self.spaces.get(space_id)
        if space is None:
            space = SpaceMedia(
                space_id,
                await self._roles_for(space_id),
                feeds=self.feeds.publisher(space_id),
                bitrate=self.config.bitrate,
                on_speaking=self._publish_speaking,
            )
            self.spaces[space_id] = space
        if is_origin:
            space.start_mixing()
        elif not space.is_origin and space_id not in self._program_feeds:
            self._program_feeds[space_id] = await self.feeds.follow_program(
                space_id, self._relay_program(space)
            )
        return space

    @staticmethod
    def _relay_program(space: SpaceMedia) -> ProgramPacket:
        async def relay(payload: bytes, pts: int) -> None:
            if space.is_origin:
                return  # this worker mixes the Space itself (it became its origin)
            await space.relay_program(payload, pts)

        return relay

    # -- roles change: enforce at once ------------------------------------------------------
    #
    # Each Space's roles are a snapshot of this worker's projection (``adopt_roles``) plus
    # room's roles events after it, folded here as they arrive, in stream order (``room_event``):
    # waiting for the projection's commit and reading it back took 3-4x as long (see README).
    # The stream sequence makes each event count once, whether the snapshot has it or not.

    def roles_of(self, space_id: str) -> SpaceRoles | None:
        """The roles this worker enforces in ``space_id``; None before it has a snapshot
        (and once the Space has ended)."""
        known = self._roles.get(space_id)
        return None if known is None else known.roles

    def adopt_roles(self, space_id: str, roles: SpaceRoles, as_of: int) -> SpaceRoles:
        """A snapshot of the projection (``roles`` include room's events up to ``as_of``),
        unless this worker already has a newer one."""
        known = self._roles.get(space_id)
        if known is not None and known.as_of >= as_of:
            return known.roles
        self._enforce(space_id, _Known(roles, as_of))
        return roles

    def room_event(self, space_id: str, event: DomainEvent, seq: int) -> None:
        """One of room's roles events (stream sequence ``seq``), after :meth:`adopt_roles`
        for its Space: the next mixing tick uses the new roles; removed people and everyone
        in an ended Space are hung up. An event already folded in is ignored."""
        known = self._roles.get(space_id)
        if known is None or seq <= known.as_of:
            return
        self._enforce(space_id, _Known(evolve(known.roles, event), seq))

    def _enforce(self, space_id: str, known: _Known) -> None:
        roles = known.roles
        if roles.phase == "ended":
            self._roles.pop(space_id, None)  # over for good: the projection still has it
        else:
            self._roles[space_id] = known
        space = self.spaces.get(space_id)
        if space is None:
            return
        space.roles = roles
        for user_id in list(space.sessions):
            if roles.must_hang_up(user_id):
                reason: CloseReason = "space_ended" if roles.phase == "ended" else "removed"
                self._spawn(self.hang_up(space_id, user_id, reason))

    async def hang_up(self, space_id: str, user_id: str, reason: CloseReason) -> bool:
        space = self.spaces.get(space_id)
        session = space.remove(user_id) if space is not None else None
        if session is None:
            return False
        await self._close(session, reason)
        await self._forget_if_empty(space_id)
        self._spawn(self._announce())
        return True

    async def _close_if_current(self, session: MediaSession, reason: CloseReason) -> None:
        space = self.spaces.get(session.space_id)
        if space is not None and space.sessions.get(session.user_id) is session:
            await self.hang_up(session.space_id, session.user_id, reason)
        else:
            await self._close(session, reason)

    async def _close(self, session: MediaSession, reason: CloseReason) -> None:
        if session.closed:
            return
        await session.close()
        log.info(
            "media.session_closed",
            session=session.session_id,
            reason=reason,
            duration_s=session.duration_s(),
            packets_out=session.out.packets_sent,
            uplink_frames=session.buffer.frames_in,
            uplink_underruns=session.buffer.underruns,
            uplink_dropped=session.buffer.frames_dropped,
        )
        await self.journal.closed(session, reason)

    async def _forget_if_empty(self, space_id: str) -> None:
        space = self.spaces.get(space_id)
        if space is None or space.sessions:
            return
        del self.spaces[space_id]
        await space.stop()
        if space.active_speakers:  # nobody is speaking in a Space nobody is connected to
            await self._publish_speaking(space_id, (), {})
        unfollow = self._program_feeds.pop(space_id, None)
        if unfollow is not None:
            await unfollow()

    # -- speaking ---------------------------------------------------------------------------

    async def _publish_speaking(
        self, space_id: str, user_ids: tuple[str, ...], levels: dict[str, float]
    ) -> None:
        await self.link.speaking(space_id, user_ids, levels)

    def heard_speaking(self, space_id: str, user_ids: tuple[str, ...]) -> None:
        """Who is speaking in ``space_id`` (mixed by this worker or another one)."""
        if user_ids:
            self._speaking[space_id] = user_ids
        else:
            self._speaking.pop(space_id, None)

    def active_speakers(self, space_id: str) -> list[str]:
        return list(self._speaking.get(space_id, ()))

    # -- other workers ----------------------------------------------------------------------

    def forget_worker(self, worker_id: str) -> None:
        """A worker that did not answer: place nobody there until it announces itself again."""
        self._workers.pop(worker_id, None)

    def own_load(self) -> WorkerLoad:
        return WorkerLoad(
            worker_id=self.worker_id,
            listeners=sum(space.listener_count() for space in self.spaces.values()),
            capacity=self.config.capacity,
            origins=frozenset(s for s, space in self.spaces.items() if space.is_origin),
        )

    def loads(self) -> dict[str, WorkerLoad]:
        now = time.monotonic()
        expiry = self.config.heartbeat_s * WORKER_EXPIRY_HEARTBEATS
        loads = {w: heard.load for w, heard in self._workers.items() if now - heard.at < expiry}
        loads[self.worker_id] = self.own_load()
        return loads

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(self.config.heartbeat_s)
            with contextlib.suppress(Exception):
                await self._announce()

    async def _announce(self, *, leaving: bool = False) -> None:
        if self._stopping and not leaving:
            return  # a late "alive" after our goodbye would get people placed here again
        load = self.own_load()
        beat = WorkerHeartbeat(
            worker_id=load.worker_id,
            listeners=load.listeners,
            capacity=load.capacity,
            origins=sorted(load.origins),
            leaving=leaving,
        )
        await self.link.announce(beat)

    def heard_from(self, beat: WorkerHeartbeat) -> None:
        """Another worker's heartbeat (or goodbye)."""
        if beat.worker_id == self.worker_id:
            return
        if beat.leaving:
            self._workers.pop(beat.worker_id, None)
            return
        if beat.worker_id not in self._workers:
            # A newcomer (or one back): answer with our own beat at once, so that it knows us
            # now rather than at our next heartbeat; it may have subscribed after our last one.
            self._spawn(self._announce())
        load = WorkerLoad(beat.worker_id, beat.listeners, beat.capacity, frozenset(beat.origins))
        self._workers[beat.worker_id] = _Heard(at=time.monotonic(), load=load)

    async def superseded(self, space_id: str, user_id: str, session_id: str) -> None:
        """``user_id`` opened session ``session_id`` (on any worker): an older one here is
        hung up."""
        space = self.spaces.get(space_id)
        session = space.sessions.get(user_id) if space is not None else None
        if session is not None and session.session_id != session_id:
            await self.hang_up(space_id, user_id, "renegotiated")

    async def request_hang_up(self, space_id: str, user_id: str) -> None:
        """Hang up ``user_id`` in ``space_id`` on whichever worker serves them."""
        await self.link.hang_up_everywhere(space_id, user_id)

    def _spawn(self, job: Coroutine[Any, Any, object]) -> None:
        """Run ``job`` in the background; a failure is logged, never lost silently."""
        task = asyncio.create_task(job)  # cancelled before it starts, it is closed cleanly
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[object]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("media.background_failed", error=repr(task.exception()))
