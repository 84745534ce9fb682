"""What can go wrong for a bot: the API refused (an RFC 9457 problem), or media failed."""

from __future__ import annotations

from typing import Any

import httpx


class ApiError(Exception):
    """The gateway answered an error; ``problem`` is its problem details (or as much as the
    body said)."""

    def __init__(self, method: str, path: str, status: int, problem: dict[str, Any]) -> None:
        self.method = method
        self.path = path
        self.status = status
        self.problem = problem
        detail = problem.get("detail") or problem.get("title") or ""
        super().__init__(f"{method} {path}: {status} {self.slug} {detail}".rstrip())

    @property
    def slug(self) -> str:
        """The stable last segment of the problem ``type`` (e.g. ``stage-full``)."""
        return str(self.problem.get("type", "")).rsplit("/", 1)[-1]

    @property
    def detail(self) -> str:
        return str(self.problem.get("detail", ""))

    @classmethod
    def from_response(cls, response: httpx.Response) -> ApiError:
        try:
            body = response.json()
        except ValueError:
            body = None
        problem = body if isinstance(body, dict) else {"detail": response.text[:500]}
        return cls(
            response.request.method, response.request.url.path, response.status_code, problem
        )


class MediaRefused(ApiError):
    """The gateway (or relay) refused a media offer: not joined, Space not live, ..."""


class MediaError(Exception):
    """A media connection could not be set up or broke (ICE, DTLS, no answer in time)."""
