"""The composition root: the only module that names concrete infrastructure."""

from __future__ import annotations

from pathlib import Path

from parley.chassis.event_store import EventStore
from parley.chassis.messaging import StreamSpec
from parley.chassis.service import Infrastructure, ServiceDefinition, ServiceParts
from parley.chassis.settings import own_settings
from parley.chassis.tokens import TokenSigner
from parley.contracts.api.identity import CONTEXT
from parley.contracts.subjects import context_filter
from parley.identity.adapters.credentials import KvCredentialStore
from parley.identity.adapters.passwords import PasswordHasher
from parley.identity.entrypoints.bus import build_router
from parley.identity.handlers.dependencies import IdentityDeps
from parley.identity.policies.when_participant_removed_with_block_block_them import (
    BlockWhenRemovedWithBlock,
)
from parley.identity.projections.graph import GraphProjection
from parley.identity.projections.profiles import ProfilesProjection
from parley.identity.settings import IdentitySettings

SERVICE = "identity"
STREAM = StreamSpec("IDENTITY", [context_filter(CONTEXT)])
# Identity reacts to room removals "with block"; the stream is ensured here too so that
# identity starts whether or not room has run yet (same spec as room's: idempotent).
ROOM_STREAM = StreamSpec("ROOM", [context_filter("room")])
MIGRATIONS = Path(__file__).parent / "migrations"


class MissingSigningKey(RuntimeError):
    pass


def _signer(settings: IdentitySettings) -> TokenSigner:
    key_file = settings.token_private_key_file
    if key_file is None or not key_file.exists():
        raise MissingSigningKey(
            "identity signs access tokens: set PARLEY_TOKEN_PRIVATE_KEY_FILE to an Ed25519 PEM key"
            " (parley.chassis.tokens.generate_key_pair makes one)"
        )
    return TokenSigner(key_file.read_bytes(), ttl_s=settings.token_ttl_s)


async def build(infra: Infrastructure) -> ServiceParts:
    settings = own_settings(infra.settings, IdentitySettings)
    deps = IdentityDeps(
        store=EventStore(infra.nc, stream=STREAM.name, context=CONTEXT),
        sessions=infra.sessions,
        credentials=await KvCredentialStore.open(
            infra.nc, settings.credentials_bucket, replicas=settings.stream_replicas
        ),
        passwords=PasswordHasher(settings.hashing_cost(), settings.argon2_max_concurrent),
        tokens=_signer(settings),
        moderator_handles=settings.moderator_handles,
    )
    return ServiceParts(
        router=build_router(deps),
        projections=[
            (STREAM.name, ProfilesProjection()),
            (STREAM.name, GraphProjection()),
            (ROOM_STREAM.name, BlockWhenRemovedWithBlock(deps)),
        ],
    )


definition = ServiceDefinition(
    name=SERVICE,
    streams=[STREAM, ROOM_STREAM],
    migrations=MIGRATIONS,
    build=build,
    settings_type=IdentitySettings,
)
