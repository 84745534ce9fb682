"""``parley up``: broker, token keys, every installed service as its own process, readiness,
then serve until Ctrl-C/SIGTERM (or until a service keeps crashing) and stop in order."""

from __future__ import annotations

import asyncio
import contextlib
import enum
import os
import signal
import sys
from collections.abc import Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import nats
from nats.aio.client import Client as NATS

from parley.chassis.embedded_nats import free_port
from parley.chassis.tokens import generate_key_pair
from parley.cli import broker, processes, readiness
from parley.cli.child_env import TokenKeys, database_url, redact_url, service_env
from parley.cli.crash_policy import CrashPolicy
from parley.cli.layout import Layout
from parley.cli.preflight import exclusive_lock, port_is_free
from parley.cli.registry import SERVICES, Service, split_installed
from parley.cli.replicas import Replica, ReplicaError, check_replicas, replicas_of
from parley.cli.supervisor import ChildSpec, Supervisor
from parley.cli.terminal import Terminal, describe_stop, failure_banner, short
from parley.cli.waiting import ReadinessWatch, not_ready_banner

BROKER_TIMEOUT_S = 20.0


@dataclass(frozen=True)
class UpOptions:
    data_dir: Path
    http_port: int
    ready_timeout_s: float = 120.0
    stop_timeout_s: float = 10.0
    crash_policy: CrashPolicy = field(default_factory=CrashPolicy)
    replicas: int = 1  # processes of each service (parley.cli.replicas)


class Outcome(enum.Enum):
    READY = "ready"
    STOP_REQUESTED = "stop requested"
    FAILED = "failed"


def public_url(http_host: str, http_port: int) -> str:
    host = "127.0.0.1" if http_host in ("", "0.0.0.0", "::") else http_host
    return f"http://{host}:{http_port}"


