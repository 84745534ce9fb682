"""What the media relay's handlers are given (built by the composition root)."""

from __future__ import annotations

from dataclasses import dataclass

from parley.chassis.bus import BusClient
from parley.media_relay.engine.worker import RelayWorker


@dataclass(frozen=True)
class MediaDeps:
    worker: RelayWorker
    bus: BusClient  # forwards a negotiation to the worker placement chose
