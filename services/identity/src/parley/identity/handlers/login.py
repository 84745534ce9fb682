"""login: check a handle and password, answer with a signed access token."""

from __future__ import annotations

from parley.chassis.bus import RequestContext
from parley.contracts.api.identity import AccessToken, Login
from parley.identity.adapters.credentials import Credential
from parley.identity.domain.errors import NotAllowed, NotAuthenticated
from parley.identity.handlers.dependencies import IdentityDeps
from parley.identity.handlers.users import issue_token, load_user_by_handle


def wrong_credentials() -> NotAuthenticated:
    # One answer for an unknown handle and a wrong password: nobody learns which handles exist.
    return NotAuthenticated("invalid-credentials", "wrong handle or password")


async def login(deps: IdentityDeps, payload: Login, ctx: RequestContext) -> AccessToken:
    user = await load_user_by_handle(deps, payload.handle)
    credential = await deps.credentials.get(user.credential_ref) if user else None
    if user is None or credential is None or credential.user_id != user.user_id:
        await deps.passwords.verify_decoy(payload.password)  # same time as a real check
        raise wrong_credentials()
    if not await deps.passwords.verify(credential.password_hash, payload.password):
        raise wrong_credentials()
    # Only after the password matched, so strangers cannot probe for suspensions this way.
    if user.suspended:
        raise NotAllowed("account-suspended", "this account is suspended")
    if deps.passwords.needs_rehash(credential.password_hash):
        # The configured cost went up since this hash was made: upgrade it now that we can.
        new_hash = await deps.passwords.hash(payload.password)
        await deps.credentials.replace(user.credential_ref, Credential(user.user_id, new_hash))
    return AccessToken(access_token=issue_token(deps, user), expires_in=deps.tokens.ttl_s)
