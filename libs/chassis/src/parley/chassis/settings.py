"""Settings from the environment, shared by every service (``PARLEY_*`` and a few plain names)."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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

    token_private_key_file: Path | None = Field(
        default=None, description="PEM Ed25519 private key (identity signs access tokens)"
    )
    token_public_key_file: Path | None = Field(
        default=None, description="PEM Ed25519 public key (the gateway verifies tokens)"
    )
    token_ttl_s: int = 3600

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
