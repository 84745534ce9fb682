from pathlib import Path

from parley.cli.child_env import TokenKeys, redact_url, service_env
from parley.cli.layout import Layout
from parley.cli.registry import Service

LAYOUT = Layout(Path("/srv/parley"))
KEYS = TokenKeys(private=Path("/srv/parley/keys/private.pem"), public=Path("/k/public.pem"))


def env_for(service: Service, base: dict[str, str]) -> dict[str, str]:
    return service_env(
        service, base, layout=LAYOUT, nats_url="nats://127.0.0.1:4999", keys=KEYS, http_port=9090
    )


def test_every_service_gets_the_broker_data_dir_public_key_and_port() -> None:
    env = env_for(Service("room"), {"PATH": "/bin"})

    assert env["PATH"] == "/bin"
    assert env["NATS_URL"] == "nats://127.0.0.1:4999"
    assert env["PARLEY_DATA_DIR"] == "/srv/parley"
    assert env["PARLEY_TOKEN_PUBLIC_KEY_FILE"] == "/k/public.pem"
    assert env["PARLEY_HTTP_PORT"] == "9090"
    assert env["PYTHONUNBUFFERED"] == "1"


def test_default_database_is_a_sqlite_file_per_service_in_the_data_dir() -> None:
    env = env_for(Service("room"), {})

    assert env["DATABASE_URL"] == "sqlite+aiosqlite:////srv/parley/room.db"


def test_per_service_database_variable_wins_and_a_shared_one_is_not_inherited() -> None:
    base = {
        "DATABASE_URL": "postgresql+asyncpg://shared/one",
        "PARLEY_IDENTITY_DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1/parley_identity",
    }

    identity = env_for(Service("identity"), base)
    room = env_for(Service("room"), base)

    assert identity["DATABASE_URL"] == "postgresql+asyncpg://postgres@127.0.0.1/parley_identity"
    assert room["DATABASE_URL"] == "sqlite+aiosqlite:////srv/parley/room.db"


def test_only_the_token_signer_gets_the_private_key() -> None:
    base = {"PARLEY_TOKEN_PRIVATE_KEY_FILE": "/elsewhere/private.pem"}

    assert env_for(Service("identity", signs_tokens=True), base)[
        "PARLEY_TOKEN_PRIVATE_KEY_FILE"
    ] == str(KEYS.private)
    assert "PARLEY_TOKEN_PRIVATE_KEY_FILE" not in env_for(Service("gateway"), base)


def test_the_broker_url_replaces_any_inherited_one() -> None:
    env = env_for(Service("room"), {"NATS_URL": "nats://old:4222", "PARLEY_NATS_URL": "x"})

    assert env["NATS_URL"] == "nats://127.0.0.1:4999"
    assert "PARLEY_NATS_URL" not in env


def test_inherited_settings_such_as_moderators_pass_through() -> None:
    env = env_for(Service("identity"), {"PARLEY_MODERATOR_HANDLES": "alice,bob"})

    assert env["PARLEY_MODERATOR_HANDLES"] == "alice,bob"


def test_passwords_are_redacted_for_printing() -> None:
    assert (
        redact_url("postgresql+asyncpg://app:s3cret@db.local:5432/parley")
        == "postgresql+asyncpg://app:***@db.local:5432/parley"
    )
    assert redact_url("sqlite+aiosqlite:////tmp/x.db") == "sqlite+aiosqlite:////tmp/x.db"
    assert redact_url("nats://127.0.0.1:4222") == "nats://127.0.0.1:4222"


def test_a_stateless_service_gets_no_database() -> None:
    env = env_for(Service("gateway", has_database=False), {"DATABASE_URL": "x"})

    assert "DATABASE_URL" not in env
