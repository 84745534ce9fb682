"""The environment each service process starts with (pure: tested without processes)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from parley.cli.layout import Layout
from parley.cli.registry import Service
from parley.cli.replicas import Replica

# Inherited values that must not leak into every service: one shared DATABASE_URL would make
# all services write into one database; the private key belongs to the token signer only.
_NOT_INHERITED = (
    "DATABASE_URL",
    "PARLEY_DATABASE_URL",
    "PARLEY_NATS_URL",
    "PARLEY_HEALTH_PORT",
    "PARLEY_TOKEN_PRIVATE_KEY_FILE",
    "PARLEY_INSTANCE_ID",  # one name per process: parley up names each replica
)


@dataclass(frozen=True)
class TokenKeys:
    private: Path
    public: Path


def database_url(service: Service, env: Mapping[str, str], layout: Layout) -> str:
    """``PARLEY_<NAME>_DATABASE_URL`` when set, else a SQLite file in the data directory."""
    return env.get(service.database_url_variable) or layout.sqlite_url(service.name)


def service_env(
    service: Service,
    base: Mapping[str, str],
    *,
    layout: Layout,
    nats_url: str,
    keys: TokenKeys,
    http_port: int,
    replica: Replica | None = None,
) -> dict[str, str]:
    """The environment of ``service`` (of one ``replica`` of it: its instance id, its own
    settings and port, see :mod:`parley.cli.replicas`)."""
    replica = replica or Replica(service, 1, 1)
    env = {key: value for key, value in base.items() if key not in _NOT_INHERITED}
    env.update(
        NATS_URL=nats_url,
        PARLEY_DATA_DIR=str(layout.root),
        PARLEY_HTTP_PORT=str(replica.http_port(http_port)),
        PARLEY_TOKEN_PUBLIC_KEY_FILE=str(keys.public),
        PYTHONUNBUFFERED="1",  # output reaches the terminal line by line, not in 8 KiB blocks
    )
    env.update(replica.env())
    if service.has_database:
        env["DATABASE_URL"] = replica.database_url(database_url(service, base, layout), layout)
    if service.signs_tokens:
        env["PARLEY_TOKEN_PRIVATE_KEY_FILE"] = str(keys.private)
    return env


def redact_url(url: str) -> str:
    """The URL with any password replaced, fit for printing."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))
