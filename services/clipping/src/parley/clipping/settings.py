"""Clipping's settings on top of the chassis ones (``PARLEY_*`` environment variables)."""

from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from parley.chassis.settings import ServiceSettings


class ClippingSettings(ServiceSettings):
    # populate_by_name: in code (tests, an embedding program) fields go by their own names.
    model_config = SettingsConfigDict(populate_by_name=True)

    service_name: str = "clipping"
    clip_expiry_s: float = Field(
        default=30 * 86400,
        gt=0,
        validation_alias=AliasChoices("PARLEY_CLIP_EXPIRY_S"),
        description="A clip's audio is deleted this long after it is ready (spec §8: 30 days)",
    )
    public_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("PARLEY_PUBLIC_URL"),
        description="Where clients reach Parley; share links are <public_url>/clips/<id>",
    )
    http_port: int = Field(
        default=8080, description="The gateway's port (`parley up` tells every service)"
    )

    def resolved_public_url(self) -> str:
        return (self.public_url or f"http://127.0.0.1:{self.http_port}").rstrip("/")
