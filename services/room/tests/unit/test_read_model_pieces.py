"""Small pieces on their own: the token buckets, the reaction emoji, notification texts, the
trending history buckets."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from parley.room.handlers.react import canonical_emoji
from parley.room.handlers.reaction_gate import TokenBuckets
from parley.room.projections.participants import history_bucket
from parley.room.queries.notification_texts import describe


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
