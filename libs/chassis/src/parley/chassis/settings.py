"""Settings from the environment, shared by every service (``PARLEY_*`` and a few plain names)."""

from __future__ import annotations

import os
import re
import secrets
import socket
from pathlib import Path
from typing import TypeVar

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from parley.chassis.leases import LeaseOptions

_INSTANCE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def default_instance_id() -> str:
    """``<host>-<pid>-<random>``: unique to this process (and to each service started in it)."""
    host = re.sub(r"[^A-Za-z0-9_-]", "-", socket.gethostname())[:40] or "host"
    return f"{host}-{os.getpid()}-{secrets.token_hex(2)}"


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PARLEY_", extra="ignore")

    service_name: str = "service"
    nats_url: str = Field(
        default="nats://127.0.0.1:4222",
        validation_alias=AliasChoices("NATS_URL", "PARLEY_NATS_URL"),
    )
    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "PARLEY_DATABASE_URL"),
        description="SQLAlchemy async URL; default is a SQLite file under data_dir",
    )
    data_dir: Path = Path(".parley")
    log_level: str = "INFO"
    log_json: bool = True
    health_port: int | None = Field(default=None, description="Serve /healthz and /readyz here")
    otel_exporter: str = Field(
        default="none",
        description="none (spans not recorded, a caller's trace passes through) | console | otlp",
    )
    stream_replicas: int = 1
    instance_id: str = Field(
        default_factory=default_instance_id,
        description="This replica's name, unique among the running replicas of the service "
        "(PARLEY_INSTANCE_ID; `parley up` sets <service>-<n>): it holds leases, and a process "
        "started again under the same id takes its leases back at once",
    )
    lease_ttl_s: float = Field(
        default=3.0,
        ge=1.0,
        description="A projection lease nobody renews expires this long after its last renewal "
        "(how long a standby waits after its holder died)",
    )
    lease_renew_s: float = Field(default=1.0, gt=0, description="How often a holder renews")

    token_private_key_file: Path | None = Field(
        default=None, description="PEM Ed25519 private key (identity signs access tokens)"
    )
    token_public_key_file: Path | None = Field(
        default=None, description="PEM Ed25519 public key (the gateway verifies tokens)"
    )
    token_ttl_s: int = 3600

    @field_validator("instance_id")
    @classmethod
    def _instance_token(cls, value: str) -> str:
        if not _INSTANCE_ID.fullmatch(value):
            raise ValueError("an instance id is 1-64 letters, digits, '-' or '_'")
        return value

    def lease_options(self) -> LeaseOptions:
        return LeaseOptions(ttl_s=self.lease_ttl_s, renew_s=self.lease_renew_s)

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite+aiosqlite:///{(self.data_dir / f'{self.service_name}.db').resolve()}"


S = TypeVar("S", bound=ServiceSettings)


def own_settings(settings: ServiceSettings, settings_type: type[S]) -> S:
    """A service's own settings type. Started with plain chassis settings (as by tests or an
    embedding program), the service reads the rest of its own from the environment; what the
    caller set explicitly wins."""
    if isinstance(settings, settings_type):
        return settings
    return settings_type().model_copy(update=settings.model_dump(exclude_unset=True))
