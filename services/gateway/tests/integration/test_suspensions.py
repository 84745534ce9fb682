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
