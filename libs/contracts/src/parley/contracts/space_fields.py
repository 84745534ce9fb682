"""The rules of a Space's own fields (product spec §2): title, description, topics, and the ids
that name Spaces and users. Written once, used by every service that accepts them (room when a
Space is created or edited, scheduling before it starts: ADR 20).

Pure functions: each returns the clean value or raises :class:`FieldProblem`, a 422 rejection
(``parley.contracts.rejections``) with its slug and a detail for people.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from parley.contracts.rejections import InvalidInput

TITLE_MAX = 70
DESCRIPTION_MAX = 280
MAX_TOPICS = 3
TOPIC_MAX = 30

# Ids become NATS subject tokens (``room.<space_id>~<user_id>.…``, timer ids): a safe alphabet.
_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


class FieldProblem(InvalidInput):
    """A field breaks its rule: ``slug`` (``invalid-title``...) and ``detail`` for people."""


def is_valid_id(value: str) -> bool:
    return bool(_ID.match(value))


def has_control_characters(text: str) -> bool:
    return any(unicodedata.category(char) == "Cc" for char in text)


def check_title(title: str) -> str:
    title = title.strip()
    if not 1 <= len(title) <= TITLE_MAX or has_control_characters(title):
        raise FieldProblem(
            "invalid-title", f"a title is 1-{TITLE_MAX} characters without control characters"
        )
    return title


def check_description(description: str) -> str:
    description = description.strip()
    if len(description) > DESCRIPTION_MAX:
        raise FieldProblem(
            "invalid-description", f"a description is at most {DESCRIPTION_MAX} characters"
        )
    return description


def check_topics(topics: Iterable[str]) -> tuple[str, ...]:
    """Topics are compared lowercase and stripped; repeats count once."""
    normalised: list[str] = []
    for topic in topics:
        clean = topic.strip().lower()
        if not 1 <= len(clean) <= TOPIC_MAX or has_control_characters(clean):
            raise FieldProblem("invalid-topics", f"a topic is 1-{TOPIC_MAX} characters")
        if clean not in normalised:
            normalised.append(clean)
    if len(normalised) > MAX_TOPICS:
        raise FieldProblem("invalid-topics", f"a Space has at most {MAX_TOPICS} topics")
    return tuple(normalised)
