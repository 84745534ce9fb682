"""Dead letters: an event a consumer could not handle after its last attempt is recorded, not
dropped: a row in the service's ``dead_letters`` table, an error in the log, and a notice on
``parley.deadletter.<consumer>`` for whoever watches."""

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
class DeadLetters:
    sessions: async_sessionmaker[AsyncSession]
    nc: NATS

    async def record(
        self, consumer: str, msg: Msg, error: Exception, session: AsyncSession | None = None
    ) -> None:
        """Record ``msg``; in ``session`` when given (the caller commits it with its own
        position), else in a transaction of its own."""
        seq = msg.metadata.sequence.stream
        event_type = (msg.headers or {}).get(EVENT_TYPE_HEADER)
        log.error(
            "consumer.dead_letter",
            consumer=consumer,
            seq=seq,
            subject=msg.subject,
            event_type=event_type,
            error=repr(error),
        )
        row = insert(chassis_tables()["dead_letters"]).values(
            projection=consumer,
            stream_seq=seq,
            subject=msg.subject,
            event_type=event_type,
            error=repr(error),
            data=msg.data.decode("utf-8", "replace"),
        )
        if session is not None:
            await session.execute(row)
        else:
            async with self.sessions.begin() as own:
                await own.execute(row)
        notice = {
            "consumer": consumer,
            "seq": seq,
            "subject": msg.subject,
            "event_type": event_type,
            "error": repr(error),
        }
        await self.nc.publish(dead_letter_subject(consumer), json.dumps(notice).encode())
