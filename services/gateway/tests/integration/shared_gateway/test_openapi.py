"""The OpenAPI document lists every operation of the contract at its exact path."""

from __future__ import annotations

import pytest
import pytest_asyncio

pytestmark = pytest.mark.asyncio(loop_scope="module")  # the shared gateway's loop

REQUIRED = [
    ("post", "/api/v1/auth/register", "register"),
    ("post", "/api/v1/auth/login", "login"),
    ("post", "/api/v1/auth/logout", "logout"),
    ("get", "/api/v1/me", "getMe"),
    ("patch", "/api/v1/me", "updateMe"),
    ("get", "/api/v1/ping", "ping"),
    ("get", "/api/v1/users/{handle}", "getUser"),
    ("put", "/api/v1/users/{handle}/follow", "followUser"),
    ("delete", "/api/v1/users/{handle}/follow", "unfollowUser"),
    ("put", "/api/v1/users/{handle}/block", "blockUser"),
    ("delete", "/api/v1/users/{handle}/block", "unblockUser"),
    ("get", "/api/v1/users/{handle}/followers", "listFollowers"),
    ("get", "/api/v1/users/{handle}/following", "listFollowing"),
    ("post", "/api/v1/moderation/users/{handle}/suspend", "suspendUser"),
    ("post", "/api/v1/moderation/users/{handle}/reinstate", "reinstateUser"),
    ("post", "/api/v1/spaces", "createSpace"),
    ("get", "/api/v1/spaces", "listSpaces"),
    ("get", "/api/v1/spaces/{space_id}", "getSpace"),
    ("patch", "/api/v1/spaces/{space_id}", "updateSpace"),
    ("post", "/api/v1/spaces/{space_id}/start", "startSpace"),
    ("post", "/api/v1/spaces/{space_id}/end", "endSpace"),
    ("post", "/api/v1/spaces/{space_id}/cancel", "cancelSpace"),
    ("put", "/api/v1/spaces/{space_id}/reminder", "setReminder"),
    ("delete", "/api/v1/spaces/{space_id}/reminder", "clearReminder"),
    ("get", "/api/v1/spaces/{space_id}/calendar.ics", "getSpaceCalendar"),
    ("post", "/api/v1/spaces/{space_id}/join", "joinSpace"),
    ("post", "/api/v1/spaces/{space_id}/leave", "leaveSpace"),
    ("post", "/api/v1/spaces/{space_id}/speaker-requests", "requestToSpeak"),
    ("delete", "/api/v1/spaces/{space_id}/speaker-requests", "withdrawSpeakerRequest"),
    (
        "post",
        "/api/v1/spaces/{space_id}/speaker-requests/{user_id}/accept",
        "acceptSpeakerRequest",
    ),
    (
        "post",
        "/api/v1/spaces/{space_id}/speaker-requests/{user_id}/decline",
        "declineSpeakerRequest",
    ),
    ("post", "/api/v1/spaces/{space_id}/invitations", "inviteToStage"),
    ("post", "/api/v1/spaces/{space_id}/invitations/accept", "acceptInvitation"),
    ("post", "/api/v1/spaces/{space_id}/invitations/decline", "declineInvitation"),
    ("post", "/api/v1/spaces/{space_id}/mic", "setMyMic"),
    ("post", "/api/v1/spaces/{space_id}/speakers/{user_id}/mute", "muteSpeaker"),
    ("post", "/api/v1/spaces/{space_id}/mute-all", "muteAll"),
    ("delete", "/api/v1/spaces/{space_id}/speakers/{user_id}", "moveToAudience"),
    ("post", "/api/v1/spaces/{space_id}/participants/{user_id}/remove", "removeParticipant"),
    ("post", "/api/v1/spaces/{space_id}/reactions", "react"),
    ("post", "/api/v1/spaces/{space_id}/pins", "pinPost"),
    ("delete", "/api/v1/spaces/{space_id}/pins/{pin_id}", "unpinPost"),
    ("get", "/api/v1/spaces/{space_id}/analytics", "getSpaceAnalytics"),
    ("get", "/api/v1/notifications", "listNotifications"),
    ("post", "/api/v1/ws-tickets", "createWsTicket"),
    ("get", "/api/v1/spaces/{space_id}/live", "connectSpaceLive"),
    ("get", "/api/v1/notifications/live", "connectNotificationsLive"),
    ("post", "/api/v1/spaces/{space_id}/clips", "createClip"),
    ("get", "/api/v1/clips/{clip_id}", "getClip"),
    ("get", "/api/v1/clips/{clip_id}/audio", "getClipAudio"),
    ("get", "/api/v1/spaces/{space_id}/transcript", "getTranscript"),
    ("get", "/api/v1/transcripts/search", "searchTranscripts"),
]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def document(module_gateway):
    response = await module_gateway.client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


