"""Policies: a service's reactions to another context's events, as FastStream subscribers.

A policy (``policies/when_<event>_<action>.py``) is a durable JetStream pull consumer on the
owner's stream, filtered to one event type, shared by the service's replicas. It must be
idempotent: delivery is at least once, and a new consumer starts from the stream's first event.

Acknowledgement is explicit (FastStream's NATS default would terminate a failing message):
- handled: ACK;
- failed: NAK with a growing delay (``BACKOFF_S``), up to ``max_deliver`` deliveries;
- still failing on the last delivery: a dead letter (the ``dead_letters`` table, an error log
  and ``parley.deadletter.<policy name>`` on NATS), then TERM: visible, never silently dropped.

Unlike a projection, a policy does not hold back the events after a failing one: each is
retried on its own.

The handler gets FastStream's message from the subscriber's decoder
(:func:`parley.chassis.messaging.its_message`), not through a ``msg: NatsMessage`` parameter,
which FastStream would resolve on a worker thread for every event.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from faststream.middlewares import AckPolicy
from faststream.nats import ConsumerConfig, DeliverPolicy, JStream, NatsRouter, PullSub
from faststream.nats.message import NatsMessage

from parley.chassis.dead_letters import DeadLetters
from parley.chassis.event_store import StoredEvent, decode_message
from parley.chassis.logs import get_logger
from parley.chassis.messaging import its_message
from parley.contracts.registry import DomainEvent
from parley.contracts.streams import stream_of
from parley.contracts.subjects import event_type_filter

log = get_logger(__name__)

E = TypeVar("E", bound=DomainEvent)

MAX_DELIVER = 5
BACKOFF_S = (0.5, 2.0, 5.0, 15.0)


@dataclass(frozen=True)
class Policy(Generic[E]):
    """``react`` runs for every ``event`` of its context, once acknowledged."""

    name: str
    event: type[E]
    react: Callable[[E, StoredEvent], Awaitable[None]]
    description: str = ""


def subscribe_policy(
    router: NatsRouter,
    policy: Policy[E],
    *,
    dead_letters: DeadLetters,
    max_deliver: int = MAX_DELIVER,
    ack_wait_s: float = 30.0,
) -> None:
    stream = stream_of(policy.event.context)
    subject = event_type_filter(policy.event.context, policy.event.event_type())

    async def on_event(message: Any) -> None:  # the message itself (its_message), unvalidated
        msg: NatsMessage = message
        raw = msg.raw_message
        attempt = raw.metadata.num_delivered
        try:
            stored = decode_message(raw.data, raw.subject, raw.metadata.sequence.stream)
            await policy.react(stored.event, stored)  # type: ignore[arg-type]
        except Exception as error:
            if attempt < max_deliver:
                log.warning(
                    "policy.retry",
                    policy=policy.name,
                    seq=raw.metadata.sequence.stream,
                    attempt=attempt,
                    error=repr(error),
                )
                await msg.nack(delay=BACKOFF_S[min(attempt - 1, len(BACKOFF_S) - 1)])
                return
            try:
                await dead_letters.record(policy.name, raw, error)
            finally:  # the server would not deliver it again anyway (max_deliver)
                await msg.reject()
            return
        await msg.ack()

    on_event.__name__ = f"policy_{policy.name}"
    router.subscriber(
        subject,
        stream=JStream(stream.name, declare=False),
        durable=f"policy_{policy.name}",
        pull_sub=PullSub(batch_size=16, timeout=5.0),
        config=ConsumerConfig(
            max_deliver=max_deliver,
            ack_wait=ack_wait_s,
            deliver_policy=DeliverPolicy.ALL,
        ),
        ack_policy=AckPolicy.MANUAL,
        decoder=its_message,
        title=f"policy_{policy.name}:{subject}",
        description=policy.description or None,
    )(on_event)
