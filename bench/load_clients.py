"""The room benchmarks' load generator: a few client processes, each an asyncio loop with one
aiohttp session of keep-alive connections, so that the client is not what limits a storm.

The benchmark process hands each worker its share of the requests and of the concurrent
clients (50 clients over 2 processes: 25 each), and a start time on the machine's monotonic
clock (``time.perf_counter`` is ``CLOCK_MONOTONIC`` on Linux, the same in every process), so
that the workers start together and a storm's rate is all its requests over the time from that
start to the last answer. Their CPU is read from ``/proc`` like the stack's (``pids``) and
reported apart from it.

A refusal that promises nothing was applied (503 ``overloaded`` with ``Retry-After``: the
request could not start in time, issue 9) is retried after the wait it names, with the same
``Idempotency-Key``, as the web client does; so is a 504 (outcome unknown: the key makes the
retry safe). Latency is from the first attempt to the final answer; retries are counted.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import aiohttp

from parley.contracts.live import REACTION_EMOJI

MAX_RETRIES = 20


@dataclass(frozen=True)
class Call:
    """One request of a storm, as a user sends it."""

    method: str
    path: str
    token: str | None = None
    body: dict[str, Any] | None = None


@dataclass
class Answers:
    """What a storm got back, from every worker together."""

    started: float  # perf_counter of the common start
    ended: float  # perf_counter of the last answer
    statuses: list[int]  # per call, in the order given
    latencies: list[float]  # per call, seconds from first attempt to final answer
    bodies: dict[int, Any]  # call index -> decoded JSON body (when asked to keep them)
    retries: int  # 503 overloaded / 504 answers retried
    failures: list[str] = field(default_factory=list)  # non-2xx final answers, first few

    @property
    def seconds(self) -> float:
        return self.ended - self.started


@dataclass
class Reactions:
    """What a reaction storm got back, from every worker together."""

    started: float
    ended: float
    accepted: int = 0
    limited: int = 0
    retries: int = 0
    failed: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)


class LoadClients:
    """``processes`` worker processes serving storms until :meth:`close`."""

    def __init__(self, processes: int) -> None:
        context = multiprocessing.get_context("spawn")
        self._pipes: list[Connection] = []
        self._workers: list[multiprocessing.process.BaseProcess] = []
        for n in range(processes):
            ours, theirs = context.Pipe()
            worker = context.Process(
                target=_worker_main, args=(theirs,), name=f"load-client-{n + 1}", daemon=True
            )
            worker.start()
            theirs.close()
            self._pipes.append(ours)
            self._workers.append(worker)
        for pipe in self._pipes:
            assert pipe.recv() == "ready"

    def pids(self) -> dict[str, int]:
        return {f"load client {n + 1}": w.pid for n, w in enumerate(self._workers) if w.pid}

    def close(self) -> None:
        for pipe in self._pipes:
            with contextlib.suppress(OSError):
                pipe.send(("stop",))
        for worker in self._workers:
            worker.join(10)
            if worker.is_alive():
                worker.kill()

    def __enter__(self) -> LoadClients:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- storms ----------------------------------------------------------------------------

    def _split(self, concurrency: int) -> list[int]:
        workers = len(self._pipes)
        return [
            concurrency // workers + (1 if n < concurrency % workers else 0) for n in range(workers)
        ]

    async def storm(
        self,
        base_url: str,
        calls: list[Call],
        concurrency: int,
        *,
        keep_bodies: bool = False,
        at_start: Callable[[], object] | None = None,
        lead_s: float = 0.3,
    ) -> Answers:
        """Every call once, ``concurrency`` clients at a time (each takes the next call of its
        worker's share). ``at_start`` is called when the workers start sending (after the
        jobs were handed over: a CPU reading then leaves the hand-over out)."""
        shares = self._split(concurrency)
        busy = [n for n, clients in enumerate(shares) if clients]
        start_at = time.perf_counter() + lead_s
        for k, n in enumerate(busy):
            indices = list(range(k, len(calls), len(busy)))
            job = ("storm", base_url, indices, [calls[i] for i in indices], shares[n], start_at)
            self._pipes[n].send((*job, keep_bodies))
        await _until(start_at, at_start)
        parts = await asyncio.gather(*(self._answer(self._pipes[n]) for n in busy))
        statuses = [0] * len(calls)
        latencies = [0.0] * len(calls)
        bodies: dict[int, Any] = {}
        failures: list[str] = []
        retries = 0
        for part in parts:
            for i, status, latency in zip(
                part["indices"], part["statuses"], part["latencies"], strict=True
            ):
                statuses[i], latencies[i] = status, latency
            bodies.update(part["bodies"])
            failures += part["failures"]
            retries += part["retries"]
        ended = max((part["ended"] for part in parts), default=start_at)
        return Answers(start_at, ended, statuses, latencies, bodies, retries, failures[:10])

    async def react(
        self,
        base_url: str,
        space_id: str,
        tokens: list[str],
        seconds: float,
        *,
        at_start: Callable[[], object] | None = None,
        lead_s: float = 0.3,
    ) -> Reactions:
        """Each token's user reacts back to back for ``seconds`` (after a 429, waiting what
        ``Retry-After`` says: as fast as allowed)."""
        workers = [n for n in range(len(self._pipes)) if tokens[n :: len(self._pipes)]]
        start_at = time.perf_counter() + lead_s
        for n in workers:
            share = tokens[n :: len(self._pipes)]
            self._pipes[n].send(("react", base_url, space_id, share, start_at, start_at + seconds))
        await _until(start_at, at_start)
        parts = await asyncio.gather(*(self._answer(self._pipes[n]) for n in workers))
        result = Reactions(start_at, max(part["ended"] for part in parts))
        for part in parts:
            result.accepted += part["accepted"]
            result.limited += part["limited"]
            result.retries += part["retries"]
            result.failed += part["failed"]
            result.latencies += part["latencies"]
        return result

    @staticmethod
    async def _answer(pipe: Connection) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        ready = asyncio.Event()
        loop.add_reader(pipe.fileno(), ready.set)
        try:
            await ready.wait()
        finally:
            _stop_watching(loop, pipe)
        answer: dict[str, Any] = pipe.recv()
        if "error" in answer:
            raise RuntimeError(f"load client failed: {answer['error']}")
        return answer


# -- the worker process ------------------------------------------------------------------------


def _worker_main(pipe: Connection) -> None:
    try:
        import uvloop  # the loop the services run on, when installed

        uvloop.install()
    except ImportError:
        pass
    asyncio.run(_serve(pipe))


async def _serve(pipe: Connection) -> None:
    # Idle connections are let go before uvicorn's 5 s keep-alive timeout closes them under a
    # request; no cookie jar (every call carries its bearer token); no proxies from the env.
    connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=2, ttl_dns_cache=None)
    timeout = aiohttp.ClientTimeout(total=60)
    jar = aiohttp.DummyCookieJar()
    async with aiohttp.ClientSession(connector=connector, timeout=timeout, cookie_jar=jar) as http:
        pipe.send("ready")
        while True:
            job = await _next_job(pipe)
            try:
                if job[0] == "stop":
                    return
                if job[0] == "storm":
                    pipe.send(await _storm(http, *job[1:]))
                elif job[0] == "react":
                    pipe.send(await _react(http, *job[1:]))
            except Exception as error:  # told to the benchmark process
                pipe.send({"error": f"{type(error).__name__}: {error}"})


async def _next_job(pipe: Connection) -> tuple[Any, ...]:
    loop = asyncio.get_running_loop()
    ready = asyncio.Event()
    loop.add_reader(pipe.fileno(), ready.set)
    try:
        while not pipe.poll():
            ready.clear()
            await ready.wait()
    finally:
        _stop_watching(loop, pipe)
    job: tuple[Any, ...] = pipe.recv()
    return job


def _stop_watching(loop: asyncio.AbstractEventLoop, pipe: Connection) -> None:
    """Stop waiting for the pipe in the loop, and make it blocking again (uvloop made it
    non-blocking; ``recv`` of a message longer than the pipe's buffer needs it blocking)."""
    loop.remove_reader(pipe.fileno())
    os.set_blocking(pipe.fileno(), True)


async def _until(start_at: float, then: Callable[[], object] | None = None) -> None:
    await asyncio.sleep(max(0.0, start_at - time.perf_counter()))
    if then is not None:
        then()


def _headers(call: Call, key: str | None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {call.token}"} if call.token else {}
    if key:
        headers["Idempotency-Key"] = key
    return headers


async def _send(
    http: aiohttp.ClientSession, base_url: str, call: Call
) -> tuple[int, bytes, float, int]:
    """One call to its final answer: status, body, seconds, retries."""
    key = str(uuid.uuid4()) if call.method != "GET" else None
    headers = _headers(call, key)
    sent = time.perf_counter()
    retries = 0
    while True:
        async with http.request(
            call.method, base_url + call.path, headers=headers, json=call.body
        ) as response:
            body = await response.read()
            status = response.status
            retry_after = response.headers.get("Retry-After")
        if status in (503, 504) and retries < MAX_RETRIES and _retryable(status, body):
            retries += 1
            await asyncio.sleep(_seconds(retry_after, default=0.2))
            continue
        return status, body, time.perf_counter() - sent, retries


def _retryable(status: int, body: bytes) -> bool:
    """503 only when it says nothing was applied because the request could not start in time;
    504 always (the outcome is unknown, the same key answers it)."""
    if status == 504:
        return True
    try:
        return str(json.loads(body).get("type", "")).endswith("overloaded")
    except (ValueError, AttributeError):
        return False


def _seconds(value: str | None, default: float) -> float:
    try:
        return min(5.0, max(0.05, float(value))) if value else default
    except ValueError:
        return default


async def _storm(
    http: aiohttp.ClientSession,
    base_url: str,
    indices: list[int],
    calls: list[Call],
    concurrency: int,
    start_at: float,
    keep_bodies: bool,
) -> dict[str, Any]:
    statuses = [0] * len(calls)
    latencies = [0.0] * len(calls)
    bodies: dict[int, Any] = {}
    failures: list[str] = []
    retries = 0
    next_call = iter(range(len(calls)))

    async def client() -> None:
        nonlocal retries
        for k in next_call:
            try:
                status, body, seconds, retried = await _send(http, base_url, calls[k])
            except (aiohttp.ClientError, TimeoutError) as error:
                status, body, seconds, retried = 0, str(error).encode(), 0.0, 0
            statuses[k], latencies[k] = status, seconds
            retries += retried
            if not 200 <= status < 300:
                if len(failures) < 10:
                    failures.append(f"{status} {body[:200].decode(errors='replace')}")
            elif keep_bodies:
                bodies[indices[k]] = json.loads(body)

    await _until(start_at)
    await asyncio.gather(*(client() for _ in range(min(concurrency, len(calls)))))
    return {
        "indices": indices,
        "statuses": statuses,
        "latencies": latencies,
        "bodies": bodies,
        "failures": failures,
        "retries": retries,
        "ended": time.perf_counter(),
    }


async def _react(
    http: aiohttp.ClientSession,
    base_url: str,
    space_id: str,
    tokens: list[str],
    start_at: float,
    end_at: float,
) -> dict[str, Any]:
    tally: dict[str, Any] = {
        "accepted": 0,
        "limited": 0,
        "retries": 0,
        "failed": [],
        "latencies": [],
    }
    path = f"/api/v1/spaces/{space_id}/reactions"

    async def reactor(token: str) -> None:
        n = 0
        while time.perf_counter() < end_at:
            call = Call("POST", path, token, {"emoji": REACTION_EMOJI[n % len(REACTION_EMOJI)]})
            n += 1
            sent = time.perf_counter()
            async with http.post(
                base_url + path, headers=_headers(call, None), json=call.body
            ) as response:
                body = await response.read()
                status, retry_after = response.status, response.headers.get("Retry-After")
            tally["latencies"].append(time.perf_counter() - sent)
            if status in (200, 201, 202):
                tally["accepted"] += 1
            elif status == 429:
                tally["limited"] += 1
                wait = _seconds(retry_after, default=1.0)
                await asyncio.sleep(max(0.0, min(wait, end_at - time.perf_counter())))
            elif status == 503 and _retryable(status, body):
                tally["retries"] += 1
                await asyncio.sleep(_seconds(retry_after, default=0.2))
            else:
                tally["failed"].append(f"{status} {body[:200].decode(errors='replace')}")
                return

    await _until(start_at)
    await asyncio.gather(*(reactor(token) for token in tokens))
    return tally | {"ended": time.perf_counter(), "failed": tally["failed"][:10]}
