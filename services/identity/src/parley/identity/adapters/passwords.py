"""Password hashing with argon2id, off the event loop and with bounded concurrency (each hash
holds ``memory_kib`` of RAM, so an unbounded burst of registrations could exhaust memory). A
request waits for a hashing slot no longer than its start-by deadline: a burst beyond what the
machine hashes in time is refused (503 ``overloaded``) before any account is made."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from argon2 import PasswordHasher as Argon2Hasher
from argon2 import Type
from argon2.exceptions import InvalidHashError, VerificationError

from parley.chassis.bus import request_slot


@dataclass(frozen=True)
class HashingCost:
    """argon2id cost. The defaults are RFC 9106's second recommended option (64 MiB, t=3)."""

    time_cost: int = 3
    memory_kib: int = 64 * 1024
    parallelism: int = 4


class PasswordHasher:
    def __init__(self, cost: HashingCost = HashingCost(), max_concurrent: int = 4) -> None:
        self._argon2 = Argon2Hasher(
            time_cost=cost.time_cost,
            memory_cost=cost.memory_kib,
            parallelism=cost.parallelism,
            type=Type.ID,
        )
        self._slots = asyncio.Semaphore(max_concurrent)
        self._decoy: str | None = None

    async def hash(self, password: str) -> str:
        async with request_slot(self._slots):
            return await asyncio.to_thread(self._argon2.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        async with request_slot(self._slots):
            return await asyncio.to_thread(self._verify, password_hash, password)

    async def verify_decoy(self, password: str) -> None:
        """Spend as long as a real verification, so that an unknown handle cannot be told from
        a wrong password by timing."""
        if self._decoy is None:
            self._decoy = await self.hash("decoy password, never matches")
        await self.verify(self._decoy, password)

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the hash was made with other costs than the configured ones."""
        try:
            return self._argon2.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._argon2.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
