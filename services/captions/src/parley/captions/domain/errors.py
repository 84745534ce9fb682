"""Captions' own rejections, on the shared kinds of ``parley.contracts.rejections``."""

from __future__ import annotations

from parley.contracts.rejections import InvalidInput, NotFound


def space_not_found(space_id: str) -> NotFound:
    return NotFound("space-not-found", f"no Space {space_id}")


def query_has_no_words(query: str) -> InvalidInput:
    return InvalidInput("query-has-no-words", f"the search {query!r} has no words to look for")


def invalid_cursor(cursor: str) -> InvalidInput:
    return InvalidInput("invalid-cursor", f"{cursor!r} is not a cursor of this search")
