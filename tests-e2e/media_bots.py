"""Bots for the end-to-end media tests: registered through the public API, and a patient ear."""

from __future__ import annotations

import asyncio
import time
from uuid import uuid4

from parley.bots import Bot, has_tone
from parley.bots.sources import SAMPLE_RATE

PASSWORD = "correct horse battery"


async def bot(url: str, role: str) -> Bot:
    """A registered bot whose handle starts with ``role``."""
    player = Bot(url, name=role)
    await player.register(f"{role[:6]}{uuid4().hex[:8]}", PASSWORD)
    return player


async def hears(player: Bot, frequency: float, timeout: float = 10.0) -> bool:
    """Whether ``player`` hears ``frequency`` in its latest audio within ``timeout``."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        await asyncio.sleep(0.25)
        assert player.recorder is not None
        if has_tone(player.recorder.last(0.6), SAMPLE_RATE, frequency):
            return True
    return False
