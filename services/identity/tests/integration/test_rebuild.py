"""Every identity read model is a function of the stream: a rebuild reaches the same rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from parley.identity.projections.tables import blocks, follows, users


async def snapshot(identity: Any) -> dict[str, list[tuple[Any, ...]]]:
    tables = {"users": users, "follows": follows, "blocks": blocks}
    async with identity.running.infra.sessions() as session:
        return {
            name: sorted(tuple(row) for row in (await session.execute(select(table))).all())
            for name, table in tables.items()
        }


async def test_projections_reach_the_same_rows_after_rebuild(
    identity_on_each_database: Any,
) -> None:
    identity = identity_on_each_database
    ids = {name: (await identity.register(name))["id"] for name in ("mod_1", "ann", "ben", "cat")}
    for follower, followee in [("ann", "ben"), ("ben", "ann"), ("cat", "ann"), ("cat", "ben")]:
        await identity.command("follow", {"handle": followee}, actor=ids[follower])
    await identity.command("block", {"handle": "ben"}, actor=ids["ann"])
    await identity.command("update_profile", {"bio": "hi"}, actor=ids["cat"])
    await identity.command("suspend", {"handle": "cat"}, actor=ids["mod_1"])
    before = await snapshot(identity)
    assert len(before["users"]) == 4
    assert len(before["follows"]) == 2  # cat -> ann, cat -> ben: the block ended the others
    assert len(before["blocks"]) == 1
    info = await identity.running.infra.nc.jetstream().stream_info("IDENTITY")
    # 4 registrations, 4 follows, block + 2 unfollows, profile update, suspension
    assert info.state.last_seq == 13

    read_models = [r for r in identity.running.runners if r.stream == "IDENTITY"]
    for runner in read_models:
        await runner.rebuild()
    for runner in read_models:
        await runner.wait_until_caught_up()
        assert await runner.position() == 13

    assert await snapshot(identity) == before
