"""Short-lived tickets that authenticate a WebSocket from its URL (``?ticket=``).

Browsers cannot put an ``Authorization`` header on a WebSocket, and an access token in a URL
ends up in logs for an hour. A ticket is issued to an authenticated caller, lives
``PARLEY_WS_TICKET_TTL_S`` (30 s), names the caller and nothing else, and is signed with an
HMAC-SHA256 key every gateway of a deployment shares:

- ``PARLEY_WS_TICKET_SECRET`` when set (production: a random secret in the deployment's
  secrets);
- otherwise a key derived from the token public key file's contents, which every gateway of a
  deployment already has. That keeps ``parley up`` and extra replicas working without
  configuration, but anyone holding that file could mint tickets: set the secret wherever the
  public key is not kept private.

Format: ``<payload>.<signature>``, both base64url, payload ``{"sub", "handle", "mod", "exp",
"jti"}``. A ticket is single-use on the gateway that redeems it (its id is remembered until it
expires); another gateway would still accept it once within those seconds — tickets are
"single-use-ish", which is fine for what they protect: the holder's own live channels.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import hmac
import json
import time
from collections.abc import Callable
from uuid import uuid4

from pydantic import BaseModel, Field

from parley.gateway.auth import Caller
from parley.gateway.problems import Problem

_DERIVATION_LABEL = b"parley/ws-ticket/v1\x00"


class WsTicket(BaseModel):
    ticket: str = Field(description="Pass it as ?ticket= when opening a live channel")
    expires_in: int = Field(description="Seconds it stays valid (it also works only once)")


def ticket_key(secret: str | None, public_key_pem: bytes) -> bytes:
    """The signing key: the configured secret, or one derived from the public key file."""
    if secret:
        return hashlib.sha256(_DERIVATION_LABEL + secret.encode()).digest()
    return hashlib.sha256(_DERIVATION_LABEL + public_key_pem).digest()


class WsTickets:
    def __init__(self, key: bytes, ttl_s: float, *, clock: Callable[[], float] = time.time) -> None:
        self._key = key
        self._ttl_s = ttl_s
        self._clock = clock
        self._redeemed: set[str] = set()
        self._expiries: list[tuple[float, str]] = []  # heap: forget redeemed ids once expired

    def issue(self, caller: Caller) -> WsTicket:
        claims = {
            "sub": caller.user_id,
            "handle": caller.handle,
            "mod": caller.moderator,
            "exp": round(self._clock() + self._ttl_s, 3),
            "jti": uuid4().hex,
        }
        payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return WsTicket(ticket=f"{payload}.{self._sign(payload)}", expires_in=int(self._ttl_s))

    def redeem(self, ticket: str) -> Caller:
        """The caller a ticket names; a 401 problem if it is forged, expired or used."""
        payload, _, signature = ticket.partition(".")
        if not hmac.compare_digest(self._sign(payload).encode(), signature.encode()):
            raise _invalid("the ticket is not valid")
        try:
            claims = json.loads(_unb64(payload))
            caller = Caller(str(claims["sub"]), str(claims["handle"]), bool(claims["mod"]))
            expires_at, ticket_id = float(claims["exp"]), str(claims["jti"])
        except (ValueError, KeyError, TypeError) as error:
            raise _invalid("the ticket is not valid") from error
        now = self._clock()
        self._forget_expired(now)
        if expires_at <= now:
            raise _invalid("the ticket expired; ask for a new one", slug="ticket-expired")
        if ticket_id in self._redeemed:
            raise _invalid("the ticket was already used; ask for a new one", slug="ticket-used")
        self._redeemed.add(ticket_id)
        heapq.heappush(self._expiries, (expires_at, ticket_id))
        return caller

    def _sign(self, payload: str) -> str:
        return _b64(hmac.new(self._key, payload.encode(), hashlib.sha256).digest())

    def _forget_expired(self, now: float) -> None:
        while self._expiries and self._expiries[0][0] <= now:
            _, ticket_id = heapq.heappop(self._expiries)
            self._redeemed.discard(ticket_id)


def _invalid(detail: str, *, slug: str = "invalid-ticket") -> Problem:
    return Problem(401, slug, "Invalid WebSocket ticket", detail)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
