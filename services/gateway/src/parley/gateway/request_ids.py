"""One id per HTTP request: the client's ``X-Request-Id`` when it is sane, a fresh one otherwise.

It is echoed on every response (404s included), written on every log line of the request, and
sent over the bus as the correlation id, so one id finds everything a request caused.
"""

from __future__ import annotations

import re
from typing import Any
from uuid import uuid4

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

REQUEST_ID_HEADER = "x-request-id"
_STATE_KEY = "parley.request_id"
# Ids end up in logs, events and response headers: accept only short, plain tokens.
_ACCEPTABLE = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def new_request_id() -> str:
    return f"req_{uuid4().hex}"


def request_id_of(scope: Scope | dict[str, Any]) -> str:
    """The request's id, chosen on first use and remembered in the scope."""
    state: dict[str, Any] = scope.setdefault("state", {})
    request_id = state.get(_STATE_KEY)
    if request_id is None:
        offered = _header(scope, REQUEST_ID_HEADER.encode())
        request_id = offered if offered and _ACCEPTABLE.fullmatch(offered) else new_request_id()
        state[_STATE_KEY] = request_id
    return str(request_id)


async def echo_request_id(message: Message, scope: Scope) -> None:
    """``before_send`` hook: put the request id on the response."""
    if message["type"] == "http.response.start":
        headers = MutableScopeHeaders.from_message(message)
        headers[REQUEST_ID_HEADER] = request_id_of(scope)


def _header(scope: Scope | dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None
