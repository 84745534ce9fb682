"""Room's roles, enforced by every relay worker on its own sessions.

When room starts or ends a Space, or promotes, mutes, unmutes, moves to the audience or removes
someone, each worker acts on it at once: the next 20 ms tick of every Space it mixes uses the
new roles (a muted or removed speaker is silent from then on), and it hangs up its own sessions
of a removed user, and all of them when the Space has ended.

This is a reaction to room's events, and yet not a policy (``policies/``): a chassis Policy is
one durable consumer shared by the service's replicas, so each event would reach *one* worker,
while sessions and mixing clocks live in the worker that serves them and each worker keeps its
own projection of room's events. So every worker has a consumer of its own, durable
``media_roles_watch_<worker_id>``:

- recreated at start to begin right after this worker's projection position, so that the
  worker sees every roles event its projection has yet to apply;
- filtered to the events that change roles (:data:`~parley.media_relay.domain.roles.ROLE_EVENTS`),
  as the projection is;
- the first event of a Space the worker does not know yet waits until the projection has
  applied it and takes the projection's snapshot of the Space; every later one is folded into
  the worker's roles as it arrives (:meth:`RelayWorker.room_event`), by stream sequence, so a
  redelivered event or one the snapshot already holds counts once;
- fetched one at a time (FastStream runs the messages of a batch concurrently), so they are
  folded in stream order;
- explicit acknowledgement: NAK with a growing delay when it fails, a dead letter (table, log,
  ``parley.deadletter.<consumer>``) and TERM once ``MAX_DELIVER`` deliveries failed.
"""

from __future__ import annotations

import contextlib

from faststream.middlewares import AckPolicy
from faststream.nats import ConsumerConfig, DeliverPolicy, JStream, NatsMessage, NatsRouter, PullSub
from nats.aio.client import Client as NATS
from nats.js.errors import NotFoundError

from parley.chassis.dead_letters import DeadLetters
from parley.chassis.event_store import decode_message
from parley.chassis.projections import Positions
from parley.contracts import streams
from parley.contracts.events import room
from parley.contracts.subjects import context_filter
from parley.media_relay.engine.worker import RelayWorker
from parley.media_relay.projections.roles import ROLE_SUBJECTS
from parley.media_relay.queries.roles import RoomRoles

MAX_DELIVER = 5
BACKOFF_S = (0.2, 1.0, 3.0, 10.0)
PROJECTION_WAIT_S = 5.0


class ProjectionBehind(RuntimeError):
    """This worker's projection has not applied the event yet: try again later."""


def watch_name(worker_id: str) -> str:
    return f"media_roles_watch_{worker_id}".replace("-", "_")


async def reset_watch(nc: NATS, worker_id: str) -> None:
    """Forget the worker's previous consumer: it is created again from the position given to
    :func:`follow_room_roles` (a consumer that exists would be bound as it is)."""
    with contextlib.suppress(NotFoundError):
        await nc.jetstream().delete_consumer(streams.ROOM.name, watch_name(worker_id))


def follow_room_roles(
    router: NatsRouter,
    *,
    worker: RelayWorker,
    roles: RoomRoles,
    positions: Positions,
    after_seq: int,
    dead_letters: DeadLetters,
) -> None:
    """``worker`` gets room's roles events after ``after_seq`` (its projection's position
    when it started)."""
    durable = watch_name(worker.worker_id)

    async def enforce(msg: NatsMessage) -> None:
        raw = msg.raw_message
        stored = decode_message(raw.data, raw.subject, raw.metadata.sequence.stream)
        space_id = getattr(stored.event, "space_id", None)
        if not isinstance(space_id, str):
            return
        if worker.roles_of(space_id) is None:
            if not await positions.wait(roles.projection, stored.stream_seq, PROJECTION_WAIT_S):
                raise ProjectionBehind(f"{roles.projection} has not applied {stored.stream_seq}")
            worker.adopt_roles(space_id, *await roles.roles_at(space_id))
        worker.room_event(space_id, stored.event, stored.stream_seq)

    async def on_roles_event(msg: NatsMessage) -> None:
        attempt = msg.raw_message.metadata.num_delivered
        try:
            await enforce(msg)
        except Exception as error:
            if attempt < MAX_DELIVER:
                await msg.nack(delay=BACKOFF_S[min(attempt - 1, len(BACKOFF_S) - 1)])
                return
            await dead_letters.record(durable, msg.raw_message, error)
            await msg.reject()
            return
        await msg.ack()

    on_roles_event.__name__ = durable
    config = (
        ConsumerConfig(deliver_policy=DeliverPolicy.ALL)
        if after_seq == 0
        else ConsumerConfig(
            deliver_policy=DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=after_seq + 1
        )
    )
    config.filter_subjects = list(ROLE_SUBJECTS)
    config.max_deliver = MAX_DELIVER
    config.ack_wait = 30.0
    router.subscriber(
        context_filter(room.CONTEXT),
        stream=JStream(streams.ROOM.name, declare=False),
        durable=durable,
        # One at a time: FastStream handles the messages of a fetched batch concurrently, and
        # the fold needs them in stream order.
        pull_sub=PullSub(batch_size=1, timeout=5.0),
        config=config,
        ack_policy=AckPolicy.MANUAL,
        title=f"{durable}:{context_filter(room.CONTEXT)}",
        description="This worker enforces room's roles on its sessions and mixing clocks",
    )(on_roles_event)
