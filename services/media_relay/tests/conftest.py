"""Fixtures for the media relay's integration tests: real relay workers in-process, on a
private nats-server, fed with room events appended the way the room service appends them
(a stand-in for room: the relay only reads room's events), and real aiortc peers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from aiortc.mediastreams import MediaStreamTrack
from faststream.nats import NatsBroker

from parley.bots.media import (
    add_audio,
    make_offer,
    new_peer_connection,
    record_tracks,
    take_answer,
    wait_connected,
)
from parley.bots.recorder import Recorder
from parley.chassis.bus import BusClient, RequestContext, route_router, serve
from parley.chassis.event_store import EventMetadata, EventStore
from parley.chassis.handlers import bind
from parley.chassis.messaging import connect, ensure_stream, make_broker
from parley.chassis.service import RunningService, start_service
from parley.contracts import streams
from parley.contracts.api.media import NEGOTIATE, MediaAnswer, NegotiateMedia
from parley.contracts.api.room import MY_ROLE, MyRole, SpaceRef
from parley.contracts.events import room as ev
from parley.contracts.registry import DomainEvent
from parley.media_relay.bootstrap import definition
from parley.media_relay.domain.roles import SpaceRoles
from parley.media_relay.domain.roles import evolve as evolve_roles
from parley.media_relay.engine.worker import RelayWorker
from parley.media_relay.handlers import negotiate
from parley.media_relay.handlers.dependencies import MediaDeps
from parley.media_relay.settings import MediaSettings


class Room:
    """Appends room events like the room service does, and waits until a relay saw them; and,
    once :meth:`answer_my_role` started it, answers room's ``qry.room.my_role`` from what it
    appended (the relay asks room whether a listener joined). ``says`` overrides an answer:
    room ahead of the relay's projection."""

    def __init__(self, store: EventStore, workers: list[RunningService]) -> None:
        self.store = store
        self.workers = workers
        self.space_id = f"sp_{uuid4().hex[:10]}"
        self.says: dict[str, tuple[str, str]] = {}
        self._roles: dict[str, SpaceRoles] = {}
        self._joined: set[tuple[str, str]] = set()
        self._answering: NatsBroker | None = None

    async def append(self, aggregate: str, *events: DomainEvent) -> int:
        _, version = await self.store.load(aggregate)
        seq = await self.store.append(
            aggregate,
            list(events),
            expected_version=version,
            metadata=EventMetadata(correlation_id="cor_test"),
        )
        for event in events:
            self._remember(event)
        await self.settled()
        return seq

    def _remember(self, event: DomainEvent) -> None:
        space_id = getattr(event, "space_id", "")
        user_id = getattr(event, "user_id", "")
        if isinstance(event, ev.ListenerJoined):
            self._joined.add((space_id, user_id))
        elif isinstance(event, (ev.ParticipantLeft, ev.ParticipantRemoved)):
            self._joined.discard((space_id, user_id))
        roles = self._roles.get(space_id, SpaceRoles(space_id=space_id))
        self._roles[space_id] = evolve_roles(roles, event)

    def my_role(self, space_id: str, user_id: str) -> tuple[str, str]:
        if user_id in self.says:
            return self.says[user_id]
        roles = self._roles.get(space_id, SpaceRoles(space_id=space_id))
        phase = "created" if roles.phase == "unknown" else roles.phase
        return phase, roles.role(user_id, joined=(space_id, user_id) in self._joined)

    async def answer_my_role(self, nats_url: str) -> None:
        """Serve ``qry.room.my_role`` on its route, as room serves it, until
        :meth:`stop_answering`."""

        async def my_role(payload: SpaceRef, context: RequestContext) -> MyRole:
            phase, role = self.my_role(payload.space_id, context.actor or "")
            return MyRole(space_id=payload.space_id, state=phase, role=role)  # type: ignore[arg-type]

        router = route_router()
        serve(router, MY_ROLE, my_role, queue="room")
        broker = make_broker(nats_url, name="room-stand-in")
        broker.include_router(router)
        await broker.start()
        self._answering = broker

    async def stop_answering(self) -> None:
        """Room is away from now on."""
        if self._answering is not None:
            await self._answering.stop()
            self._answering = None

    async def settled(self) -> None:
        """Every worker's projections applied what was appended (and acknowledged it)."""
        for worker in self.workers:
            for runner in worker.runners:
                await runner.wait_until_caught_up(timeout=10)

    async def live_space(self, host: str) -> None:
        s = self.space_id
        await self.append(
            s,
            ev.SpaceCreated(space_id=s, host_id=host, title="Test"),
            ev.SpaceStarted(space_id=s, host_id=host),
        )

    async def space_event(self, event: DomainEvent) -> int:
        return await self.append(self.space_id, event)

    async def join(self, user: str) -> None:
        s = self.space_id
        await self.append(ev.membership_id(s, user), ev.ListenerJoined(space_id=s, user_id=user))

    async def speaker(self, user: str, *, unmuted: bool = True) -> None:
        """``user`` joins, is promoted and (by default) opens their mic."""
        s = self.space_id
        await self.join(user)
        promoted = ev.SpeakerPromoted(space_id=s, user_id=user, by=None, via="invitation")
        events: list[DomainEvent] = [promoted]
        if unmuted:
            events.append(ev.SpeakerUnmuted(space_id=s, user_id=user))
        await self.append(s, *events)

    async def host_unmutes(self, host: str) -> None:
        await self.space_event(ev.SpeakerUnmuted(space_id=self.space_id, user_id=host))