class Stack:
    def __init__(
        self,
        options: UpOptions,
        env: Mapping[str, str],
        terminal: Terminal,
        registry: Sequence[Service] = SERVICES,
    ) -> None:
        self.options = options
        self.registry = registry
        self.env = env
        self.terminal = terminal
        self.layout = Layout.at(options.data_dir)
        self.http_host = env.get("PARLEY_HTTP_HOST", "127.0.0.1")
        self.supervisor = Supervisor(
            terminal, options.crash_policy, on_restarted=self._on_restarted
        )
        self.stop_requested = asyncio.Event()
        self.services: list[Service] = []
        self.replicas: list[Replica] = []
        self.embedded_broker = False
        self.nc: NATS | None = None
        self.failure = ""
        self._background: set[asyncio.Task[Any]] = set()

    # -- the whole life ---------------------------------------------------------------------

    async def run(self) -> int:
        self.services, missing = split_installed(self.registry)
        if not self.services:
            self.terminal.alarm(failure_banner("no Parley service is installed: run `uv sync`"))
            return 2
        try:
            self.replicas = replicas_of(self.services, self.options.replicas)
            check_replicas(self.replicas, self.env)
        except ReplicaError as error:
            self.terminal.alarm(failure_banner(f"parley up: {error}"))
            return 2
        self.layout.create()
        with exclusive_lock(self.layout.lock_file) as locked:
            if not locked:
                self.terminal.alarm(
                    failure_banner(f"another `parley up` is using {self.layout.root}")
                )
                return 2
            taken = [port for port in self._http_ports() if not port_is_free(self.http_host, port)]
            if taken:
                self.terminal.alarm(
                    failure_banner(
                        f"port {taken[0]} is already in use",
                        ["stop what uses it, or pass --port / set PARLEY_HTTP_PORT"],
                    )
                )
                return 2
            self.terminal.fit([broker.NAME, *(replica.name for replica in self.replicas)])
            self._listen_for_signals()
            try:
                return await self._run_until_stopped(missing)
            finally:
                await self._shut_down()

    async def _run_until_stopped(self, missing: Sequence[Service]) -> int:
        outcome = await self._first(self._start(missing))
        if outcome is Outcome.READY:
            self._announce()
            outcome = await self._first(_forever())
        if outcome is Outcome.FAILED:
            self.terminal.alarm(failure_banner(f"parley up failed: {self.failure}"))
            return 1
        return 0

    # -- starting ---------------------------------------------------------------------------

    async def _start(self, missing: Sequence[Service]) -> bool:
        """Broker, keys, services, readiness; False (with ``self.failure`` set) if it failed."""
        self.terminal.say(f"data directory {self.layout.root}")
        nats_url = await self._start_broker()
        if nats_url is None or not await self._connect(nats_url):
            return False
        keys = self._token_keys()
        if missing:
            self.terminal.say("not installed yet, skipped: " + ", ".join(s.name for s in missing))
        if self.options.replicas > 1:
            self.terminal.say(f"{self.options.replicas} replicas of each service")
        for replica in self.replicas:
            await self._start_replica(replica, nats_url, keys)
        return await self._all_ready()

    async def _start_broker(self) -> str | None:
        if url := self.env.get("NATS_URL"):
            self.terminal.say(f"using NATS at {redact_url(url)} (NATS_URL)")
            return url
        port = free_port()
        self.embedded_broker = True
        pid = await self.supervisor.start(broker.broker_child(self.layout, port))

        async def listening() -> bool:
            return await readiness.tcp_listening("127.0.0.1", port)

        if not await readiness.wait_until_ready(listening, timeout_s=BROKER_TIMEOUT_S):
            log_file = self.layout.log_file(broker.NAME)
            self.terminal.alarm(not_ready_banner(broker.NAME, BROKER_TIMEOUT_S, log_file))
            self.failure = "nats-server did not start listening"
            return None
        self.terminal.say(
            f"nats-server ready on {broker.broker_url(port)} (pid {pid}, JetStream in "
            f"{short(self.layout.nats_dir)}, log {short(self.layout.log_file(broker.NAME))})"
        )
        return broker.broker_url(port)

    async def _connect(self, nats_url: str) -> bool:
        """Our own client, for health requests. Bounded attempts: nats-py also applies them to
        the first connection, which would otherwise retry an unreachable NATS_URL forever."""

        async def quiet(error: Exception) -> None:
            pass  # failures surface as a clear message or as a probe saying "not ready"

        try:
            self.nc = await nats.connect(
                nats_url,
                name="parley-up",
                connect_timeout=2,
                reconnect_time_wait=0.5,
                max_reconnect_attempts=20,
                error_cb=quiet,
            )
        except Exception as error:  # whatever it is, NATS cannot be reached
            self.failure = f"cannot connect to NATS at {redact_url(nats_url)}: {error!r}"
            return False
        return True

    def _token_keys(self) -> TokenKeys:
        private, public = generate_key_pair(self.layout.keys_dir)
        self.terminal.say(f"token keys in {short(self.layout.keys_dir)}")
        return TokenKeys(private=private, public=public)

    async def _start_replica(self, replica: Replica, nats_url: str, keys: TokenKeys) -> None:
        service = replica.service
        env = service_env(
            service,
            self.env,
            layout=self.layout,
            nats_url=nats_url,
            keys=keys,
            http_port=self.options.http_port,
            replica=replica,
        )
        log_file = self.layout.log_file(replica.name)
        spec = ChildSpec(replica.name, (sys.executable, "-m", service.module), log_file, env)
        pid = await self.supervisor.start(spec)
        details = [f"pid {pid}"]
        if service.has_database:
            url = replica.database_url(database_url(service, self.env, self.layout), self.layout)
            details.append(f"database {redact_url(url)}")
        if replica.serves_http:
            details.append(f"port {replica.http_port(self.options.http_port)}")
        if replica.count > 1 and (setting := replica.setting()) is not None:
            details.append(f"{setting[0]}={setting[1]}")
        details.append(f"log {short(log_file)}")
        self.terminal.say(f"started {replica.name} ({', '.join(details)})")

    # -- readiness --------------------------------------------------------------------------

    def _watch(self) -> ReadinessWatch:
        probes = {replica.name: self._probe(replica) for replica in self.replicas}
        return ReadinessWatch(
            self.terminal, probes, self.options.ready_timeout_s, self.layout.log_file
        )

    def _probe(self, replica: Replica) -> readiness.Probe:
        if replica.serves_http:
            port = replica.http_port(self.options.http_port)
            return lambda: readiness.http_ready("127.0.0.1", port)
        assert self.nc is not None
        nc, name = self.nc, replica.service.name
        if replica.count == 1:
            return lambda: readiness.nats_health(nc, name)
        return lambda: readiness.nats_replica_health(nc, name, replica.name, replica.count)

    async def _all_ready(self) -> bool:
        late = await self._watch().all_ready()
        if late:
            self.failure = f"{', '.join(late)} not ready in time"
        return not late

    def _on_restarted(self, name: str) -> None:
        if any(replica.name == name for replica in self.replicas):
            self._spawn_background(self._watch().ready_again(name))

    def _announce(self) -> None:
        url = public_url(self.http_host, self.options.http_port)
        self.terminal.say("")
        self.terminal.say(f"Parley is up: {url}")
        gateways = [replica for replica in self.replicas if replica.serves_http]
        if len(gateways) > 1:
            self.terminal.say(
                "gateway replicas: "
                + ", ".join(
                    f"{public_url(self.http_host, r.http_port(self.options.http_port))} ({r.name})"
                    for r in gateways
                )
            )
        if self.options.replicas > 1:
            self.terminal.say(
                "replicas (pid): "
                + ", ".join(f"{r.name} {self.supervisor.pid(r.name)}" for r in self.replicas)
            )
        self.terminal.say(f"logs in {short(self.layout.logs_dir)}/; press Ctrl-C to stop")
        self.terminal.say("")

    # -- stopping ---------------------------------------------------------------------------

    def _listen_for_signals(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self._on_signal, sig)

    def _on_signal(self, sig: signal.Signals) -> None:
        if not self.stop_requested.is_set():
            self.terminal.say(f"{sig.name}: stopping")
        self.stop_requested.set()

    async def _first(self, work: Coroutine[Any, Any, bool]) -> Outcome:
        """Run ``work`` until it finishes (True: READY, False: FAILED), a stop is requested or
        the supervisor gives up on a crashing child (FAILED)."""
        working = asyncio.create_task(work)
        stopping = asyncio.create_task(self.stop_requested.wait())
        crashing = asyncio.create_task(self.supervisor.failed.wait())
        done, pending = await asyncio.wait(
            {working, stopping, crashing}, return_when=asyncio.FIRST_COMPLETED
        )
        for task in pending:
            task.cancel()
        if crashing in done:
            self.failure = self.supervisor.failure
            return Outcome.FAILED
        if stopping in done:
            return Outcome.STOP_REQUESTED
        return Outcome.READY if working.result() else Outcome.FAILED

    async def _shut_down(self) -> None:
        for task in self._background:
            task.cancel()
        names = [r.name for r in reversed(self.replicas) if self.supervisor.pid(r.name)]
        if names:
            self.terminal.say(f"stopping {', '.join(names)}")
        codes = await self.supervisor.stop(names, self.options.stop_timeout_s)
        for name, code in codes.items():
            if code is not None:
                self.terminal.say(f"stopped {name} {describe_stop(code)}")
        if self.nc is not None:
            with contextlib.suppress(Exception):
                await self.nc.close()
        if self.embedded_broker:
            await self.supervisor.stop([broker.NAME], self.options.stop_timeout_s)
            self.terminal.say("stopped nats-server")
        self._kill_leftovers()
        self.terminal.say("bye")

    def _kill_leftovers(self) -> None:
        """Every child ran in its own process group and that group was killed; anything still
        below us escaped it (a daemonising grandchild): say so and kill it."""
        below = processes.descendants(os.getpid())
        leftovers = sorted(pid for pid in below if processes.alive(pid))
        if not leftovers:
            return
        self.terminal.alarm(failure_banner(f"killing processes left behind: {leftovers}"))
        for pid in leftovers:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)

    def _http_ports(self) -> list[int]:
        return [
            replica.http_port(self.options.http_port)
            for replica in self.replicas
            if replica.serves_http
        ]

    def _spawn_background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)


async def _forever() -> bool:
    await asyncio.Event().wait()
    return True


def run_up(
    options: UpOptions,
    env: Mapping[str, str],
    *,
    registry: Sequence[Service] = SERVICES,
    out: TextIO | None = None,
) -> int:
    terminal = Terminal(out=out)

    async def main() -> int:
        return await Stack(options, env, terminal, registry).run()

    return asyncio.run(main())
