"""A thin client for the accounts part of the public API, as a third-party app would use it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

PASSWORD = "correct horse battery"


def new_handle(prefix: str = "e2e") -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"  # at most 15 characters


@dataclass
class Account:
    handle: str
    token: str
    user: dict[str, Any]

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def register(api: httpx.Client, handle: str | None = None, display_name: str = "E2E") -> Account:
    handle = handle or new_handle()
    response = api.post(
        "/api/v1/auth/register",
        json={"handle": handle, "display_name": display_name, "password": PASSWORD},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    return Account(handle=handle, token=body["access_token"], user=body["user"])


def get_user(api: httpx.Client, handle: str, viewer: Account | None = None) -> dict[str, Any]:
    response = api.get(f"/api/v1/users/{handle}", headers=viewer.auth if viewer else {})
    assert response.status_code == 200, response.text
    return dict(response.json())


def handles_in(api: httpx.Client, handle: str, relation: str) -> list[str]:
    """Handles listed by ``/users/{handle}/followers`` or ``/following``."""
    response = api.get(f"/api/v1/users/{handle}/{relation}")
    assert response.status_code == 200, response.text
    return [item["handle"] for item in response.json()["items"]]


def assert_problem(response: httpx.Response, status: int, slug: str | None = None) -> None:
    """An RFC 9457 problem with this status (and type slug, when given)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == status
    assert problem["title"]
    assert problem["detail"]
    if slug is not None:
        assert problem["type"].rsplit("/", 1)[-1] == slug, problem
