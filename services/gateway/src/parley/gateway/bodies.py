"""JSON request bodies, decoded the same way for every route: what a client sends is JSON we
accept, or a 400 problem that names what is wrong with it; never a 500.

Litestar decodes a body with msgspec and turns its ``DecodeError`` into a 400, but two kinds of
bytes get past that as other exceptions, which every route would answer as a 500:
- invalid UTF-8 inside a JSON string (msgspec raises ``UnicodeDecodeError``): JSON is UTF-8
  (RFC 8259 §8.1), so this is a malformed body, 400 ``malformed-json``;
- deep nesting (``[[[[…`` a thousand levels down raises ``RecursionError``; less deep, it would
  reach validation and error messages that recurse too). No body of this API nests more than a
  few levels, so anything deeper than :data:`MAX_JSON_DEPTH` is refused, 400 ``json-too-deep``
  (RFC 8259 §9 lets a parser limit nesting).

:class:`GatewayRequest` is the app's request class, so every route, present and future, decodes
its body here. The depth check costs nothing for ordinary bodies: a body with at most
:data:`MAX_JSON_DEPTH` opening brackets cannot be deeper than that (two ``bytes.count`` calls
in C); only a body with more brackets has its decoded value walked, without recursion.
"""

from __future__ import annotations

from typing import Any

from litestar import Request

from parley.gateway.problems import Problem

MAX_JSON_DEPTH = 32


class GatewayRequest(Request[Any, Any, Any]):
    """Litestar's request, with the body's JSON decoded under the rules above."""

    async def json(self) -> Any:
        try:
            value = await super().json()
        except UnicodeDecodeError as error:
            raise malformed_json("the request body is not valid UTF-8") from error
        except RecursionError as error:
            raise too_deep() from error
        body = await self.body()
        if _brackets(body) > MAX_JSON_DEPTH and exceeds_depth(value, MAX_JSON_DEPTH):
            raise too_deep()
        return value


def malformed_json(detail: str) -> Problem:
    return Problem(400, "malformed-json", "Malformed JSON", detail)


def too_deep() -> Problem:
    return Problem(
        400,
        "json-too-deep",
        "JSON nested too deeply",
        f"the request body nests arrays or objects more than {MAX_JSON_DEPTH} levels deep",
    )


def exceeds_depth(value: Any, limit: int) -> bool:
    """Whether ``value`` (decoded JSON) nests lists or dicts more than ``limit`` levels deep
    (a scalar is depth 0, ``[]`` and ``{}`` depth 1). Iterative: any depth is safe to ask."""
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth + 1 > limit:
            return True
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _brackets(body: bytes) -> int:
    return body.count(b"[") + body.count(b"{")
