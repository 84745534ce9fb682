"""The composition root: the only module that names concrete infrastructure."""

from __future__ import annotations

from pathlib import Path

from parley.chassis.event_store import EventStore
from parley.chassis.service import Infrastructure, ServiceDefinition, ServiceParts
from parley.chassis.settings import own_settings
from parley.chassis.tokens import TokenSigner
from parley.contracts import streams
from parley.contracts.api.identity import CONTEXT
from parley.identity.adapters.credentials import KvCredentialStore
from parley.identity.adapters.passwords import PasswordHasher
from parley.identity.entrypoints.reactions import reactions
from parley.identity.entrypoints.routes import routes
from parley.identity.handlers.dependencies import IdentityDeps
from parley.identity.projections.graph import GraphProjection
from parley.identity.projections.profiles import ProfilesProjection
from parley.identity.settings import IdentitySettings

SERVICE = "identity"
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
        store=EventStore(infra.nc, stream=streams.IDENTITY.name, context=CONTEXT),
        sessions=infra.sessions,
        credentials=await KvCredentialStore.open(
            infra.nc, settings.credentials_bucket, replicas=settings.stream_replicas
        ),
        passwords=PasswordHasher(settings.hashing_cost(), settings.argon2_max_concurrent),
        tokens=_signer(settings),
        positions=infra.positions,
        moderator_handles=settings.moderator_handles,
    )
    return ServiceParts(
        routers=[
            routes(deps, queue=SERVICE, outcomes=infra.outcomes),
            reactions(deps, dead_letters=infra.dead_letters),
        ],
        projections=[
            (streams.IDENTITY, ProfilesProjection()),
            (streams.IDENTITY, GraphProjection()),
        ],
    )


definition = ServiceDefinition(
    name=SERVICE,
    # IDENTITY is identity's own; ROOM is read only (the removal policy), created by room.
    streams=[streams.IDENTITY, streams.ROOM],
    migrations=MIGRATIONS,
    build=build,
    settings_type=IdentitySettings,
)