class Peer:
    """A real aiortc client of the relay (negotiating over the bus, as the gateway does)."""

    def __init__(self, user: str, pc: Any, recorder: Recorder, answer: dict[str, Any]) -> None:
        self.user = user
        self.pc = pc
        self.recorder = recorder
        self.answer = answer

    async def close(self) -> None:
        await self.recorder.stop()
        await self.pc.close()


class Relay:
    def __init__(self, bus: BusClient) -> None:
        self.bus = bus
        self.peers: list[Peer] = []

    async def connect(
        self,
        space_id: str,
        user: str,
        source: MediaStreamTrack | None = None,
        *,
        via: RunningService | None = None,
    ) -> Peer:
        """Connect ``user``: the offer goes over the bus (any worker takes it) or, with
        ``via``, to that worker's own handler of ``cmd.media.negotiate``."""
        pc = new_peer_connection()
        add_audio(pc, source)
        recorder = Recorder()
        record_tracks(pc, recorder)
        offer = await make_offer(pc)
        payload = NegotiateMedia(space_id=space_id, sdp=offer)
        if via is None:
            answer = await self.bus.call(NEGOTIATE, payload, ctx(user))
        else:
            answer = await negotiate_at(via, payload, ctx(user))
        await take_answer(pc, answer.sdp)
        await wait_connected(pc)
        peer = Peer(user, pc, recorder, answer.model_dump(mode="json"))
        self.peers.append(peer)
        return peer

    async def close(self) -> None:
        for peer in self.peers:
            await peer.close()


def ctx(user: str | None) -> RequestContext:
    return RequestContext(actor=user)


async def negotiate_at(
    service: RunningService, payload: NegotiateMedia, context: RequestContext
) -> MediaAnswer:
    """What ``service`` answers when the queue group hands *it* a ``cmd.media.negotiate``: its
    handler, bound as its routes bind it (``entrypoints/routes.py``)."""
    deps = MediaDeps(worker=relay_worker(service), bus=service.infra.bus)
    return await bind(deps, negotiate.negotiate)(payload, context)


def relay_worker(service: RunningService) -> RelayWorker:
    """The relay worker inside a running media_relay service (its stop hook is its own)."""
    (stop,) = service.parts.on_stop
    worker = getattr(stop, "__self__", None)
    assert isinstance(worker, RelayWorker)
    return worker


async def start_worker(
    tmp_path: Path, nats_url: str, worker_id: str, **extra: Any
) -> RunningService:
    settings = MediaSettings(
        nats_url=nats_url,
        database_url=f"sqlite+aiosqlite:///{tmp_path / f'media-{worker_id}.db'}",
        data_dir=tmp_path / "data",
        media_worker_id=worker_id,
        log_json=False,
        **({"heartbeat_s": 0.2} | extra),
    )
    await room_stream(nats_url)
    return await start_service(definition, settings)


async def room_stream(nats_url: str) -> None:
    """The ROOM stream, created as its owner (room, stood in for here) creates it: a relay
    worker only waits for it."""
    nc = await connect(nats_url, name="test-room-owner")
    try:
        await ensure_stream(nc, streams.ROOM)
    finally:
        await nc.close()


@pytest.fixture
async def worker_factory(tmp_path: Path, private_nats: str) -> AsyncIterator[Callable[..., Any]]:
    started: list[RunningService] = []

    async def make(worker_id: str, **extra: Any) -> RunningService:
        running = await start_worker(tmp_path, private_nats, worker_id, **extra)
        started.append(running)
        return running

    yield make
    for running in started:
        await running.stop()


async def client_broker(nats_url: str) -> NatsBroker:
    """The test's own broker (a caller, like the gateway; its connection appends room's
    events); ``await broker.stop()`` when done."""
    broker = make_broker(nats_url, name="test-client")
    await broker.start()
    return broker


@pytest.fixture
async def stack(
    private_nats: str, worker_factory: Callable[..., Any]
) -> AsyncIterator[tuple[Room, Relay]]:
    worker = await worker_factory("w1")
    broker = await client_broker(private_nats)
    relay = Relay(BusClient(broker, timeout=15))
    room = Room(EventStore(broker.connection, stream="ROOM", context=ev.CONTEXT), [worker])
    await room.answer_my_role(private_nats)
    yield room, relay
    await relay.close()
    await room.stop_answering()
    await broker.stop()
