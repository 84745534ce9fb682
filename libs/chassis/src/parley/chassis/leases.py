"""Leases in NATS KV: one holder at a time for work that must not run twice (a projection's
runner, a service's migrations), handed over when the holder stops or dies.

A lease is a key of the bucket ``parley_leases``, ``<service>.<name>``
(``room.projection.room_timers``), whose value names its holder (instance id, pid, host).

- **Expiry.** Every write carries a per-message TTL (``Nats-TTL``, :attr:`LeaseOptions.ttl_s`):
  a key nobody renews is gone ``ttl_s`` after its last renewal, and the server leaves a marker
  in its place, which every watcher sees.
- **Compare and set.** Every write expects the key's last revision
  (``Nats-Expected-Last-Subject-Sequence``; 0 when there is none): of two replicas taking a
  free lease at once exactly one succeeds, and a holder whose lease was taken learns it at its
  next renewal.
- **Holding.** The holder renews every ``renew_s``. It counts the lease as its own only until
  ``ttl_s - margin_s`` after the last renewal the server accepted (timed from when it was
  *sent*, so never later than the server's own expiry): a holder that cannot renew (stalled,
  cut off from NATS) stops its work before anyone else can start it.
- **Standing by.** The other replicas watch the service's leases and try at once when a key is
  deleted (a clean stop hands it over) or expires (its holder died); they also re-check every
  ``ttl_s`` in case a watch message was lost. A process whose instance id holds a lease takes
  it back at once (it restarted: an instance id names one process at a time).

:class:`LeaseKeeper` runs work (``start``/``stop``) exactly while its lease is held; the
projection runners of a service run under one each (``parley.chassis.service``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

import nats.errors
import nats.js.errors
from nats.aio.client import Client as NATS
from nats.js.api import Header, KeyValueConfig, StorageType
from nats.js.kv import KV_DEL, KV_PURGE, KeyValue

from parley.chassis.logs import get_logger

log = get_logger(__name__)

BUCKET = "parley_leases"
_STREAM = f"KV_{BUCKET}"
_SUBJECTS = f"$KV.{BUCKET}."
_KV_OPERATION = "KV-Operation"
_MARKER_REASON = "Nats-Marker-Reason"  # the server's marker where a key expired
_WRONG_LAST_SEQUENCE = (10071, 10164)
_RELEASE_ATTEMPTS = 5  # a renewal still on its way is stored within milliseconds
_RELEASE_RETRY_S = 0.02


@dataclass(frozen=True)
class LeaseOptions:
    ttl_s: float = 3.0  # a lease nobody renews is gone this long after its last renewal
    renew_s: float = 1.0
    margin_s: float = 0.5  # the holder stops this long before its lease could expire

    def __post_init__(self) -> None:
        if self.ttl_s < 1:
            raise ValueError("NATS expires messages after 1 s at the earliest")
        if not 0 < self.renew_s < self.ttl_s - self.margin_s:
            raise ValueError("renew_s must leave time to renew before ttl_s - margin_s")


@dataclass(frozen=True)
class Holder:
    """Who holds a lease: an instance id names one process at a time."""

    instance: str
    pid: int
    host: str

    @classmethod
    def this_process(cls, instance: str) -> Holder:
        return cls(instance=instance, pid=os.getpid(), host=socket.gethostname())

    def encode(self) -> bytes:
        return json.dumps({"instance": self.instance, "pid": self.pid, "host": self.host}).encode()

    @classmethod
    def decode(cls, data: bytes | None) -> Holder:
        try:
            value = json.loads(data or b"{}")
            return cls(instance=str(value["instance"]), pid=int(value["pid"]), host=value["host"])
        except (ValueError, KeyError, TypeError):
            return cls(instance="?", pid=0, host="?")


@dataclass(frozen=True)
class Seen:
    """A lease key as last read: its revision (0: never written) and holder (None: free)."""

    revision: int
    holder: Holder | None


class Leases:
    """The leases of one service process: the bucket, this process as a holder, and one watcher
    over the service's keys that wakes whoever stands by for a key that became free."""

    def __init__(
        self, nc: NATS, kv: KeyValue, service: str, holder: Holder, options: LeaseOptions
    ) -> None:
        self._js = nc.jetstream()
        self._kv = kv
        self.service = service
        self.holder = holder
        self.options = options
        self._freed: dict[str, asyncio.Event] = {}
        self._watch: asyncio.Task[None] | None = None

    @classmethod
    async def open(
        cls, nc: NATS, service: str, instance: str, options: LeaseOptions | None = None
    ) -> Leases:
        leases = cls(
            nc,
            await _bucket(nc),
            service,
            Holder.this_process(instance),
            options or LeaseOptions(),
        )
        leases._watch = asyncio.create_task(leases._watch_keys(), name=f"leases-{service}")
        return leases

    async def close(self) -> None:
        task, self._watch = self._watch, None
        if task is not None:
            await _cancel(task)

    def key(self, name: str) -> str:
        return f"{self.service}.{name}"

    def keeper(
        self,
        name: str,
        *,
        start: Callable[[], Awaitable[None]],
        stop: Callable[[], Awaitable[None]],
        alive: Callable[[], bool] | None = None,
    ) -> LeaseKeeper:
        """Runs ``start`` when this process gets lease ``name`` and ``stop`` when it loses it
        or gives it up (or when ``alive`` says the work died: then the lease is given up, so
        that it starts again, here or in another replica)."""
        return LeaseKeeper(Lease(self, self.key(name)), start=start, stop=stop, alive=alive)

    @contextlib.asynccontextmanager
    async def exclusive(
        self, name: str, *, ttl_s: float | None = None, timeout_s: float = 120.0
    ) -> AsyncIterator[None]:
        """Hold lease ``name`` (renewed) for the block, once it is free: for one-off work that
        two replicas must not do at once, such as migrations. ``ttl_s`` longer than the
        service's for work that may hold the event loop for seconds (renewals wait for it).
        TimeoutError when another holder keeps it longer than ``timeout_s``."""
        lease = Lease(self, self.key(name), ttl_s)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while not await lease.try_acquire():
            if loop.time() > deadline:
                raise TimeoutError(f"lease {lease.key} still held by {lease.seen_holder}")
            await self.wait_until_free(lease.key, self.options.ttl_s)
        renewing = asyncio.create_task(_keep_renewing(lease), name=f"renew-{lease.key}")
        try:
            yield
        finally:
            await _cancel(renewing)
            await lease.release()

    # -- the bucket ----------------------------------------------------------------------------

    async def read(self, key: str) -> Seen:
        try:
            msg = await self._js.get_msg(_STREAM, subject=_SUBJECTS + key, direct=True)
        except nats.js.errors.NotFoundError:
            return Seen(0, None)
        headers = msg.headers or {}
        free = headers.get(_KV_OPERATION) in (KV_DEL, KV_PURGE) or _MARKER_REASON in headers
        return Seen(msg.seq or 0, None if free else Holder.decode(msg.data))

    async def write(self, key: str, last: int, *, ttl_s: float, timeout_s: float) -> int | None:
        """Write this holder into ``key`` (expiring ``ttl_s`` later) if its last revision is
        ``last``; the new revision, or None when someone else wrote first."""
        headers = {
            Header.EXPECTED_LAST_SUBJECT_SEQUENCE.value: str(last),
            Header.MSG_TTL.value: f"{round(ttl_s * 1000)}ms",
        }
        try:
            ack = await self._js.publish(
                _SUBJECTS + key, self.holder.encode(), timeout=timeout_s, headers=headers
            )
        except nats.js.errors.APIError as error:
            if error.err_code in _WRONG_LAST_SEQUENCE:
                return None
            raise
        return int(ack.seq)

    async def delete(self, key: str, last: int) -> bool:
        """Delete ``key`` if its last revision is still ``last``; False when it is not (written
        since)."""
        headers = {_KV_OPERATION: KV_DEL, Header.EXPECTED_LAST_SUBJECT_SEQUENCE.value: str(last)}
        try:
            await self._js.publish(_SUBJECTS + key, b"", timeout=2.0, headers=headers)
        except nats.js.errors.APIError as error:
            if error.err_code in _WRONG_LAST_SEQUENCE:
                return False
            raise
        return True

    # -- standing by ---------------------------------------------------------------------------

    async def wait_until_free(self, key: str, timeout_s: float) -> None:
        """Until ``key`` is deleted or expires (as the watcher sees it), or ``timeout_s``."""
        freed = self._freed.setdefault(key, asyncio.Event())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(freed.wait(), timeout_s)
        freed.clear()

    async def _watch_keys(self) -> None:
        while True:
            try:
                watcher = await self._kv.watch(f"{self.service}.>", meta_only=True)
                try:
                    async for entry in watcher:
                        if entry is not None and entry.operation in (KV_DEL, KV_PURGE):
                            self._freed.setdefault(entry.key, asyncio.Event()).set()
                finally:
                    with contextlib.suppress(Exception):
                        await watcher.stop()  # type: ignore[no-untyped-call]
            except asyncio.CancelledError:
                raise
            except Exception as error:  # standbys still re-check every ttl_s meanwhile
                log.warning("lease.watch_failed", service=self.service, error=repr(error))
                await asyncio.sleep(self.options.ttl_s)


