"""The write side on each database (SQLite, PostgreSQL): the migration creates exactly the
declared tables, the service runs on it, and every projection of the write side reaches the
same rows when rebuilt from the streams."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, select

from parley.room.metadata import metadata
from parley.room.projections import tables

WRITE_SIDE_TABLES = {
    "projection_positions",
    "dead_letters",
    *(
        table.name
        for table in (
            tables.users,
            tables.follows,
            tables.blocks,
            tables.timers,
            tables.memberships_live,
            tables.open_spaces,
        )
    ),
}
WRITE_SIDE_PROJECTIONS = {"room_identity", "room_timers", "room_memberships_live"}


def write_side_metadata() -> MetaData:
    only_ours = MetaData()
    for name in WRITE_SIDE_TABLES:
        metadata.tables[name].to_metadata(only_ours)
    return only_ours


async def test_the_migration_creates_the_declared_schema(room_on_each_database: Any) -> None:
    engine = room_on_each_database.running.infra.engine
    declared = write_side_metadata()

    def differences(connection: Any) -> list[Any]:
        context = MigrationContext.configure(connection)
        return [
            difference
            for difference in compare_metadata(context, declared)
            # Only our tables: the read side's are checked by its own tests.
            if difference[0] != "remove_table"
            and not (
                difference[0] == "remove_index"
                and difference[1].table.name not in WRITE_SIDE_TABLES
            )
        ]

    async with engine.connect() as connection:
        assert await connection.run_sync(differences) == []


async def snapshot(room: Any) -> dict[str, list[tuple[Any, ...]]]:
    async with room.running.infra.sessions() as session:
        return {
            name: sorted(
                tuple(row) for row in (await session.execute(select(metadata.tables[name]))).all()
            )
            for name in sorted(WRITE_SIDE_TABLES - {"projection_positions", "dead_letters"})
        }


async def test_a_space_on_each_database_and_the_projections_rebuild(
    room_on_each_database: Any,
) -> None:
    room = room_on_each_database
    host, ann, bob, cat = await room.register("host", "ann", "bob", "cat")
    await room.follow(host, ann)
    await room.block(bob, ann)
    first = await room.live_space(host, speak_policy="followed")
    second = await room.live_space(bob)
    for user in (ann, cat):
        await room.command("join_space", {"space_id": first}, user)
    await room.command("request_to_speak", {"space_id": first}, ann)
    await room.command("accept_speaker_request", {"space_id": first, "user_id": ann}, host)
    await room.command("host_presence", {"space_id": first, "connected": False}, host)
    await room.command("join_space", {"space_id": second}, cat)
    await room.command("end_space", {"space_id": second}, bob)
    view = await room.query("get_space", {"space_id": first}, ann)
    assert (view["my_role"], view["host_connected"]) == ("speaker", False)

    runners = [r for r in room.running.runners if r.projection.name in WRITE_SIDE_PROJECTIONS]
    for runner in runners:
        await runner.wait_until_caught_up()
    before = await snapshot(room)
    assert before["room_memberships_live"] == sorted([(first, ann), (first, cat)])
    assert before["room_open_spaces"] == [(first, host)]
    assert len(before["room_timers"]) == 1
    assert before["room_blocks"] == [(bob, ann)]
    assert before["room_follows"] == [(host, ann)]

    for runner in runners:
        await runner.rebuild()
    for runner in runners:
        await runner.wait_until_caught_up()
    assert await snapshot(room) == before
