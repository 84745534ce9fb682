"""Run something once a projection's transaction has committed, never before and never for a
transaction that rolled back (a failing event is retried: its side effects must wait)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

_PENDING = "parley.room.after_commit"
_LISTENING = "parley.room.after_commit.listening"


def after_commit(session: AsyncSession, action: Callable[[], None]) -> None:
    """Call ``action`` (synchronously: keep it short) after ``session`` commits."""
    sync_session = session.sync_session
    if not sync_session.info.get(_LISTENING):
        sync_session.info[_LISTENING] = True
        event.listen(sync_session, "after_commit", _run)
        event.listen(sync_session, "after_rollback", _forget)
    sync_session.info.setdefault(_PENDING, []).append(action)


def _run(sync_session: Session, *_: Any) -> None:
    for action in sync_session.info.pop(_PENDING, []):
        action()


def _forget(sync_session: Session, *_: Any) -> None:
    sync_session.info.pop(_PENDING, None)
