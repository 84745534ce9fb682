"""Identity's settings on top of the chassis ones (all ``PARLEY_*`` environment variables)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic_settings import NoDecode

from parley.chassis.settings import ServiceSettings
from parley.identity.adapters.credentials import DEFAULT_BUCKET
from parley.identity.adapters.passwords import HashingCost
from parley.identity.domain.rules import handle_key


class IdentitySettings(ServiceSettings):
    service_name: str = "identity"
    moderator_handles: Annotated[frozenset[str], NoDecode] = Field(
        default=frozenset(),
        description="Handles of platform moderators, comma separated (PARLEY_MODERATOR_HANDLES)",
    )
    credentials_bucket: str = Field(
        default=DEFAULT_BUCKET, description="JetStream KV bucket holding password hashes"
    )
    argon2_time_cost: int = Field(default=HashingCost.time_cost, ge=1)
    argon2_memory_kib: int = Field(default=HashingCost.memory_kib, ge=8)
    argon2_parallelism: int = Field(default=HashingCost.parallelism, ge=1)
    argon2_max_concurrent: int = Field(
        default=4, ge=1, description="Password hashes computed at once (each holds its memory)"
    )

    @field_validator("moderator_handles", mode="before")
    @classmethod
    def _split_handles(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.split(",")
        if isinstance(value, list | tuple | set | frozenset):
            return frozenset(handle_key(str(item).strip()) for item in value if str(item).strip())
        return value

    def hashing_cost(self) -> HashingCost:
        return HashingCost(
            time_cost=self.argon2_time_cost,
            memory_kib=self.argon2_memory_kib,
            parallelism=self.argon2_parallelism,
        )
