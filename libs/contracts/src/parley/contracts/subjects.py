"""Subject naming: ``<context>.<aggregate_id>.<event_name>`` (event name in snake_case)."""

from __future__ import annotations

import re

_CAMEL_BOUNDARY = re.compile(r"(?<!^)(?=[A-Z])")
_FORBIDDEN_TOKEN_CHARS = re.compile(r"[\s.*>]")


def snake_case(event_type: str) -> str:
    return _CAMEL_BOUNDARY.sub("_", event_type).lower()


def check_token(token: str) -> str:
    if not token or _FORBIDDEN_TOKEN_CHARS.search(token):
        raise ValueError(f"not a valid subject token: {token!r}")
    return token


def event_subject(context: str, aggregate_id: str, event_type: str) -> str:
    """The subject one event is stored under, e.g. ``identity.usr_1.user_followed``."""
    return f"{check_token(context)}.{check_token(aggregate_id)}.{snake_case(event_type)}"


def aggregate_filter(context: str, aggregate_id: str) -> str:
    """Wildcard covering every event of one aggregate (for loading and concurrency checks)."""
    return f"{check_token(context)}.{check_token(aggregate_id)}.>"


def context_filter(context: str) -> str:
    return f"{check_token(context)}.>"


def event_type_filter(context: str, event_type: str) -> str:
    """Wildcard covering one event type across all aggregates of a context."""
    return f"{check_token(context)}.*.{snake_case(event_type)}"


def parse_subject(subject: str) -> tuple[str, str, str]:
    """Split a stored event's subject into (context, aggregate_id, event_name)."""
    context, aggregate_id, event_name = subject.split(".", 2)
    return context, aggregate_id, event_name


def command_subject(context: str, command: str) -> str:
    """Request/reply subject of a command handled by the owning service."""
    return f"cmd.{check_token(context)}.{check_token(command)}"


def query_subject(context: str, query: str) -> str:
    return f"qry.{check_token(context)}.{check_token(query)}"