async def test_every_contract_operation_is_at_its_path(document):
    operations = {
        (method, path): operation.get("operationId")
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict)
    }

    for method, path, operation_id in REQUIRED:
        assert operations.get((method, path)) == operation_id, (method, path)


async def test_operation_ids_are_unique_and_documented(document):
    operations = [
        operation
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    ]
    ids = [operation["operationId"] for operation in operations]

    assert len(ids) == len(set(ids))
    assert all(operation.get("description") for operation in operations)
    assert "/healthz" not in document["paths"]


async def test_errors_are_documented_as_problem_details(document):
    follow = document["paths"]["/api/v1/users/{handle}/follow"]["put"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for status, response in operation.get("responses", {}).items():
                if int(status) >= 400:
                    assert list(response["content"]) == ["application/problem+json"], (
                        method,
                        path,
                        status,
                    )

    assert "application/problem+json" in follow["responses"]["404"]["content"]
    assert {"bearer", "cookie"} <= set(document["components"]["securitySchemes"])
    assert follow["security"] == [{"bearer": []}, {"cookie": []}]


async def test_list_parameters_are_documented(document):
    parameters = document["paths"]["/api/v1/users/{handle}/followers"]["get"]["parameters"]
    by_name = {parameter["name"]: parameter for parameter in parameters}

    assert by_name["limit"]["in"] == "query"
    assert by_name["limit"]["schema"]["maximum"] == 200
    assert by_name["cursor"]["required"] is False
    assert by_name["handle"]["in"] == "path"


async def test_the_docs_ui_is_served(api):
    response = await api.get("/api/v1/docs")

    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]


async def test_list_spaces_parameters_use_the_contract_names(document):
    parameters = document["paths"]["/api/v1/spaces"]["get"]["parameters"]
    by_name = {parameter["name"]: parameter for parameter in parameters}

    assert set(by_name) == {"state", "topic", "q", "following", "limit"}
    assert by_name["state"]["schema"]["enum"] == ["live", "scheduled"]
    assert document["paths"]["/api/v1/spaces"]["post"]["responses"].keys() >= {"201", "422"}


async def test_live_channels_are_documented_as_websocket_upgrades(api, document):
    operation = document["paths"]["/api/v1/spaces/{space_id}/live"]["get"]
    plain_get = await api.get("/api/v1/spaces/sp_1/live")

    assert "101" in operation["responses"]
    assert "ticket" in {parameter["name"] for parameter in operation["parameters"]}
    assert "space.state" in operation["description"]
    assert plain_get.status_code == 426
    assert plain_get.headers["content-type"].startswith("application/problem+json")
    assert plain_get.headers["upgrade"] == "websocket"


# -- issue 9, defect 7: the document agrees with the server --------------------------------

ANONYMOUS_OK = {
    *("getUser", "listFollowers", "listFollowing", "listSpaces", "getSpace"),
    *("getClip", "getClipAudio"),  # a clip's share link opens for anyone
    *("getTranscript", "searchTranscripts"),  # every Space is public
}
OPTIONAL = [{}, {"bearer": []}, {"cookie": []}]
REQUIRED_TOKEN = [{"bearer": []}, {"cookie": []}]


