"""Event store on JetStream: append with per-aggregate optimistic concurrency and dedup, load.

- The aggregate's *version* is the stream sequence of its last event (0 when it has none).
- Append sends ``Nats-Expected-Last-Subject-Sequence`` scoped to the aggregate's wildcard
  (``Nats-Expected-Last-Subject-Sequence-Subject``); a stale version raises
  :class:`ConcurrencyConflict` (JetStream err_code 10071).
- ``Nats-Msg-Id`` is the event id, so a re-sent event is stored once; a re-send that meets a
  stale expectation is recognised by its event id and answered as the success it was.
- Several events of one command go in one atomic batch: all stored or none.
- Load asks for the aggregate's next event first (one request), then, when there is one,
  reads the rest with a batched direct get of the aggregate's subjects.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from uuid import uuid4

import nats.errors
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from nats.js.errors import BadRequestError

from parley.contracts.envelope import EventEnvelope, TraceContext
from parley.contracts.registry import DomainEvent, decode_event
from parley.contracts.subjects import aggregate_filter, event_subject, parse_subject

WRONG_LAST_SEQUENCE = 10071
BATCH_DUPLICATE_MSG_ID = 10201
LOAD_BATCH = 1000
SEND_ATTEMPTS = 3


class ConcurrencyConflict(Exception):
    """The aggregate changed since it was loaded: reload, decide again, retry."""


class EventStoreError(RuntimeError):
    pass


@dataclass(frozen=True)
class EventMetadata:
    """Who/why of the events one command appends (copied into each envelope)."""

    correlation_id: str
    actor: str | None = None
    causation_id: str | None = None
    trace_context: TraceContext = field(default_factory=TraceContext)


@dataclass(frozen=True)
class StoredEvent:
    envelope: EventEnvelope
    event: DomainEvent
    stream_seq: int
    subject: str


def envelope_for(
    event: DomainEvent, aggregate_id: str, metadata: EventMetadata, event_id: str | None = None
) -> EventEnvelope:
    return EventEnvelope(
        event_id=event_id or f"evt_{uuid4().hex}",
        event_type=event.event_type(),
        event_version=event.version,
        aggregate_id=aggregate_id,
        actor=metadata.actor,
        correlation_id=metadata.correlation_id,
        causation_id=metadata.causation_id,
        trace_context=metadata.trace_context,
        data=event.model_dump(mode="json"),
    )


def message_headers(envelope: EventEnvelope) -> dict[str, str]:
    headers = {
        "Nats-Msg-Id": envelope.event_id,
        "Parley-Event-Type": envelope.event_type,
        "Parley-Event-Version": str(envelope.event_version),
        "Parley-Correlation-Id": envelope.correlation_id,
    }
    trace = envelope.trace_context
    if trace.traceparent:
        headers["traceparent"] = trace.traceparent
    if trace.tracestate:
        headers["tracestate"] = trace.tracestate
    return headers


def decode_message(data: bytes, subject: str, stream_seq: int) -> StoredEvent:
    envelope = EventEnvelope.model_validate_json(data)
    context = parse_subject(subject)[0]
    return StoredEvent(envelope, decode_event(context, envelope), stream_seq, subject)


class EventStore:
    """Events of one bounded context (one stream)."""

    def __init__(self, nc: NATS, *, stream: str, context: str, timeout: float = 5.0) -> None:
        self._nc = nc
        self._js = nc.jetstream(timeout=timeout)
        self.stream = stream
        self.context = context
        self._timeout = timeout

    async def load(
        self, aggregate_id: str, *, after_version: int = 0
    ) -> tuple[list[StoredEvent], int]:
        """Events of an aggregate in order (those after ``after_version``, by default all),
        and its version (0 when it has none)."""
        events: list[StoredEvent] = []
        version = after_version
        next_seq = after_version + 1
        filter_subject = aggregate_filter(self.context, aggregate_id)
        first = await self._direct_get_next(filter_subject, next_seq)
        if first is None:
            return events, version
        next_seq = first  # the batch below reads it again, with whatever follows it
        while True:
            batch, last_seq, more = await self._direct_get_batch(filter_subject, next_seq)
            events.extend(batch)
            version = max(version, last_seq)
            if not more:
                return events, version
            next_seq = events[-1].stream_seq + 1

    async def _direct_get_next(self, filter_subject: str, start_seq: int) -> int | None:
        """The sequence of the aggregate's first event at or after ``start_seq`` (None: there
        is none). One request on the connection's shared reply inbox, where a batch needs a
        subscription of its own: a load with nothing new, the common case with a cached state
        (and for an aggregate that does not exist yet), costs one round trip and nothing else."""
        request = {"seq": start_seq, "next_by_subj": filter_subject}
        msg = await self._nc.request(
            f"$JS.API.DIRECT.GET.{self.stream}", json.dumps(request).encode(), self._timeout
        )
        headers = msg.headers or {}
        status = headers.get("Status")
        if status == "404":
            return None
        if status:
            raise EventStoreError(f"direct get failed: {status} {headers}")
        return int(headers["Nats-Sequence"])

    async def _direct_get_batch(
        self, filter_subject: str, start_seq: int
    ) -> tuple[list[StoredEvent], int, bool]:
        inbox = self._nc.new_inbox()
        sub = await self._nc.subscribe(inbox)
        try:
            request = {"seq": start_seq, "next_by_subj": filter_subject, "batch": LOAD_BATCH}
            await self._nc.publish(
                f"$JS.API.DIRECT.GET.{self.stream}", json.dumps(request).encode(), reply=inbox
            )
            events: list[StoredEvent] = []
            while True:
                msg: Msg = await sub.next_msg(timeout=self._timeout)
                headers = msg.headers or {}
                status = headers.get("Status")
                if status == "404":  # nothing at or after start_seq for this filter
                    return events, 0, False
                if status == "204":  # end of batch
                    pending = int(headers.get("Nats-Num-Pending", "0"))
                    last = events[-1].stream_seq if events else 0
                    return events, last, pending > 0
                if status:
                    raise EventStoreError(f"direct get failed: {status} {headers}")
                events.append(
                    decode_message(msg.data, headers["Nats-Subject"], int(headers["Nats-Sequence"]))
                )
        finally:
            await sub.unsubscribe()

    async def append(
        self,
        aggregate_id: str,
        events: Sequence[DomainEvent],
        *,
        expected_version: int,
        metadata: EventMetadata,
        event_ids: Sequence[str] | None = None,
    ) -> int:
        """Append events to an aggregate expected to be at ``expected_version``.

        Returns the new version. Raises :class:`ConcurrencyConflict` when it moved on.
        ``event_ids`` lets a caller re-send the very same events (dedup by Nats-Msg-Id).
        """
        if not events:
            return expected_version
        ids = list(event_ids) if event_ids else [None] * len(events)
        envelopes = [
            envelope_for(event, aggregate_id, metadata, event_id)
            for event, event_id in zip(events, ids, strict=True)
        ]
        if len(envelopes) == 1:
            return await self._publish_one(aggregate_id, envelopes[0], expected_version)
        return await self._publish_batch(aggregate_id, envelopes, expected_version)

    def _expectation(self, aggregate_id: str, expected_version: int) -> dict[str, str]:
        return {
            "Nats-Expected-Last-Subject-Sequence": str(expected_version),
            "Nats-Expected-Last-Subject-Sequence-Subject": aggregate_filter(
                self.context, aggregate_id
            ),
        }

    async def _publish_one(
        self, aggregate_id: str, envelope: EventEnvelope, expected_version: int
    ) -> int:
        headers = message_headers(envelope) | self._expectation(aggregate_id, expected_version)
        subject = event_subject(self.context, aggregate_id, envelope.event_type)
        body = envelope.model_dump_json().encode()
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                ack = await self._js.publish(subject, body, stream=self.stream, headers=headers)
                return int(ack.seq)
            except nats.errors.TimeoutError:
                if attempt == SEND_ATTEMPTS:
                    raise
            except BadRequestError as error:
                if error.err_code == WRONG_LAST_SEQUENCE:
                    return await self._already_stored_or_conflict(aggregate_id, envelope, error)
                raise
        raise AssertionError("unreachable")

    async def _already_stored_or_conflict(
        self, aggregate_id: str, first: EventEnvelope, error: Exception | str
    ) -> int:
        """A stale expectation is either someone else's write (a real conflict) or our own
        earlier send of these very events whose ack we never saw (a re-send: success)."""
        events, version = await self.load(aggregate_id)
        if any(item.envelope.event_id == first.event_id for item in events):
            return version
        raise ConcurrencyConflict(str(error))

    async def _publish_batch(
        self, aggregate_id: str, envelopes: list[EventEnvelope], expected_version: int
    ) -> int:
        batch_id = uuid4().hex
        inbox = self._nc.new_inbox()
        sub = await self._nc.subscribe(inbox, max_msgs=1)
        try:
            last = len(envelopes)
            for position, envelope in enumerate(envelopes, start=1):
                headers = message_headers(envelope) | {
                    "Nats-Batch-Id": batch_id,
                    "Nats-Batch-Sequence": str(position),
                }
                if position == 1:
                    headers |= self._expectation(aggregate_id, expected_version)
                if position == last:
                    headers["Nats-Batch-Commit"] = "1"
                await self._nc.publish(
                    event_subject(self.context, aggregate_id, envelope.event_type),
                    envelope.model_dump_json().encode(),
                    reply=inbox if position == last else "",
                    headers=headers,
                )
            reply = await sub.next_msg(timeout=self._timeout)
        finally:
            await sub.unsubscribe()
        body = json.loads(reply.data)
        error = body.get("error")
        if error:
            if error.get("err_code") in (WRONG_LAST_SEQUENCE, BATCH_DUPLICATE_MSG_ID):
                description = error.get("description", "wrong last sequence")
                return await self._already_stored_or_conflict(
                    aggregate_id, envelopes[0], description
                )
            raise EventStoreError(f"atomic append failed: {error}")
        return int(body["seq"])
