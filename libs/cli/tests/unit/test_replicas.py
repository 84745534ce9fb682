from pathlib import Path

import pytest

from parley.cli.child_env import TokenKeys, service_env
from parley.cli.layout import Layout
from parley.cli.main import build_parser, options_from
from parley.cli.registry import SERVICES, Probe, Service
from parley.cli.replicas import Replica, ReplicaError, check_replicas, replicas_of

LAYOUT = Layout(Path("/srv/parley"))
KEYS = TokenKeys(private=Path("/srv/parley/keys/private.pem"), public=Path("/k/public.pem"))
RELAY = next(service for service in SERVICES if service.name == "media_relay")
GATEWAY = Service("gateway", probe=Probe.HTTP_READYZ, has_database=False)


def env_of(replica: Replica, base: dict[str, str] | None = None) -> dict[str, str]:
    return service_env(
        replica.service,
        base or {},
        layout=LAYOUT,
        nats_url="nats://127.0.0.1:4999",
        keys=KEYS,
        http_port=8080,
        replica=replica,
    )


def test_one_replica_keeps_the_service_name_and_several_are_numbered() -> None:
    assert [r.name for r in replicas_of([Service("room")], 1)] == ["room"]
    assert [r.name for r in replicas_of([Service("identity"), Service("room")], 2)] == [
        "identity-1",
        "identity-2",
        "room-1",
        "room-2",
    ]
    with pytest.raises(ReplicaError):
        replicas_of([Service("room")], 0)


def test_each_replica_is_named_by_its_instance_id_and_shares_the_service_database() -> None:
    one, two = replicas_of([Service("room")], 2)

    assert env_of(one)["PARLEY_INSTANCE_ID"] == "room-1"
    assert env_of(two)["PARLEY_INSTANCE_ID"] == "room-2"
    assert env_of(one)["DATABASE_URL"] == env_of(two)["DATABASE_URL"]
    assert env_of(two)["DATABASE_URL"] == "sqlite+aiosqlite:////srv/parley/room.db"
    assert env_of(Replica(Service("room"), 1, 1))["PARLEY_INSTANCE_ID"] == "room"
    inherited = env_of(one, {"PARLEY_INSTANCE_ID": "elsewhere"})
    assert inherited["PARLEY_INSTANCE_ID"] == "room-1"


def test_gateway_replicas_listen_on_consecutive_ports_and_services_get_the_public_one() -> None:
    gateways = replicas_of([GATEWAY], 3)

    assert [env_of(r)["PARLEY_HTTP_PORT"] for r in gateways] == ["8080", "8081", "8082"]
    assert env_of(replicas_of([Service("room")], 3)[2])["PARLEY_HTTP_PORT"] == "8080"


def test_relay_workers_each_get_a_worker_id_and_a_database_of_their_own() -> None:
    one, two = replicas_of([RELAY], 2)

    assert env_of(one)["PARLEY_MEDIA_WORKER_ID"] == "w1"
    assert env_of(two)["PARLEY_MEDIA_WORKER_ID"] == "w2"
    assert env_of(one)["DATABASE_URL"] == "sqlite+aiosqlite:////srv/parley/media_relay.db"
    assert env_of(two)["DATABASE_URL"] == "sqlite+aiosqlite:////srv/parley/media_relay-w2.db"


def test_a_lone_relay_keeps_the_worker_id_the_environment_gives_it() -> None:
    (alone,) = replicas_of([RELAY], 1)

    assert env_of(alone, {"PARLEY_MEDIA_WORKER_ID": "edge7"})["PARLEY_MEDIA_WORKER_ID"] == "edge7"


def test_relay_replicas_cannot_share_a_configured_database() -> None:
    shared = {"PARLEY_MEDIA_RELAY_DATABASE_URL": "postgresql+asyncpg://db/relay"}

    with pytest.raises(ReplicaError, match="PARLEY_MEDIA_RELAY_DATABASE_URL"):
        check_replicas(replicas_of([RELAY], 2), shared)
    check_replicas(replicas_of([RELAY], 1), shared)
    check_replicas(replicas_of([Service("room")], 2), {"PARLEY_ROOM_DATABASE_URL": "x"})


def test_replicas_come_from_the_flag_or_parley_replicas() -> None:
    assert options_from(build_parser({}).parse_args(["up"])).replicas == 1
    from_env = build_parser({"PARLEY_REPLICAS": "2"})
    assert options_from(from_env.parse_args(["up"])).replicas == 2
    assert options_from(from_env.parse_args(["up", "--replicas", "3"])).replicas == 3
    with pytest.raises(SystemExit):
        build_parser({}).parse_args(["up", "--replicas", "0"])
