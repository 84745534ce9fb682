"""Work a read model does once per transaction instead of once per event.

The projection runner applies a fetched batch of events in one transaction (the rows and the
position commit together). What several events of a batch change in the same row (a Space's
count) can be gathered while they are applied and written once, just before the commit: in
the same transaction, so it commits or rolls back with the rows and the position, and a
rebuild, which applies the same events in other batches, writes the same rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

T = TypeVar("T")


def until_commit(
    session: AsyncSession, key: str, make: Callable[[], T], write: Callable[[Session, T], None]
) -> T:
    """What is gathered under ``key`` in ``session``'s transaction, made by ``make()`` on first
    use. ``write(sync_session, gathered)`` runs once, synchronously, as the transaction commits
    (inside it: it may execute statements on ``sync_session``); a rollback drops it unwritten."""
    sync_session = session.sync_session
    info = sync_session.info
    if key in info:
        return cast(T, info[key])
    gathered = make()
    info[key] = gathered

    def write_gathered(committing: Session, *_: Any) -> None:
        if key in committing.info:
            write(committing, cast(T, committing.info.pop(key)))

    def drop(rolled_back: Session, *_: Any) -> None:
        rolled_back.info.pop(key, None)

    # A runner's session lives for one transaction, so these listeners go with it.
    event.listen(sync_session, "before_commit", write_gathered)
    event.listen(sync_session, "after_rollback", drop)
    return gathered
