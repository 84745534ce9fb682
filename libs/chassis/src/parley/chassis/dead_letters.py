"""Dead letters: an event a consumer (projection or policy) could not handle after its last
attempt is recorded, not dropped: a row in the service's ``dead_letters`` table, an error in the
log, and, once the row is committed, a notice on ``parley.deadletter.<consumer>`` for whoever
watches."""

from __future__ import annotations

import json
from dataclasses import dataclass

from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.chassis.db import chassis_tables
from parley.chassis.logs import get_logger

log = get_logger(__name__)

EVENT_TYPE_HEADER = "Parley-Event-Type"


def dead_letter_subject(consumer: str) -> str:
    return f"parley.deadletter.{consumer}"


@dataclass(frozen=True)
class DeadLetter:
    consumer: str
    seq: int
    subject: str
    event_type: str | None
    error: str
    data: str

    @staticmethod
    def of(consumer: str, msg: Msg, error: Exception) -> DeadLetter:
        return DeadLetter(
            consumer=consumer,
            seq=msg.metadata.sequence.stream,
            subject=msg.subject,
            event_type=(msg.headers or {}).get(EVENT_TYPE_HEADER),
            error=repr(error),
            data=msg.data.decode("utf-8", "replace"),
        )

    def notice(self) -> dict[str, object]:
        return {
            "consumer": self.consumer,
            "seq": self.seq,
            "subject": self.subject,
            "event_type": self.event_type,
            "error": self.error,
        }


@dataclass(frozen=True)
class DeadLetters:
    sessions: async_sessionmaker[AsyncSession]
    nc: NATS

    async def record(self, consumer: str, msg: Msg, error: Exception) -> None:
        """Record ``msg`` in a transaction of its own, then announce it."""
        async with self.sessions.begin() as session:
            letter = await self.add(session, consumer, msg, error)
        await self.announce(letter)

    async def add(
        self, session: AsyncSession, consumer: str, msg: Msg, error: Exception
    ) -> DeadLetter:
        """Write the row in the caller's transaction (committed with the caller's own changes,
        e.g. a projection's position); :meth:`announce` it once committed."""
        letter = DeadLetter.of(consumer, msg, error)
        log.error("consumer.dead_letter", **letter.notice())
        await session.execute(
            insert(chassis_tables()["dead_letters"]).values(
                projection=letter.consumer,
                stream_seq=letter.seq,
                subject=letter.subject,
                event_type=letter.event_type,
                error=letter.error,
                data=letter.data,
            )
        )
        return letter

    async def announce(self, letter: DeadLetter) -> None:
        await self.nc.publish(
            dead_letter_subject(letter.consumer), json.dumps(letter.notice()).encode()
        )
