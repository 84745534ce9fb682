"""Waiting until one of clipping's read models has applied everything its stream holds right
now: for a reaction that looks something up in a read model, which lags its stream (a read
model whose filter lets every event of its stream through, or its position never gets there).

Woken by the projection runner's commit (``infra.positions``), not by polling."""

from __future__ import annotations

from dataclasses import dataclass

from nats.aio.client import Client as NATS

from parley.chassis.projections import Positions
from parley.contracts.streams import StreamSpec


class NotCaughtUp(RuntimeError):
    """A read model is behind its stream: the event is retried later."""


@dataclass(frozen=True)
class CatchUp:
    nc: NATS
    positions: Positions
    timeout_s: float = 5.0

    async def wait(self, projection: str, stream: StreamSpec) -> None:
        info = await self.nc.jetstream().stream_info(stream.name)
        last = int(info.state.last_seq)
        if not await self.positions.wait(projection, last, self.timeout_s):
            raise NotCaughtUp(f"{projection} has not reached {stream.name} {last} yet")
