"""A suspended account's tokens stop working at once and work again once reinstated."""

from __future__ import annotations

from parley.contracts.envelope import EventEnvelope


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def publish(nc, user_id: str, event_type: str, subject_event: str) -> None:
    envelope = EventEnvelope(
        event_type=event_type,
        event_version=1,
        aggregate_id=user_id,
        actor="usr_mod",
        correlation_id="cor_test",
        data={"user_id": user_id, "moderator_id": "usr_mod", "reason": "spam"},
    )
    await nc.publish(f"identity.{user_id}.{subject_event}", envelope.model_dump_json().encode())
    await nc.flush()


async def test_suspension_event_revokes_tokens_and_reinstatement_restores_them(
    api, fake_identity, identity_nc, keys, assert_problem, eventually
):
    headers = bearer(keys.token("usr_eve", "eve"))
    other = bearer(keys.token("usr_ada", "ada"))
    assert (await api.get("/api/v1/me", headers=headers)).status_code == 200

    await publish(identity_nc, "usr_eve", "UserSuspended", "user_suspended")

    async def refused() -> bool:
        return (await api.get("/api/v1/me", headers=headers)).status_code == 401

    await eventually(refused)
    assert_problem(await api.get("/api/v1/me", headers=headers), 401, "account-suspended")
    assert (await api.get("/api/v1/me", headers=other)).status_code == 200

    await publish(identity_nc, "usr_eve", "UserReinstated", "user_reinstated")

    async def accepted() -> bool:
        return (await api.get("/api/v1/me", headers=headers)).status_code == 200

    await eventually(accepted)


async def test_suspended_cookie_is_refused_too(
    api, fake_identity, identity_nc, keys, assert_problem, eventually
):
    api.cookies.set("parley_token", keys.token("usr_eve", "eve"))
    await publish(identity_nc, "usr_eve", "UserSuspended", "user_suspended")

    async def refused() -> bool:
        return (await api.get("/api/v1/me")).status_code == 401

    await eventually(refused)
    assert_problem(await api.get("/api/v1/me"), 401, "account-suspended")


async def test_suspensions_from_before_start_are_loaded(
    start_gateway, fake_identity, keys, assert_problem, eventually
):
    fake_identity.suspended_ids = ["usr_eve"]
    gateway = await start_gateway()

    async def loaded() -> bool:
        return (await gateway.client.get("/readyz")).json()["suspensions_loaded"]

    await eventually(loaded)
    response = await gateway.client.get("/api/v1/me", headers=bearer(keys.token("usr_eve", "eve")))
    assert_problem(response, 401, "account-suspended")
    assert fake_identity.requests() == []


async def test_the_list_is_retried_until_identity_answers(
    start_gateway, start_fake_identity, keys, assert_problem, eventually
):
    gateway = await start_gateway()  # identity is not up yet
    assert (await gateway.client.get("/readyz")).json()["suspensions_loaded"] is False

    fake = await start_fake_identity()
    fake.suspended_ids = ["usr_eve"]

    async def loaded() -> bool:
        return (await gateway.client.get("/readyz")).json()["suspensions_loaded"]

    await eventually(loaded)
    response = await gateway.client.get("/api/v1/me", headers=bearer(keys.token("usr_eve", "eve")))
    assert_problem(response, 401, "account-suspended")


async def test_unreadable_events_are_ignored(api, fake_identity, identity_nc, keys, eventually):
    await identity_nc.publish("identity.usr_eve.user_suspended", b"not an envelope")
    await publish(identity_nc, "usr_zed", "UserSuspended", "user_suspended")  # comes after it

    async def zed_refused() -> bool:
        zed = bearer(keys.token("usr_zed", "zed"))
        return (await api.get("/api/v1/me", headers=zed)).status_code == 401

    await eventually(zed_refused)
    eve = await api.get("/api/v1/me", headers=bearer(keys.token("usr_eve", "eve")))
    assert eve.status_code == 200


async def test_a_suspended_users_open_sockets_close_within_a_second(
    gateway, fake_identity, fake_room, identity_nc, keys, open_live, eventually
):
    """Issue 9, defect 5: the notification socket and a live Space socket of a user who is
    suspended close at once, with the code and reason a suspended user's new socket gets."""
    eve, ada = keys.token("usr_eve", "eve"), keys.token("usr_ada", "ada")
    notifications = await open_live(gateway, "/api/v1/notifications/live", token=eve)
    space = await open_live(gateway, "/api/v1/spaces/sp_1/live", token=eve)
    bystander = await open_live(gateway, "/api/v1/spaces/sp_1/live", token=ada)
    for live in (notifications, space, bystander):
        await live.next()  # the snapshot: each socket is being served
    assert gateway.parts.live.open_sockets("usr_eve") == 2

    await publish(identity_nc, "usr_eve", "UserSuspended", "user_suspended")

    for live in (notifications, space):
        code, reason, _ = await live.closed(timeout=1.0)
        assert (code, reason) == (4401, "account-suspended")
    await bystander.send({"type": "ping"})
    assert (await bystander.next())["type"] == "pong"  # others stay connected
    await eventually(lambda: gateway.parts.live.open_sockets("usr_eve") == 0)
    again = await open_live(gateway, "/api/v1/notifications/live", token=eve)
    assert (await again.closed(timeout=1.0))[:2] == (4401, "account-suspended")


async def test_a_suspension_learnt_from_the_full_list_closes_sockets_too(
    start_gateway, fake_identity, fake_room, keys, open_live
):
    gateway = await start_gateway(suspension_refresh_s=0.2)
    live = await open_live(gateway, "/api/v1/spaces/sp_1/live", token=keys.token("usr_eve", "eve"))
    await live.next()

    fake_identity.suspended_ids = ["usr_eve"]  # an event this gateway missed

    code, reason, _ = await live.closed(timeout=2.0)
    assert (code, reason) == (4401, "account-suspended")
