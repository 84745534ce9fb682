"""A host or co-host who removes someone from a Space with "block and remove" also blocks
them (spec §3). Room records the removal; identity, which owns the graph, acts on it here.

Delivery is at least once, and a new consumer starts from the ROOM stream's first event, so a
removal may come again long after it was handled. The reaction therefore decides on the
current state, not on the removal alone:
- blocking is idempotent (a block that stands is not recorded again), and so is dropping the
  removed user's follow of the remover;
- if the remover lifted that block since the removal, their later choice stands: an old
  removal does not block again someone they unblocked;
- a block that cannot be applied any more (the remover was suspended since, or no longer
  exists) is logged and skipped rather than retried forever.
"""

from __future__ import annotations

from datetime import datetime

from parley.chassis.errors import DomainError
from parley.chassis.event_store import EventMetadata, StoredEvent
from parley.chassis.logs import get_logger
from parley.chassis.policies import Policy
from parley.contracts.events.identity import UserUnblocked
from parley.contracts.events.room import ParticipantRemoved
from parley.identity.domain.commands import Block, DropFollowBecauseOfBlock, Target
from parley.identity.domain.errors import Rejected
from parley.identity.handlers.dependencies import IdentityDeps
from parley.identity.handlers.users import load_user, run

log = get_logger(__name__)

NAME = "identity_block_on_removal"


def block_them_when_removed_with_block(deps: IdentityDeps) -> Policy[ParticipantRemoved]:
    async def react(removal: ParticipantRemoved, stored: StoredEvent) -> None:
        remover = removal.by
        if not removal.block or not remover:
            return
        if await unblocked_since(deps, remover, removal.user_id, stored.envelope.occurred_at):
            log.info("identity.block_on_removal_lifted", remover=remover, removed=removal.user_id)
            return
        removed = await load_user(deps, removal.user_id)
        if removed is None:
            return
        metadata = EventMetadata(
            correlation_id=stored.envelope.correlation_id,
            actor=remover,
            causation_id=stored.envelope.event_id,
            trace_context=stored.envelope.trace_context,
        )
        facts = Target(
            user_id=removed.user_id, handle=removed.handle, blocks_actor=removed.blocks(remover)
        )
        try:
            await run(deps, remover, Block(facts), metadata)
            await run(deps, removed.user_id, DropFollowBecauseOfBlock(remover), metadata)
        except (DomainError, Rejected) as refused:
            log.warning(
                "identity.block_on_removal_refused",
                remover=remover,
                removed=removal.user_id,
                reason=str(refused),
            )

    return Policy(
        NAME,
        ParticipantRemoved,
        react,
        description="A removal from a Space 'with block': the remover blocks the removed user",
    )


async def unblocked_since(deps: IdentityDeps, blocker: str, blocked: str, moment: datetime) -> bool:
    """Whether ``blocker`` unblocked ``blocked`` at or after ``moment`` (times from the
    services' clocks: a host does not unblock within their skew of removing someone)."""
    events, _ = await deps.store.load(blocker)
    return any(
        isinstance(stored.event, UserUnblocked)
        and stored.event.blocked_id == blocked
        and stored.envelope.occurred_at >= moment
        for stored in events
    )
