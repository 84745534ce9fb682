"""Who is calling: access tokens from ``Authorization: Bearer`` or the ``parley_token`` cookie,
verified offline with identity's public key, and refused once the account is suspended.

A suspended account's token answers 401 ``account-suspended``: the credentials no longer
authenticate anyone (a 403 would mean "authenticated but not allowed"), and the slug tells the
client why. No credentials where they are required is the one "not signed in" problem, 401
``unauthenticated`` (:func:`not_signed_in`). The guards that use this are in
:mod:`parley.gateway.guards`.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt
from litestar import Response
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie

from parley.chassis.bus import NOT_SIGNED_IN
from parley.chassis.tokens import AccessClaims, InvalidToken, TokenVerifier
from parley.gateway.problems import Problem
from parley.gateway.suspensions import SuspendedUsers

TOKEN_COOKIE = "parley_token"
_CHALLENGE = 'Bearer realm="parley"'


@dataclass(frozen=True)
class Caller:
    user_id: str
    handle: str
    moderator: bool


class Authenticator:
    """Who a request comes from. A token's signature is checked once: the claims of recently
    seen tokens are kept (bounded, least recently used first out) and reused until the token
    expires; a suspension is checked on every request."""

    def __init__(
        self,
        verifier: TokenVerifier,
        suspended: SuspendedUsers,
        *,
        remembered_tokens: int = 10_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._verifier = verifier
        self._suspended = suspended
        self._verified: OrderedDict[str, AccessClaims] = OrderedDict()
        self._remembered = remembered_tokens
        self._clock = clock

    def authenticate(self, connection: ASGIConnection[Any, Any, Any, Any]) -> Caller | None:
        """The caller, ``None`` when no credentials came; raises a 401 problem for bad ones."""
        token = _token_of(connection)
        if token is None:
            return None
        claims = self._claims(token)
        return self.admit(Caller(claims.user_id, claims.handle, claims.moderator))

    def _claims(self, token: str) -> AccessClaims:
        known = self._verified.get(token)
        if known is not None and known.expires_at > self._clock():
            self._verified.move_to_end(token)
            return known
        try:
            claims = self._verifier.verify(token)
        except InvalidToken as error:
            self._verified.pop(token, None)
            raise _token_problem(error) from error
        self._verified[token] = claims
        if len(self._verified) > self._remembered:
            self._verified.popitem(last=False)
        return claims

    def admit(self, caller: Caller) -> Caller:
        """The caller, unless their account was suspended since the credentials were issued."""
        if caller.user_id in self._suspended:
            raise Problem(
                401,
                "account-suspended",
                "Account suspended",
                "this account is suspended; its tokens no longer work",
                headers={"WWW-Authenticate": f'{_CHALLENGE}, error="invalid_token"'},
            )
        return caller


def not_signed_in() -> Problem:
    """The one "not signed in" problem: credentials are required and none came."""
    return Problem(
        401,
        NOT_SIGNED_IN,
        "Not authenticated",
        f"send an access token: 'Authorization: Bearer <token>' or the {TOKEN_COOKIE} cookie",
        headers={"WWW-Authenticate": _CHALLENGE},
    )


@dataclass(frozen=True)
class TokenCookie:
    """The HttpOnly cookie browsers authenticate with (``SameSite=Lax``: not sent on cross-site
    POST/PUT/PATCH/DELETE, which is what keeps it safe from CSRF)."""

    secure: bool

    def attach(self, response: Response[Any], token: str, max_age_s: int) -> Response[Any]:
        response.set_cookie(self._cookie(token, max_age_s))
        return response

    def clear(self, response: Response[Any]) -> Response[Any]:
        response.set_cookie(self._cookie("", 0))
        return response

    def _cookie(self, value: str, max_age_s: int) -> Cookie:
        return Cookie(
            key=TOKEN_COOKIE,
            value=value,
            max_age=max_age_s,
            path="/",
            httponly=True,
            samesite="lax",
            secure=self.secure,
        )


def _token_of(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    authorization = connection.headers.get("authorization")
    if authorization is not None:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Problem(
                401,
                "invalid-token",
                "Invalid access token",
                "the Authorization header must be 'Bearer <token>'",
                headers={"WWW-Authenticate": f'{_CHALLENGE}, error="invalid_request"'},
            )
        return token.strip()
    return connection.cookies.get(TOKEN_COOKIE) or None


def _token_problem(error: InvalidToken) -> Problem:
    challenge = {"WWW-Authenticate": f'{_CHALLENGE}, error="invalid_token"'}
    if isinstance(error.__cause__, jwt.ExpiredSignatureError):
        return Problem(
            401, "token-expired", "Access token expired", "log in again", headers=challenge
        )
    return Problem(
        401,
        "invalid-token",
        "Invalid access token",
        f"the access token is not valid: {error}",
        headers=challenge,
    )
