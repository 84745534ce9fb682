"""What the handlers work with; bootstrap builds the real ones, tests may build their own."""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.chassis.decider import StateCache
from parley.chassis.event_store import EventStore
from parley.chassis.projections import Positions
from parley.chassis.tokens import TokenSigner
from parley.identity.adapters.credentials import CredentialStore
from parley.identity.adapters.passwords import PasswordHasher
from parley.identity.projections.graph import GraphProjection
from parley.identity.projections.profiles import ProfilesProjection


@dataclass(frozen=True)
class IdentityDeps:
    store: EventStore
    sessions: async_sessionmaker[AsyncSession]
    credentials: CredentialStore
    passwords: PasswordHasher
    tokens: TokenSigner
    # Woken by the projection runners' commits: how commands wait for their own writes.
    positions: Positions
    moderator_handles: Set[str] = frozenset()
    # The read models a command's caller reads next; commands wait for them (read-your-writes).
    read_models: Sequence[str] = (ProfilesProjection.name, GraphProjection.name)
    read_timeout_s: float = 2.0
    # Recent user states, so a command reads only the events appended since.
    cache: StateCache = field(default_factory=StateCache)
