"""Durable timers on the broker: JetStream message schedules (ADR-51, nats-server >= 2.12).

A service's timers live in one stream of its own, ``TIMERS_<SERVICE>`` (file storage,
``allow_msg_schedules``):

- ``timers.<service>.armed.<timer id>.<arming>`` holds the timer: one message, whose
  ``Nats-Schedule: @at <RFC 3339>`` header the server keeps in its timer wheel. Each arming
  has a subject of its own (``<arming>``, a random token), and removes the timer's earlier
  armings once stored (a purge of the timer's armed subjects below its sequence): the old time
  never fires, and the latest arming wins when two replicas arm at once. Not one subject per
  timer replaced by a rollup: the server's firing purges its schedule's *subject*, and a
  re-arming that landed just before would be purged with it and never fire. Disarming purges
  the timer's armed subjects.
- when due, the server itself publishes the timer's body and headers to
  ``timers.<service>.fired.<timer id>`` (``Nats-Schedule-Target``, in the same stream) and
  removes the armed message, in one step of the stream: a timer fires once, whether or not the
  service is running, and survives restarts of the service and of nats-server (the stream is
  on disk).
- the service's replicas share one durable pull consumer on the fired subjects
  (:func:`fired_timers`): each firing is handled by one replica, acknowledged once handled.

Delivery of a firing is at least once: a replica that dies while handling one leaves it to be
delivered again (after ``ack_wait``). **A handler must be idempotent and decide on the current
state**, not on the firing alone. :attr:`FiredTimer.due_at` is the time the firing was armed
for: a timer re-armed (or disarmed) just as its old time came may still deliver the old firing,
which a handler recognises by its ``due_at`` differing from the one its state holds, and
ignores.

Fired messages are kept for :data:`FIRED_TTL` (per-message TTL), so that a service down for
a while still finds its firings when it comes back; armed timers are kept until they fire.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from faststream.middlewares import AckPolicy
from faststream.nats import ConsumerConfig, DeliverPolicy, JStream, NatsRouter, PullSub
from faststream.nats.message import NatsMessage
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from nats.js.errors import NotFoundError

from parley.chassis.dead_letters import DeadLetters
from parley.chassis.logs import get_logger
from parley.chassis.messaging import its_message

log = get_logger(__name__)

SCHEDULE_HEADER = "Nats-Schedule"
TARGET_HEADER = "Nats-Schedule-Target"
SCHEDULE_TTL_HEADER = "Nats-Schedule-TTL"
DUE_HEADER = "Parley-Timer-Due"

FIRED_TTL = "168h"  # a week: how long a firing waits for a service that is down
MAX_DELIVER = 5
BACKOFF_S = (0.5, 2.0, 5.0, 15.0)

STREAM_NAME_IN_USE = 10058
_SERVICE = re.compile(r"[a-z][a-z0-9_]*")
_TOKEN = re.compile(r"[A-Za-z0-9_\-:=+~]+")


class TimerSetupError(RuntimeError):
    pass


class BadFiring(ValueError):
    """A message on the fired subjects that is not a firing of :class:`Timers`."""


@dataclass(frozen=True)
class FiredTimer:
    """A timer that came due. Handle it idempotently, against the current state: the same
    firing may be delivered again (a replica died handling it), and a firing whose ``due_at`` is
    not the time the state expects is a stale one (re-armed or disarmed as it fired)."""

    timer_id: str  # what arm() was given (a NATS-subject-safe token, e.g. "sp_abc.reminder")
    due_at: datetime  # the time it was armed for (UTC, aware)
    payload: bytes  # what arm() was given
    attempt: int = 1  # the delivery of this firing (1 the first time)


# -- names and headers (pure) ------------------------------------------------------------------


def check_service(service: str) -> str:
    if not _SERVICE.fullmatch(service):
        raise ValueError(f"service name {service!r}: lower-case letters, digits and '_'")
    return service


def check_timer_id(timer_id: str) -> str:
    """A timer id is one or more subject tokens joined by '.' (no wildcards, no spaces)."""
    if not timer_id or not all(_TOKEN.fullmatch(token) for token in timer_id.split(".")):
        raise ValueError(
            f"timer id {timer_id!r}: dot-separated tokens of letters, digits and _-:=+~"
        )
    return timer_id


def stream_name(service: str) -> str:
    return f"TIMERS_{check_service(service).upper()}"


def armed_subject(service: str, timer_id: str, arming: str) -> str:
    """The subject of one arming of ``timer_id``."""
    if not _TOKEN.fullmatch(arming):
        raise ValueError(f"arming {arming!r}: one subject token")
    return f"{armed_filter(service, timer_id)[:-1]}{arming}"


def armed_filter(service: str, timer_id: str) -> str:
    """Every arming of ``timer_id`` (and of no other timer: ``*`` is one token)."""
    return f"timers.{check_service(service)}.armed.{check_timer_id(timer_id)}.*"


def new_arming() -> str:
    return uuid4().hex


def fired_prefix(service: str) -> str:
    return f"timers.{check_service(service)}.fired."


def fired_subject(service: str, timer_id: str) -> str:
    return fired_prefix(service) + check_timer_id(timer_id)


def durable_name(service: str) -> str:
    return f"timers_{check_service(service)}"


def utc(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError(f"{at!r} has no time zone: give an aware datetime")
    return at.astimezone(UTC)


def rfc3339(at: datetime) -> str:
    """``at`` in UTC, to the microsecond (the server's ``@at`` takes RFC 3339 with fractional
    seconds, and fires at the nanosecond it was given, at best 250 ms after the previous
    firing round)."""
    return utc(at).isoformat(timespec="microseconds").replace("+00:00", "Z")


def schedule_headers(service: str, timer_id: str, at: datetime) -> dict[str, str]:
    return {
        SCHEDULE_HEADER: f"@at {rfc3339(at)}",
        TARGET_HEADER: fired_subject(service, timer_id),
        SCHEDULE_TTL_HEADER: FIRED_TTL,
        DUE_HEADER: rfc3339(at),
    }


def stream_config(service: str, *, replicas: int = 1) -> dict[str, Any]:
    return {
        "name": stream_name(service),
        "subjects": [f"timers.{service}.armed.>", f"timers.{service}.fired.>"],
        "retention": "limits",
        "storage": "file",
        "discard": "old",
        "num_replicas": replicas,
        "allow_msg_schedules": True,
        "allow_msg_ttl": True,
        "deny_delete": False,
        "deny_purge": False,
    }


def fired_timer(
    service: str, subject: str, headers: dict[str, str] | None, data: bytes, attempt: int = 1
) -> FiredTimer:
    prefix = fired_prefix(service)
    if not subject.startswith(prefix):
        raise BadFiring(f"{subject} is not a fired timer of {service}")
    due = (headers or {}).get(DUE_HEADER)
    if due is None:
        raise BadFiring(f"{subject} has no {DUE_HEADER} header")
    try:
        due_at = utc(datetime.fromisoformat(due))
    except ValueError as error:
        raise BadFiring(f"{subject}: {DUE_HEADER} {due!r}: {error}") from error
    return FiredTimer(subject[len(prefix) :], due_at, data, attempt)


# -- arming ------------------------------------------------------------------------------------


class Timers:
    """Arm and disarm the timers of ``service``; any replica may, on its one connection."""

    def __init__(self, nc: NATS, service: str) -> None:
        self.nc = nc
        self.service = check_service(service)
        self.stream = stream_name(service)
        self._js = nc.jetstream()

    @classmethod
    async def open(cls, nc: NATS, service: str, *, replicas: int = 1) -> Timers:
        """Create the service's timer stream, or update it to this configuration (idempotent,
        safe from several replicas at once: creating a stream that exists alike succeeds)."""
        await ensure_timer_stream(nc, service, replicas=replicas)
        return cls(nc, service)

    async def arm(self, timer_id: str, at: datetime, payload: bytes = b"") -> None:
        """(Re)arm ``timer_id`` for ``at``: the latest arming replaces any earlier one, which
        then never fires; ``at`` in the past fires as soon as possible."""
        ack = await self._js.publish(
            armed_subject(self.service, timer_id, new_arming()),
            payload,
            stream=self.stream,
            headers=schedule_headers(self.service, timer_id, at),
        )
        # The earlier armings (a later one, from another replica, has a higher sequence).
        await self._js.purge_stream(
            self.stream, seq=ack.seq, subject=armed_filter(self.service, timer_id)
        )

    async def disarm(self, timer_id: str) -> None:
        """The timer will not fire (idempotent; an unknown id is fine). A firing already on its
        way when this is called may still be delivered (see the module's docstring)."""
        await self._js.purge_stream(self.stream, subject=armed_filter(self.service, timer_id))

    async def armed(self, timer_id: str) -> datetime | None:
        """When ``timer_id`` is armed for, if it is (for tests and tools)."""
        try:
            msg = await self._js.get_last_msg(self.stream, armed_filter(self.service, timer_id))
        except NotFoundError:
            return None
        due = (msg.headers or {}).get(DUE_HEADER)
        return utc(datetime.fromisoformat(due)) if due else None


async def ensure_timer_stream(nc: NATS, service: str, *, replicas: int = 1) -> None:
    name = stream_name(service)
    payload = json.dumps(stream_config(service, replicas=replicas)).encode()
    body = await _api(nc, f"STREAM.CREATE.{name}", payload)
    error = body.get("error")
    if error and error.get("err_code") == STREAM_NAME_IN_USE:
        body = await _api(nc, f"STREAM.UPDATE.{name}", payload)
        error = body.get("error")
    if error:
        raise TimerSetupError(f"stream {name}: {error}")


async def _api(nc: NATS, call: str, payload: bytes) -> dict[str, Any]:
    reply = await nc.request(f"$JS.API.{call}", payload, timeout=5)
    body: dict[str, Any] = json.loads(reply.data)
    return body


# -- firing ------------------------------------------------------------------------------------


def fired_timers(
    router: NatsRouter,
    service: str,
    handler: Callable[[FiredTimer], Awaitable[None]],
    *,
    dead_letters: DeadLetters | None = None,
    max_deliver: int = MAX_DELIVER,
    backoff_s: Sequence[float] = BACKOFF_S,
    ack_wait_s: float = 30.0,
) -> None:
    """``handler`` runs for every firing of ``service``'s timers, on one of its replicas (a
    durable pull consumer, ``timers_<service>``, they share; the stream must exist:
    :meth:`Timers.open` first).

    Explicit acknowledgement: ACK once the handler returned; NAK with a growing delay
    (``backoff_s``) when it raised, up to ``max_deliver`` deliveries; then a dead letter
    (``dead_letters`` if given, else an error in the log) and TERM. A message on the fired
    subjects that is no firing is dead-lettered at once."""
    durable = durable_name(service)
    subject = fired_prefix(service) + ">"

    async def on_fired(message: Any) -> None:  # the message itself (its_message)
        msg: NatsMessage = message
        raw = msg.raw_message
        attempt = raw.metadata.num_delivered
        try:
            fired = fired_timer(service, raw.subject, raw.headers, raw.data, attempt)
        except BadFiring as error:
            await _dead_letter(durable, raw, error, dead_letters)
            await msg.reject()
            return
        try:
            await handler(fired)
        except Exception as error:
            if attempt < max_deliver:
                log.warning(
                    "timer.retry",
                    service=service,
                    timer_id=fired.timer_id,
                    attempt=attempt,
                    error=repr(error),
                )
                await msg.nack(delay=backoff_s[min(attempt - 1, len(backoff_s) - 1)])
                return
            try:
                await _dead_letter(durable, raw, error, dead_letters)
            finally:  # the server would not deliver it again anyway (max_deliver)
                await msg.reject()
            return
        await msg.ack()

    on_fired.__name__ = durable
    router.subscriber(
        subject,
        stream=JStream(stream_name(service), declare=False),
        durable=durable,
        pull_sub=PullSub(batch_size=64, timeout=5.0),
        config=ConsumerConfig(
            max_deliver=max_deliver,
            ack_wait=ack_wait_s,
            deliver_policy=DeliverPolicy.ALL,
        ),
        ack_policy=AckPolicy.MANUAL,
        decoder=its_message,
        title=f"{durable}:{subject}",
        description=f"{service}'s timers, as they come due",
    )(on_fired)


async def _dead_letter(
    consumer: str, raw: Msg, error: Exception, dead_letters: DeadLetters | None
) -> None:
    if dead_letters is not None:
        await dead_letters.record(consumer, raw, error)
        return
    log.error(
        "timer.dead_letter",
        consumer=consumer,
        seq=raw.metadata.sequence.stream,
        subject=raw.subject,
        error=repr(error),
    )
