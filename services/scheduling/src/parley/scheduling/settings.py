"""Scheduling's settings on top of the chassis ones, from the environment: the limits and
timers of scheduled Spaces (``PARLEY_SCHEDULING_<FIELD>``) and where clients reach Parley
(``PARLEY_PUBLIC_URL``)."""

from __future__ import annotations

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import SettingsConfigDict

from parley.chassis.settings import ServiceSettings
from parley.scheduling.domain.rules import Limits


def _scheduling(name: str) -> str:
    return f"PARLEY_SCHEDULING_{name.upper()}"


class SchedulingSettings(ServiceSettings):
    # populate_by_name: in code (tests, an embedding program) fields go by their own names.
    model_config = SettingsConfigDict(populate_by_name=True)

    service_name: str = "scheduling"
    public_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("PARLEY_PUBLIC_URL"),
        description="Where clients reach Parley; share links are <public_url>/spaces/<id>",
    )
    http_port: int = Field(
        default=8080, description="The gateway's port (`parley up` tells every service)"
    )
    min_lead_s: float = Field(
        default=900,
        ge=0,
        validation_alias=_scheduling("min_lead_s"),
        description="A Space is scheduled at least this long ahead",
    )
    max_ahead_days: float = Field(
        default=30,
        gt=0,
        validation_alias=_scheduling("max_ahead_days"),
        description="A Space is scheduled at most this many days ahead",
    )
    max_upcoming: int = Field(
        default=10,
        ge=1,
        validation_alias=_scheduling("max_upcoming"),
        description="Upcoming scheduled Spaces a host may have at once",
    )
    host_reminders_s: str = Field(
        default="86400,3600",
        validation_alias=_scheduling("host_reminders_s"),
        description="The host is reminded this many seconds before the start (comma-separated)",
    )
    auto_cancel_s: float = Field(
        default=86400,
        gt=0,
        validation_alias=_scheduling("auto_cancel_s"),
        description="A scheduled Space not started this long after its time is canceled",
    )

    @field_validator("host_reminders_s")
    @classmethod
    def _seconds_list(cls, value: str) -> str:
        parse_seconds(value)
        return value

    def limits(self) -> Limits:
        return Limits(
            min_lead_s=self.min_lead_s,
            max_ahead_days=self.max_ahead_days,
            max_upcoming=self.max_upcoming,
        )

    def host_reminders(self) -> tuple[int, ...]:
        return parse_seconds(self.host_reminders_s)

    def resolved_public_url(self) -> str:
        return self.public_url or f"http://127.0.0.1:{self.http_port}"


def parse_seconds(value: str) -> tuple[int, ...]:
    """``"86400,3600"`` -> ``(86400, 3600)``; empty: no host reminders."""
    seconds = tuple(int(part) for part in value.replace(" ", "").split(",") if part)
    if any(second <= 0 for second in seconds):
        raise ValueError("host reminders are positive numbers of seconds")
    return tuple(sorted(set(seconds), reverse=True))
