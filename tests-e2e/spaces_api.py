"""A thin client for the Spaces part of the public API, as a third-party app would use it."""

from __future__ import annotations

from typing import Any

import httpx
from accounts_api import Account, assert_problem
from polling import eventually

ERRORS = "https://parley.dev/errors/"

# What a refused command must leave exactly as it was, as the host sees it.
STATE_FIELDS = (
    "state",
    "title",
    "description",
    "topics",
    "settings",
    "host",
    "cohosts",
    "speakers",
    "pins",
    "speaker_requests",
    "invitations",
    "version",
)


def create_space(api: httpx.Client, host: Account, **fields: Any) -> dict[str, Any]:
    response = api.post("/api/v1/spaces", headers=host.auth, json={"title": "E2E", **fields})
    assert response.status_code == 201, response.text
    return dict(response.json())


def live_space(api: httpx.Client, host: Account, title: str) -> str:
    """A Space ``host`` created and started; its id."""
    space_id = str(create_space(api, host, title=title)["id"])
    started = api.post(f"/api/v1/spaces/{space_id}/start", headers=host.auth)
    assert started.status_code == 200, started.text
    return space_id


def member_ids(members: list[dict[str, Any]]) -> list[str]:
    return [member["user_id"] for member in members]


def member(members: list[dict[str, Any]], user_id: str) -> dict[str, Any]:
    found = [m for m in members if m["user_id"] == user_id]
    assert found, f"{user_id} not among {members}"
    return found[0]


def notifications(api: httpx.Client, account: Account) -> list[dict[str, Any]]:
    response = api.get("/api/v1/notifications", headers=account.auth)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def ws_ticket(api: httpx.Client, account: Account) -> str:
    response = api.post("/api/v1/ws-tickets", headers=account.auth)
    assert response.status_code in (200, 201), response.text
    return str(response.json()["ticket"])


class Space:
    """One Space seen through the API: commands by any account, reads as any viewer, and the
    newest version a command answered (what the read side must catch up with)."""

    def __init__(self, api: httpx.Client, host: Account, view: dict[str, Any]) -> None:
        self.api = api
        self.host = host
        self.id: str = view["id"]
        self.version: int = int(view.get("version", 0))

    @classmethod
    def create(cls, api: httpx.Client, host: Account, **fields: Any) -> Space:
        return cls(api, host, create_space(api, host, **fields))

    @property
    def path(self) -> str:
        return f"/api/v1/spaces/{self.id}"

    @property
    def live_path(self) -> str:
        return f"{self.path}/live"

    def send(
        self, actor: Account, method: str, suffix: str = "", json: Any = None
    ) -> httpx.Response:
        return self.api.request(method, self.path + suffix, headers=actor.auth, json=json)

    def command(
        self, actor: Account, method: str, suffix: str = "", json: Any = None, status: int = 200
    ) -> dict[str, Any]:
        """A command that must succeed; its answer (a SpaceView, or a join result)."""
        response = self.send(actor, method, suffix, json)
        assert response.status_code == status, f"{method} {suffix}: {response.text}"
        body = dict(response.json())
        view = body.get("space", body)
        if isinstance(view, dict) and "version" in view:
            self.version = max(self.version, int(view["version"]))
        return body

    def view(self, viewer: Account | None = None) -> dict[str, Any]:
        headers = viewer.auth if viewer else {}
        response = self.api.get(self.path, headers=headers)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def settled(self, viewer: Account | None = None, timeout_s: float = 10) -> dict[str, Any]:
        """The view once the read side reflects every command answered so far."""

        def caught_up() -> dict[str, Any]:
            view = self.view(viewer or self.host)
            assert int(view.get("version", 0)) >= self.version, (view.get("version"), self.version)
            return view

        return eventually(caught_up, timeout_s=timeout_s)

    def refused(
        self,
        actor: Account,
        method: str,
        suffix: str = "",
        json: Any = None,
        *,
        status: int,
    ) -> dict[str, Any]:
        """A command that must be refused with ``status`` as problem+json and change nothing
        (read back as the host before and after); the problem."""
        before = state_of(self.settled())
        response = self.send(actor, method, suffix, json)
        assert_problem(response, status)
        problem = dict(response.json())
        assert problem["type"].startswith(ERRORS), problem
        after = state_of(self.view(self.host))
        assert after == before, f"{method} {suffix} was refused but changed the Space"
        return problem


def state_of(view: dict[str, Any]) -> dict[str, Any]:
    return {field: view.get(field) for field in STATE_FIELDS}
