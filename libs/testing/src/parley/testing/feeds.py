"""The relay's speaker feeds as a test (or benchmark) sees them from outside."""

from __future__ import annotations

from nats.aio.client import Client as NATS
from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeout

from parley.contracts import media


async def feeds_followed(nc: NATS, space_id: str) -> bool:
    """Someone (a captioner) subscribes to the Space's speaker feeds: a request to a subject
    nobody subscribes to is answered "no responders" at once; a subscriber that never replies
    makes it time out."""
    try:
        await nc.request(media.speaker_feed_subject(space_id, "usr_probe"), b"", timeout=0.2)
    except NoRespondersError:
        return False
    except NatsTimeout:
        return True
    return True
