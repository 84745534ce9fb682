"""A host or co-host who removes someone from a Space with "block and remove" also blocks
them (spec §3). Room records the removal; identity, which owns the graph, acts on it here.

Runs as a projection runner over the ROOM stream (its position makes redelivery harmless, and
blocking is idempotent anyway). A block that cannot be applied any more (the remover has been
suspended since) is logged and skipped rather than retried forever.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from parley.chassis.errors import DomainError
from parley.chassis.event_store import EventMetadata, StoredEvent
from parley.chassis.logs import get_logger
from parley.contracts.events.room import ParticipantRemoved
from parley.contracts.subjects import event_type_filter
from parley.identity.domain.commands import Block, DropFollowBecauseOfBlock, Target
from parley.identity.domain.errors import Rejected
from parley.identity.handlers.dependencies import IdentityDeps
from parley.identity.handlers.users import load_user, run

log = get_logger(__name__)


class BlockWhenRemovedWithBlock:
    name = "identity_block_on_removal"
    filter_subjects: Sequence[str] = (event_type_filter("room", "ParticipantRemoved"),)
    tables: Sequence[Table] = ()

    def __init__(self, deps: IdentityDeps) -> None:
        self._deps = deps

    async def apply(self, session: AsyncSession, event: StoredEvent) -> None:
        removal = event.event
        if not isinstance(removal, ParticipantRemoved) or not removal.block or not removal.by:
            return
        target = await load_user(self._deps, removal.user_id)
        if target is None:
            return
        metadata = EventMetadata(
            correlation_id=event.envelope.correlation_id,
            actor=removal.by,
            causation_id=event.envelope.event_id,
            trace_context=event.envelope.trace_context,
        )
        facts = Target(
            user_id=target.user_id, handle=target.handle, blocks_actor=target.blocks(removal.by)
        )
        try:
            await run(self._deps, removal.by, Block(facts), metadata)
            await run(self._deps, target.user_id, DropFollowBecauseOfBlock(removal.by), metadata)
        except (DomainError, Rejected) as refused:
            log.warning(
                "identity.block_on_removal_refused",
                remover=removal.by,
                removed=removal.user_id,
                reason=str(refused),
            )
