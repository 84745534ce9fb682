"""Idempotent commands: the outcome of each command id, kept for a window in NATS KV.

Every command carries a command id (header ``Parley-Command-Id``: the client's
``Idempotency-Key`` scoped to the caller, or one the gateway makes). Before a service runs a
command it claims the id; a repeat of a finished command is answered with the stored outcome
(the result, or the refusal), never a second effect:

- ``claim``: ``create`` the key as *pending* (atomic: one claimant wins across replicas);
- a repeat that finds it *done* gets the stored reply;
- a repeat that finds it *pending* waits for the first attempt to finish, up to ``wait_s``
  (then a 409 ``command-in-progress``: retry with the same key); a pending claim older
  than ``pending_s`` belongs to an attempt that died (its
  replica was killed mid-command) and is taken over with a compare-and-set on its revision,
  and the command runs again: the deciders are idempotent on state (a second follow of the
  same user appends nothing), so the effect still happens once.

What is stored: results and domain refusals (4xx: nothing was applied, a repeat is refused
alike). Not stored: a bug (500) or an overload refusal (503), after which a retry may run.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any

from nats.aio.client import Client as NATS
from nats.js.api import KeyValueConfig, StorageType
from nats.js.errors import BucketNotFoundError, KeyNotFoundError, KeyWrongLastSequenceError
from nats.js.kv import KeyValue

from parley.chassis.errors import Conflict
from parley.chassis.logs import get_logger

log = get_logger(__name__)

COMMAND_ID_HEADER = "Parley-Command-Id"
MAX_COMMAND_ID_CHARS = 300
WINDOW_S = 24 * 3600.0


@dataclass(frozen=True)
class Outcome:
    """A finished command's reply: the body, and the problem status when it was refused."""

    body: bytes
    problem_status: int | None = None


def _key(command_id: str) -> str:
    return hashlib.sha256(command_id.encode()).hexdigest()


class CommandOutcomes:
    def __init__(
        self, kv: KeyValue, *, pending_s: float = 10.0, wait_s: float = 4.0, poll_s: float = 0.02
    ) -> None:
        self._kv = kv
        self._pending_s = pending_s  # a claim older than this belongs to an attempt that died
        self._wait_s = wait_s  # how long a repeat waits for the first attempt's outcome
        self._poll_s = poll_s

    @staticmethod
    async def open(
        nc: NATS, service: str, *, window_s: float = WINDOW_S, replicas: int = 1
    ) -> CommandOutcomes:
        js = nc.jetstream()
        bucket = f"commands_{service}"
        try:
            kv = await js.key_value(bucket)
        except BucketNotFoundError:
            kv = await js.create_key_value(
                KeyValueConfig(
                    bucket=bucket,
                    description=f"{service}: outcomes of commands by command id (idempotency)",
                    history=1,
                    ttl=window_s,
                    storage=StorageType.FILE,
                    replicas=replicas,
                )
            )
        return CommandOutcomes(kv)

    async def claim(self, command_id: str) -> Outcome | None:
        """None: this attempt runs the command (and must :meth:`finish` it). An
        :class:`Outcome`: the command finished before; answer with it."""
        key = _key(command_id)
        deadline = time.monotonic() + self._wait_s
        while True:
            try:
                await self._kv.create(key, _pending())
                return None
            except KeyWrongLastSequenceError:
                pass
            try:
                entry = await self._kv.get(key)
            except KeyNotFoundError:
                continue  # expired or released meanwhile: claim it again
            record: dict[str, Any] = json.loads(entry.value or b"{}")
            if record.get("state") == "done":
                return Outcome(record["body"].encode(), record.get("problem_status"))
            started = float(record.get("started", 0))
            if time.time() - started > self._pending_s:
                try:  # the attempt that claimed it died: take over
                    await self._kv.update(key, _pending(), last=entry.revision)
                    log.warning("command.pending_taken_over", command_id=command_id)
                    return None
                except KeyWrongLastSequenceError:
                    continue
            if time.monotonic() > deadline:
                raise Conflict(
                    "this command is still being applied; retry with the same key",
                    type="command-in-progress",
                )
            await asyncio.sleep(self._poll_s)

    async def finish(self, command_id: str, outcome: Outcome) -> None:
        record = {
            "state": "done",
            "body": outcome.body.decode(),
            "problem_status": outcome.problem_status,
        }
        await self._kv.put(_key(command_id), json.dumps(record).encode())

    async def release(self, command_id: str) -> None:
        """Forget a claim whose attempt failed without an outcome to keep (a bug)."""
        with contextlib.suppress(KeyNotFoundError):
            await self._kv.delete(_key(command_id))


def _pending() -> bytes:
    return json.dumps({"state": "pending", "started": time.time()}).encode()
