"""Placement: which relay worker serves whom. Pure; the inputs are the workers' heartbeats.

- A Space has one **origin** worker, which mixes and encodes its program. It is the worker
  that already announces itself as the origin, else the rendezvous-hash winner among live
  workers (so every worker computes the same answer without talking to the others).
- **Stage members** are always served by the origin (their audio must reach the mixer).
- **Listeners** are served by the origin while it has capacity; past that by the least
  loaded worker with room, which receives the program over NATS (origin → edge).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class WorkerLoad:
    worker_id: str
    listeners: int
    capacity: int
    origins: frozenset[str] = frozenset()

    @property
    def has_room(self) -> bool:
        return self.listeners < self.capacity


class NoWorkers(Exception):
    slug = "no-media-workers"
    status = 503
    detail = "no media relay worker is available"


def _score(key: str, worker_id: str) -> int:
    digest = hashlib.blake2b(f"{key}|{worker_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def rendezvous(key: str, worker_ids: list[str]) -> str:
    if not worker_ids:
        raise NoWorkers()
    return max(sorted(worker_ids), key=lambda worker: _score(key, worker))


def origin_of(space_id: str, workers: Mapping[str, WorkerLoad]) -> str:
    announced = sorted(w for w, load in workers.items() if space_id in load.origins)
    if announced:
        return announced[0]
    return rendezvous(space_id, list(workers))


def place(space_id: str, user_id: str, *, on_stage: bool, workers: Mapping[str, WorkerLoad]) -> str:
    """The worker that should serve ``user_id`` in ``space_id``."""
    origin = origin_of(space_id, workers)
    if on_stage or workers[origin].has_room:
        return origin
    with_room = [load for load in workers.values() if load.has_room]
    if not with_room:
        return origin  # everyone is full: the origin degrades rather than refusing
    least = min(load.listeners for load in with_room)
    candidates = [load.worker_id for load in with_room if load.listeners == least]
    return rendezvous(f"{space_id}|{user_id}", candidates)
