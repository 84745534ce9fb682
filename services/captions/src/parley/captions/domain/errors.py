"""Captions' own rejections, on the shared kinds of ``parley.contracts.rejections``."""

from __future__ import annotations

from parley.contracts.rejections import NotFound


def space_not_found(space_id: str) -> NotFound:
    return NotFound("space-not-found", f"no Space {space_id}")
