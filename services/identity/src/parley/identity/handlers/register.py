"""register: claim a handle, store the password hash privately, answer with a token."""

from __future__ import annotations

from parley.chassis.bus import RequestContext
from parley.contracts.api.identity import Register, Registered
from parley.identity.adapters.credentials import Credential, new_credential_ref
from parley.identity.domain.commands import RegisterUser
from parley.identity.domain.decide import decide
from parley.identity.domain.rules import user_id_for
from parley.identity.domain.state import User
from parley.identity.handlers.dependencies import IdentityDeps
from parley.identity.handlers.users import (
    issue_token,
    load_user,
    metadata_as,
    run,
    view_after,
)


async def register(deps: IdentityDeps, payload: Register, ctx: RequestContext) -> Registered:
    command = RegisterUser(
        handle=payload.handle,
        display_name=payload.display_name,
        credential_ref=new_credential_ref(),
        password=payload.password,
    )
    user_id = user_id_for(payload.handle)
    # Refuse bad input or a taken handle before paying for the memory-hard hash.
    decide(command, await load_user(deps, user_id))
    password_hash = await deps.passwords.hash(payload.password)
    await deps.credentials.create(command.credential_ref, Credential(user_id, password_hash))
    # Appends at expected version 0 only: of concurrent claims of one handle, one wins and
    # the others reload, see the account and are refused with handle-taken.
    outcome = await run(deps, user_id, command, metadata_as(ctx, user_id))
    user = outcome.state
    assert isinstance(user, User)
    view = await view_after(deps, outcome.version, user_id, user_id, fallback=user)
    return Registered(user=view, access_token=issue_token(deps, user), expires_in=deps.tokens.ttl_s)
