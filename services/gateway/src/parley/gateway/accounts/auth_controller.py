"""Registration, login and logout."""

from __future__ import annotations

from litestar import Controller, Response, post
from litestar.datastructures import ResponseHeader
from litestar.params import JSONBody

from parley.contracts.api import identity
from parley.contracts.api.identity import AccessToken, Login, Register, Registered
from parley.gateway.accounts.schemas import LoginBody, RegisterBody
from parley.gateway.auth import TOKEN_COOKIE
from parley.gateway.dependencies import BusDep, ContextDep, CookieDep
from parley.gateway.guards import rate_limited
from parley.gateway.problems import problem_responses

_SETS_COOKIE = [
    ResponseHeader(
        name="Set-Cookie",
        description=f"{TOKEN_COOKIE}=<access token>; HttpOnly; SameSite=Lax; Path=/",
        documentation_only=True,
    )
]


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["accounts"]

    @post(
        "/register",
        operation_id="register",
        status_code=201,
        response_description="The new account, logged in",
        guards=[rate_limited("register")],
        response_headers=_SETS_COOKIE,
        responses=problem_responses(409, 413, 422, 429, 503),
    )
    async def register(
        self,
        data: JSONBody[RegisterBody],
        bus: BusDep,
        ctx: ContextDep,
        cookie: CookieDep,
    ) -> Response[Registered]:
        """Create an account; the answer logs it in (token in the body and as a cookie)."""
        registered = await bus.call(identity.REGISTER, Register(**data.model_dump()), ctx)
        response = Response(registered, status_code=201)
        return cookie.attach(response, registered.access_token, registered.expires_in)

    @post(
        "/login",
        operation_id="login",
        status_code=200,
        guards=[rate_limited("login")],
        response_headers=_SETS_COOKIE,
        responses=problem_responses(401, 403, 413, 422, 429, 503),
    )
    async def login(
        self, data: JSONBody[LoginBody], bus: BusDep, ctx: ContextDep, cookie: CookieDep
    ) -> Response[AccessToken]:
        """Exchange handle and password for an access token (also set as an HttpOnly cookie)."""
        token = await bus.call(identity.LOGIN, Login(**data.model_dump()), ctx)
        return cookie.attach(Response(token), token.access_token, token.expires_in)

    @post("/logout", operation_id="logout", status_code=204)
    async def logout(self, cookie: CookieDep) -> Response[None]:
        """Forget the token cookie. Tokens are stateless: a copied token works until it expires."""
        return cookie.clear(Response(None, status_code=204))