async def _bucket(nc: NATS) -> KeyValue:
    js = nc.jetstream()
    config = KeyValueConfig(
        bucket=BUCKET,
        description="Parley leases: one holder at a time (projection runners, migrations)",
        history=1,
        storage=StorageType.FILE,
        direct=True,
        limit_marker_ttl=1.0,  # a key that expires leaves a marker: standbys see it at once
    )
    try:
        return await js.create_key_value(config)
    except nats.js.errors.KeyValueLimitMarkerTTLNotSupportedError:
        log.warning("lease.no_expiry_markers", detail="standbys notice an expiry by polling")
        return await js.create_key_value(config.evolve(limit_marker_ttl=None))
    except nats.js.errors.BadRequestError:  # made before with another configuration
        return await js.key_value(BUCKET)


class Lease:
    """One lease key as seen by this process: taken, renewed and given back. ``ttl_s``
    overrides the service's for this key (margin and renewal period stay)."""

    def __init__(self, leases: Leases, key: str, ttl_s: float | None = None) -> None:
        self.leases = leases
        self.key = key
        self.ttl_s = ttl_s or leases.options.ttl_s
        self.revision: int | None = None  # ours while not None (and before valid_until)
        self.valid_until = 0.0  # loop time
        self.seen_holder: Holder | None = None  # who held it when we last could not take it

    @property
    def options(self) -> LeaseOptions:
        return self.leases.options

    def held(self) -> bool:
        return self.revision is not None and asyncio.get_running_loop().time() < self.valid_until

    async def try_acquire(self) -> bool:
        """Take the lease if it is free (or held by this very instance id, before a restart)."""
        try:
            seen = await self.leases.read(self.key)
            self.seen_holder = seen.holder
            if seen.holder is not None and seen.holder.instance != self.leases.holder.instance:
                return False
            return await self._write(seen.revision)
        except (nats.errors.Error, TimeoutError) as error:
            log.info("lease.acquire_failed", lease=self.key, error=repr(error))
            return False

    async def renew(self) -> bool:
        """False once the lease is lost: taken by another, or not renewed in time."""
        if self.revision is None:
            return False
        left = self.valid_until - asyncio.get_running_loop().time()
        try:
            if await self._write(self.revision, timeout_s=min(self.options.renew_s, left)):
                return True
            log.warning("lease.taken", lease=self.key)
        except (nats.errors.Error, TimeoutError) as error:
            if self.held():
                log.info("lease.renew_failed", lease=self.key, error=repr(error))
                return True
            log.warning("lease.expired", lease=self.key, error=repr(error))
        self.revision = None
        return False

    async def release(self) -> None:
        """Give the lease up if this instance holds it.

        A renewal cancelled on its way (a stop during a renewal) may still take effect, after
        the read that precedes the deletion: the server can answer that read (a direct get)
        before it has stored the renewal sent just ahead of it. The deletion, which expects the
        revision read, is then refused, and the lease would stay held until its TTL ran out
        (60 s for migrations: a replica starting meanwhile would wait that long). So while the
        lease still names this instance and the deletion is refused, read it again."""
        self.revision = None
        with contextlib.suppress(nats.errors.Error, TimeoutError):
            for _ in range(_RELEASE_ATTEMPTS):
                seen = await self.leases.read(self.key)
                if seen.holder is None or seen.holder.instance != self.leases.holder.instance:
                    return  # free already, or another replica's now
                if await self.leases.delete(self.key, seen.revision):
                    return
                await asyncio.sleep(_RELEASE_RETRY_S)
            log.warning("lease.release_failed", lease=self.key)

    async def _write(self, last: int, *, timeout_s: float | None = None) -> bool:
        loop = asyncio.get_running_loop()
        sent = loop.time()
        timeout_s = self.options.renew_s if timeout_s is None else max(timeout_s, 0.05)
        revision = await self.leases.write(self.key, last, ttl_s=self.ttl_s, timeout_s=timeout_s)
        if revision is None:
            self.revision = None
            return False
        self.revision = revision
        self.valid_until = sent + self.ttl_s - self.options.margin_s
        self.seen_holder = self.leases.holder
        return True