def operations_of(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                yield method, path, operation


async def test_operations_serving_anonymous_callers_declare_an_optional_token(document):
    security = {op["operationId"]: op.get("security") for _, _, op in operations_of(document)}

    for operation_id in ANONYMOUS_OK | {"connectSpaceLive"}:
        assert security[operation_id] == OPTIONAL, operation_id
    assert security["getMe"] == REQUIRED_TOKEN
    assert security["connectNotificationsLive"] == REQUIRED_TOKEN
    assert security["register"] is None
    assert security["login"] is None


async def test_every_operations_security_is_what_the_server_does(api, document):
    """Called without credentials (and without a body: guards run first), an operation whose
    security does not allow anonymous callers answers 401, and one that does never does.
    (The live channels authenticate once upgraded, which test_live checks: their plain GET is
    always a 426.)"""
    for method, path, operation in operations_of(document):
        if "426" in operation["responses"]:
            continue
        url = path.format(
            handle="bob", space_id="sp_1", user_id="usr_b", pin_id="pin_1", clip_id="clp_1"
        )
        response = await api.request(method.upper(), url)
        security = operation.get("security")
        anonymous_ok = security is None or {} in security
        assert (response.status_code == 401) == (not anonymous_ok), (
            operation["operationId"],
            response.status_code,
            response.text,
        )


async def test_every_status_a_live_channel_answers_is_documented(api, document, assert_problem):
    documented = document["paths"]["/api/v1/spaces/{space_id}/live"]["get"]["responses"]

    too_long = await api.get(f"/api/v1/spaces/{'x' * 101}/live")

    assert_problem(too_long, 422, "invalid-input")
    assert {"101", "400", "422", "426"} <= set(documented)


async def test_marking_read_up_to_an_empty_id_is_422_and_an_unknown_one_is_documented(
    api, fake_room, keys, document, assert_problem
):
    operation = document["paths"]["/api/v1/notifications/read"]["post"]
    headers = {"Authorization": f"Bearer {keys.token()}"}

    empty = await api.post("/api/v1/notifications/read", json={"up_to_id": ""}, headers=headers)
    fake_room.fail("mark_notifications_read", 404, "notification-not-found")
    unknown = await api.post(
        "/api/v1/notifications/read", json={"up_to_id": "n_x"}, headers=headers
    )

    body = assert_problem(empty, 422, "invalid-input")
    assert body["errors"][0]["field"] == "up_to_id"
    assert [call.payload for call in fake_room.requests()] == [{"up_to_id": "n_x"}]
    assert_problem(unknown, 404, "notification-not-found")
    assert {"404", "422"} <= set(operation["responses"])
    body_schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body_schema  # documented (the minimum length is in the component)


async def test_the_document_describes_bodies_and_empty_answers_as_served(document):
    paths = document["paths"]
    schemas = document["components"]["schemas"]

    assert paths["/api/v1/notifications/read"]["post"]["requestBody"]["required"] is False
    suspend = paths["/api/v1/moderation/users/{handle}/suspend"]["post"]
    assert suspend["requestBody"]["required"] is False
    assert paths["/api/v1/spaces"]["post"]["requestBody"]["required"] is True
    assert "content" not in paths["/api/v1/auth/logout"]["post"]["responses"]["204"]
    for body in ("RegisterBody", "CreateSpaceBody", "RemovalBody", "RemovalReport", "MicBody"):
        assert schemas[body]["additionalProperties"] is False, body


async def test_the_calendar_is_text_calendar_and_needs_no_login(document):
    operation = document["paths"]["/api/v1/spaces/{space_id}/calendar.ics"]["get"]

    assert "text/calendar; charset=utf-8" in operation["responses"]["200"]["content"]
    assert "404" in operation["responses"]
    assert not operation.get("security")
