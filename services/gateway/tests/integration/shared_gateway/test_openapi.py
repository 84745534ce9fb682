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