async def _cancel(task: asyncio.Task[None]) -> None:
    """Cancel until it takes: on Python 3.11, ``asyncio.wait_for`` swallows a cancellation that
    races with the completion of what it waits for, and the task would go on."""
    while not task.done():
        task.cancel()
        await asyncio.wait({task}, timeout=0.5)
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _keep_renewing(lease: Lease) -> None:
    while True:
        if not await lease.renew():
            log.warning("lease.lost_while_exclusive", lease=lease.key)
            return
        await asyncio.sleep(lease.options.renew_s)


State = Literal["starting", "active", "standby", "stopped"]


class LeaseKeeper:
    """Runs some work exactly while this process holds its lease: ``start`` once taken,
    ``stop`` once lost or given up (a clean stop gives it up, and the next replica takes it at
    once). Stands by otherwise. Work that dies by itself (``alive`` says so) is stopped and its
    lease given up; after a TTL this process competes for it again like any other."""

    def __init__(
        self,
        lease: Lease,
        *,
        start: Callable[[], Awaitable[None]],
        stop: Callable[[], Awaitable[None]],
        alive: Callable[[], bool] | None = None,
    ) -> None:
        self.lease = lease
        self._start = start
        self._stop = stop
        self._alive = alive or (lambda: True)
        self.state: State = "starting"
        self._task: asyncio.Task[None] | None = None

    @property
    def key(self) -> str:
        return self.lease.key

    @property
    def holder(self) -> Holder | None:
        """Who runs the work, as far as this process knows."""
        return self.lease.seen_holder

    async def begin(self) -> None:
        """One attempt now (a lone replica is active once this returns), then keep at it."""
        await self._attempt()
        self._task = asyncio.create_task(self._keep(), name=f"lease-{self.key}")

    async def end(self) -> None:
        """Stop the work (if it runs here), then give the lease up for the next replica."""
        task, self._task = self._task, None
        if task is not None:
            await _cancel(task)
        if self.state == "active":
            await self._stop_work()
        self.state = "stopped"
        await self.lease.release()

    async def _keep(self) -> None:
        options = self.lease.options
        while True:
            if self.state == "active":
                # Renew in time, and never work past the lease's validity unrenewed.
                left = self.lease.valid_until - asyncio.get_running_loop().time()
                await asyncio.sleep(max(0.0, min(options.renew_s, left)))
                if not self._alive():
                    await self._give_up_dead_work()
                elif not await self.lease.renew():
                    await self._lose()
            else:
                await self.lease.leases.wait_until_free(self.key, self.lease.ttl_s)
                await self._attempt()

    async def _attempt(self) -> None:
        if not await self.lease.try_acquire():
            self.state = "standby"
            return
        try:
            await self._start()
        except Exception:
            log.exception("lease.start_failed", lease=self.key)
            self.state = "standby"
            await self.lease.release()
            return
        self.state = "active"
        log.info("lease.acquired", lease=self.key, holder=self.lease.leases.holder.instance)

    async def _lose(self) -> None:
        log.warning("lease.lost", lease=self.key)
        self.state = "standby"
        await self._stop_work()

    async def _give_up_dead_work(self) -> None:
        log.error("lease.work_died", lease=self.key)
        self.state = "standby"
        await self._stop_work()
        await self.lease.release()
        await asyncio.sleep(self.lease.options.ttl_s)  # the other replicas' turn first

    async def _stop_work(self) -> None:
        try:
            await self._stop()
        except Exception:  # the work died of it: it is stopped all the same
            log.exception("lease.stop_failed", lease=self.key)
