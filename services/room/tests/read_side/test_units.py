"""Small pieces on their own: the token buckets, the after-commit hook, notification texts,
the trending history buckets."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from parley.chassis.db import create_engine, session_factory
from parley.room.read_side.after_commit import after_commit
from parley.room.read_side.notifications.texts import describe
from parley.room.read_side.presence.projection import history_bucket
from parley.room.read_side.reactions.rate_limit import TokenBuckets
from parley.room.read_side.reactions.react import canonical_emoji


def test_token_buckets_allow_a_burst_then_the_rate() -> None:
    now = [100.0]
    buckets = TokenBuckets(rate_per_s=5, burst=10, clock=lambda: now[0])
    assert [buckets.take("ann") for _ in range(10)] == [0.0] * 10
    assert buckets.take("ann") == pytest.approx(0.2)
    assert buckets.take("ben") == 0.0
    now[0] += 0.2
    assert buckets.take("ann") == 0.0
    assert buckets.take("ann") > 0
    now[0] += 60
    assert [buckets.take("ann") for _ in range(10)] == [0.0] * 10  # never more than the burst
    assert buckets.take("ann") > 0


def test_full_buckets_are_forgotten() -> None:
    now = [0.0]
    buckets = TokenBuckets(rate_per_s=1, burst=2, clock=lambda: now[0])
    for n in range(9_999):
        buckets.take(f"usr_{n}")
    now[0] += 5
    buckets.take("usr_last")  # the 10,000th take prunes
    assert len(buckets._buckets) == 1


def test_emoji_are_canonical() -> None:
    assert canonical_emoji("❤") == "❤️"
    assert canonical_emoji("❤️") == "❤️"
    assert canonical_emoji("🔥") == "🔥"
    with pytest.raises(Exception, match="not one of the reactions"):
        canonical_emoji("🔥🔥")


def test_notification_texts() -> None:
    data = {"title": "Jazz"}
    assert describe("speaker_request", "ann", data) == "@ann asked to speak in “Jazz”"
    assert describe("stage_invitation", None, data) == "Someone invited you to speak in “Jazz”"
    assert describe("followed_went_live", "ann", {}) == "@ann is live: a Space"
    assert describe("recording_ready", None, data) == "The recording of “Jazz” is ready"


def test_history_buckets_are_ten_seconds() -> None:
    moment = datetime(2026, 1, 1, 12, 0, 29, 999, tzinfo=UTC)
    assert history_bucket(moment) == datetime(2026, 1, 1, 12, 0, 20, tzinfo=UTC)


async def test_after_commit_runs_only_after_a_commit(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'hook.db'}")
    sessions = session_factory(engine)
    ran: list[str] = []

    async def failing_event() -> None:
        async with sessions.begin() as session:
            after_commit(session, lambda: ran.append("rolled back"))
            await session.execute(text("select 1"))
            raise RuntimeError("the event failed")

    try:
        with pytest.raises(RuntimeError):
            await failing_event()
        async with sessions.begin() as session:
            after_commit(session, lambda: ran.append("first"))
            after_commit(session, lambda: ran.append("second"))
            await session.execute(text("select 1"))
            assert ran == []
        assert ran == ["first", "second"]
        async with sessions() as session:  # one session, two transactions
            async with session.begin():
                after_commit(session, lambda: ran.append("third"))
            async with session.begin():
                await session.execute(text("select 1"))
        assert ran == ["first", "second", "third"]
    finally:
        await engine.dispose()
