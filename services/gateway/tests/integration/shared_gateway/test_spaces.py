"""Each Spaces endpoint sends the right request to room, as the right actor."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.asyncio(loop_scope="module")  # the shared gateway's loop


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


SP = "/api/v1/spaces/sp_1"
ON_SPACE = {"space_id": "sp_1"}
ON_BOB = {"space_id": "sp_1", "user_id": "usr_bob"}


@pytest.mark.parametrize(
    ("method", "path", "body", "command", "payload"),
    [
        ("POST", f"{SP}/start", None, "start_space", ON_SPACE),
        ("POST", f"{SP}/end", None, "end_space", ON_SPACE),
        ("POST", f"{SP}/leave", None, "leave_space", ON_SPACE),
        ("POST", f"{SP}/speaker-requests", None, "request_to_speak", ON_SPACE),
        ("DELETE", f"{SP}/speaker-requests", None, "withdraw_speaker_request", ON_SPACE),
        ("POST", f"{SP}/speaker-requests/usr_bob/accept", None, "accept_speaker_request", ON_BOB),
        ("POST", f"{SP}/speaker-requests/usr_bob/decline", None, "decline_speaker_request", ON_BOB),
        (
            "POST",
            f"{SP}/invitations",
            {"user_id": "usr_bob", "role": "cohost"},
            "invite_to_stage",
            {**ON_BOB, "role": "cohost"},
        ),
        (
            "POST",
            f"{SP}/invitations",
            {"user_id": "usr_bob"},
            "invite_to_stage",
            {**ON_BOB, "role": "speaker"},
        ),
        ("POST", f"{SP}/invitations/accept", None, "accept_invitation", ON_SPACE),
        ("POST", f"{SP}/invitations/decline", None, "decline_invitation", ON_SPACE),
        ("POST", f"{SP}/mic", {"muted": False}, "set_my_mic", {**ON_SPACE, "muted": False}),
        ("POST", f"{SP}/speakers/usr_bob/mute", None, "mute_speaker", ON_BOB),
        ("POST", f"{SP}/mute-all", None, "mute_all", ON_SPACE),
        ("DELETE", f"{SP}/speakers/usr_bob", None, "move_to_audience", ON_BOB),
        (
            "POST",
            f"{SP}/participants/usr_bob/remove",
            None,
            "remove_participant",
            {**ON_BOB, "block": False, "report": None},
        ),
        (
            "POST",
            f"{SP}/participants/usr_bob/remove",
            {"block": True, "report": {"reason": "spam", "text": "ads"}},
            "remove_participant",
            {**ON_BOB, "block": True, "report": {"reason": "spam", "text": "ads"}},
        ),
        (
            "POST",
            f"{SP}/pins",
            {"url": "https://example.org/p/1"},
            "pin_post",
            {**ON_SPACE, "url": "https://example.org/p/1", "text": None},
        ),
        ("DELETE", f"{SP}/pins/pin_9", None, "unpin_post", {**ON_SPACE, "pin_id": "pin_9"}),
        (
            "PATCH",
            SP,
            {"title": "Evening show"},
            "update_space",
            {
                **ON_SPACE,
                "title": "Evening show",
                "description": None,
                "topics": None,
                "captions": None,
                "clipping": None,
            },
        ),
    ],
)
async def test_space_commands_answer_the_space_as_room_does(
    api, fake_room, keys, method, path, body, command, payload
):
    response = await api.request(
        method,
        path,
        json=body,
        headers={**bearer(keys.token("usr_ada", "ada")), "X-Request-Id": "req-space-1"},
    )

    assert response.status_code == 200, response.text
    assert response.json()["id"] == "sp_1"
    assert response.json()["my_role"] == "listener"
    [call] = [call for call in fake_room.requests() if call.kind == "cmd"]
    assert (call.kind, call.name, call.actor) == ("cmd", command, "usr_ada")
    assert call.payload == payload
    assert call.correlation_id == "req-space-1"


async def test_create_space_is_201_with_the_new_space(api, fake_room, keys):
    body = {"title": "AMA", "topics": ["python"], "speak_policy": "invited", "recording": True}

    response = await api.post("/api/v1/spaces", json=body, headers=bearer(keys.token()))

    assert response.status_code == 201, response.text
    assert response.json()["id"] == "sp_new"
    [call] = fake_room.requests()
    assert (call.kind, call.name, call.actor) == ("cmd", "create_space", "usr_ada")
    assert call.payload == {
        "title": "AMA",
        "description": "",
        "topics": ["python"],
        "speak_policy": "invited",
        "recording": True,
        "clipping": True,
        "captions": False,
        "max_listeners": None,
    }


async def test_join_answers_the_role_and_the_space(api, fake_room, keys):
    response = await api.post(f"{SP}/join", headers=bearer(keys.token()))

    assert response.status_code == 200, response.text
    assert response.json()["role"] == "listener"
    assert response.json()["space"]["id"] == "sp_1"
    [call] = fake_room.requests()
    assert (call.name, call.actor, call.payload) == ("join_space", "usr_ada", ON_SPACE)


async def test_react_answers_the_accepted_reaction(api, fake_room, keys):
    response = await api.post(f"{SP}/reactions", json={"emoji": "🔥"}, headers=bearer(keys.token()))

    assert response.status_code == 200, response.text
    assert response.json() == {"accepted": True, "emoji": "🔥"}
    [call] = fake_room.requests()
    assert (call.name, call.payload) == ("react", {**ON_SPACE, "emoji": "🔥"})


async def test_get_space_works_anonymously_and_as_someone(api, fake_room, keys):
    anonymous = await api.get(SP)
    known = await api.get(SP, headers=bearer(keys.token("usr_ada", "ada")))

    assert anonymous.status_code == known.status_code == 200
    assert (anonymous.json()["my_role"], known.json()["my_role"]) == ("none", "listener")
    first, second = fake_room.requests()
    assert (first.kind, first.name, first.actor, first.payload) == (
        "qry",
        "get_space",
        None,
        ON_SPACE,
    )
    assert second.actor == "usr_ada"


async def test_analytics_are_asked_as_the_caller(api, fake_room, keys):
    response = await api.get(f"{SP}/analytics", headers=bearer(keys.token("usr_host", "host")))

    assert response.status_code == 200, response.text
    assert response.json()["unique_listeners"] == 3
    [call] = fake_room.requests()
    assert (call.kind, call.name, call.actor, call.payload) == (
        "qry",
        "get_space_analytics",
        "usr_host",
        ON_SPACE,
    )


async def test_list_spaces_defaults_to_live_and_needs_no_token(api, fake_room):
    response = await api.get("/api/v1/spaces")

    assert response.status_code == 200, response.text
    assert [item["id"] for item in response.json()["items"]] == ["sp_1"]
    [call] = fake_room.requests()
    assert (call.kind, call.name, call.actor) == ("qry", "list_spaces", None)
    assert call.payload == {
        "state": "live",
        "topic": None,
        "q": None,
        "following": False,
        "limit": 50,
    }


async def test_list_spaces_passes_every_filter(api, fake_room, keys):
    params = {"state": "scheduled", "topic": "music", "q": "jazz", "following": "true", "limit": 5}

    response = await api.get("/api/v1/spaces", params=params, headers=bearer(keys.token()))

    assert response.status_code == 200, response.text
    [call] = fake_room.requests()
    assert call.actor == "usr_ada"
    assert call.payload == {
        "state": "scheduled",
        "topic": "music",
        "q": "jazz",
        "following": True,
        "limit": 5,
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [({"state": "ended"}, "state"), ({"limit": 0}, "limit"), ({"following": "maybe"}, "following")],
)
async def test_list_spaces_refuses_bad_filters(api, fake_room, assert_problem, params, field):
    response = await api.get("/api/v1/spaces", params=params)

    body = assert_problem(response, 422, "invalid-input")
    assert [error["field"] for error in body["errors"]] == [field]
    assert fake_room.requests() == []


@pytest.mark.parametrize(
    ("status", "slug"),
    [(403, "not-host"), (404, "space-not-found"), (409, "space-ended"), (422, "title-too-long")],
)
async def test_room_errors_pass_through_as_problems(
    api, fake_room, keys, assert_problem, status, slug
):
    fake_room.fail("start_space", status, slug, detail="because")

    response = await api.post(f"{SP}/start", headers=bearer(keys.token()))

    body = assert_problem(response, status, slug)
    assert body["detail"] == "because"
    assert body["instance"] == f"{SP}/start"


async def test_commands_need_a_token_and_never_reach_room(api, fake_room, assert_problem):
    for method, path in [
        ("POST", "/api/v1/spaces"),
        ("POST", f"{SP}/join"),
        ("GET", f"{SP}/analytics"),
    ]:
        response = await api.request(method, path, json={"title": "x"})
        assert_problem(response, 401, "unauthenticated")
    assert fake_room.requests() == []


async def test_bodies_are_checked_before_room_is_asked(api, fake_room, keys, assert_problem):
    headers = bearer(keys.token())

    unknown_field = await api.patch(SP, json={"title": "x", "state": "live"}, headers=headers)
    missing = await api.post(f"{SP}/mic", json={}, headers=headers)
    no_body = await api.post(f"{SP}/reactions", headers=headers)

    assert_problem(unknown_field, 422, "invalid-input")
    assert_problem(missing, 422, "invalid-input")
    assert_problem(no_body, 422, "invalid-input")
    assert fake_room.requests() == []
