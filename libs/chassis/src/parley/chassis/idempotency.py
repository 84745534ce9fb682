"""Idempotent commands: the outcome of each command id, kept for a window in NATS KV.

Every command carries a command id (header ``Parley-Command-Id``: the client's
``Idempotency-Key`` scoped to the caller, or one the gateway makes for the request and reuses
when it retries). A service runs each command through :meth:`CommandOutcomes.once`, which
claims the id before the command runs; a repeat of a finished command is answered with the
stored outcome (the result, or the refusal), never a second effect:

- ``claim``: ``create`` the key as *pending* (atomic: one claimant wins across replicas);
- a repeat that finds it *done* gets the stored reply; one whose payload differs from the
  first attempt's is refused (422 ``idempotency-key-reused``, as the IETF draft says);
- a repeat that finds it *pending* waits for the first attempt to finish, up to ``wait_s``
  or the request's own deadline (then a 409 ``command-in-progress``: retry with the same
  key); a pending claim older than ``pending_s`` belongs to an attempt that died (its
  replica was killed mid-command) and is taken over with a compare-and-set on its revision,
  and the command runs again: the deciders are idempotent on state (a second follow of the
  same user appends nothing), so the effect still happens once.

The key is the route's subject with the command id: the same id on two routes is two commands.
What is stored: results and domain refusals (4xx: nothing was applied, a repeat is refused
alike). Not stored: a bug (500) or an overload refusal (503), after which a retry may run.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from nats.aio.client import Client as NATS
from nats.js.api import KeyValueConfig, StorageType
from nats.js.errors import BucketNotFoundError, KeyNotFoundError, KeyWrongLastSequenceError
from nats.js.kv import KeyValue

from parley.chassis.errors import Conflict, DomainError, InvalidInput
from parley.chassis.logs import get_logger

log = get_logger(__name__)

COMMAND_ID_HEADER = "Parley-Command-Id"
MAX_COMMAND_ID_CHARS = 300
WINDOW_S = 24 * 3600.0
# A command's attempt is presumed dead once its claim is this old: every command is refused
# unless it starts within its start-by deadline (``bus.START_WITHIN_S``) and runs in well
# under a second; the gateway retries a silent attempt after ``bus.ATTEMPT_TIMEOUT_S``.
PENDING_S = 3.0
RELEASE_TIMEOUT_S = 1.0  # giving a claim back waits no longer than this
IN_PROGRESS = "command-in-progress"


@dataclass(frozen=True)
class Outcome:
    """A finished command's reply: the body, and the problem status when it was refused."""

    body: bytes
    problem_status: int | None = None

    def replay(self) -> bytes:
        """The stored result, or the stored refusal raised again."""
        if self.problem_status is not None:
            raise DomainError.from_problem(json.loads(self.body))
        return self.body


@dataclass(frozen=True)
class Command:
    """One command as the store knows it: its id on its route, and its payload's fingerprint."""

    command_id: str
    subject: str
    fingerprint: str = ""

    @property
    def key(self) -> str:
        return hashlib.sha256(f"{self.subject}\0{self.command_id}".encode()).hexdigest()


class CommandOutcomes:
    def __init__(
        self,
        kv: KeyValue,
        *,
        pending_s: float = PENDING_S,
        wait_s: float = 4.0,
        poll_s: float = 0.02,
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

    async def once(
        self,
        command: Command,
        run: Callable[[], Awaitable[bytes]],
        *,
        deadline: float | None = None,
    ) -> bytes:
        """``run``'s reply, running it only if no attempt of ``command`` ran before; a
        refusal (4xx) is stored and raised again for every repeat."""
        outcome = await self.claim(command, deadline=deadline)
        if outcome is not None:
            return outcome.replay()
        try:
            body = await run()
        except DomainError as refusal:
            if refusal.status >= 500:  # nothing applied, nothing to remember: a retry may run
                await self.release(command)
            else:
                problem = json.dumps(refusal.to_problem()).encode()
                await self.finish(command, Outcome(problem, refusal.status))
            raise
        except BaseException:
            await self.release(command)
            raise
        await self.finish(command, Outcome(body))
        return body

    async def claim(self, command: Command, *, deadline: float | None = None) -> Outcome | None:
        """None: this attempt runs the command (and must :meth:`finish` it). An
        :class:`Outcome`: the command finished before; answer with it. ``deadline`` (epoch
        seconds) bounds the wait for an attempt in progress."""
        wait_until = time.time() + self._wait_s
        if deadline is not None:
            wait_until = min(wait_until, deadline)
        while True:
            try:
                await self._kv.create(command.key, _pending(command))
                return None
            except KeyWrongLastSequenceError:
                pass
            try:
                entry = await self._kv.get(command.key)
            except KeyNotFoundError:
                continue  # expired or released meanwhile: claim it again
            record: dict[str, Any] = json.loads(entry.value or b"{}")
            if record.get("fingerprint", "") != command.fingerprint:
                raise InvalidInput(
                    "this Idempotency-Key was used for a different request; use a new key",
                    type="idempotency-key-reused",
                )
            if record.get("state") == "done":
                return Outcome(record["body"].encode(), record.get("problem_status"))
            started = float(record.get("started", 0))
            if time.time() - started > self._pending_s:
                try:  # the attempt that claimed it died: take over
                    await self._kv.update(command.key, _pending(command), last=entry.revision)
                    log.warning("command.pending_taken_over", command_id=command.command_id)
                    return None
                except KeyWrongLastSequenceError:
                    continue
            if time.time() > wait_until:
                raise Conflict(
                    "this command is still being applied; retry with the same key",
                    type=IN_PROGRESS,
                )
            await asyncio.sleep(self._poll_s)

    async def finish(self, command: Command, outcome: Outcome) -> None:
        record = {
            "state": "done",
            "fingerprint": command.fingerprint,
            "body": outcome.body.decode(),
            "problem_status": outcome.problem_status,
        }
        try:
            await self._kv.put(command.key, json.dumps(record).encode())
        except Exception:  # applied, but its outcome not kept: a repeat runs it again
            log.exception("command.outcome_not_stored", command_id=command.command_id)

    async def release(self, command: Command) -> None:
        """Forget a claim whose attempt ended without an outcome to keep (a bug, overload, a
        cancelled attempt). Bounded: a claim not given back expires after ``PENDING_S`` anyway."""
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._kv.delete(command.key), RELEASE_TIMEOUT_S)


def _pending(command: Command) -> bytes:
    return json.dumps(
        {"state": "pending", "started": time.time(), "fingerprint": command.fingerprint}
    ).encode()
