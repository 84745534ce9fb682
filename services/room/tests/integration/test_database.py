"""Room's database on each backend (SQLite, PostgreSQL): the migrations create exactly the
declared tables, the service runs on them, every read model reaches the same rows when rebuilt
from the streams, and the step to one membership read model (0003) keeps an existing database
consistent. Also the after-commit hook the read models' live side effects rely on."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.chassis.db import create_engine, run_migrations, session_factory
from parley.chassis.projections import read_position, write_position
from parley.room.bootstrap import MIGRATIONS
from parley.room.projections import tables
from parley.room.projections.after_commit import after_commit
from parley.room.projections.tables import metadata

NOT_FROM_EVENTS = {"room_reaction_totals", "room_notification_reads"}


def schema_differences(connection: Any) -> list[Any]:
    return list(compare_metadata(MigrationContext.configure(connection), metadata))


async def test_the_migrations_create_exactly_the_declared_schema(
    room_on_each_database: Any,
) -> None:
    engine = room_on_each_database.running.infra.engine
    async with engine.connect() as connection:
        assert await connection.run_sync(schema_differences) == []


async def test_room_participants_has_the_shape_listener_counts_rely_on(
    room_on_each_database: Any,
) -> None:
    def columns(connection: Any) -> dict[str, bool]:
        return {
            column["name"]: column["nullable"]
            for column in inspect(connection).get_columns("room_participants")
        }

    async with room_on_each_database.running.infra.engine.connect() as connection:
        shape = await connection.run_sync(columns)
    assert {"space_id", "user_id", "joined_at", "left_at"} <= set(shape)
    assert shape["left_at"] is True
    assert tables.participants.c.joined_at.type.timezone is True  # type: ignore[attr-defined]


async def snapshot(room: Any, names: list[str]) -> dict[str, list[tuple[Any, ...]]]:
    async with room.sessions() as session:
        return {
            name: sorted(
                (
                    tuple(row)
                    for row in (await session.execute(select(metadata.tables[name]))).all()
                ),
                key=repr,
            )
            for name in names
        }


async def open_stays(room: Any) -> list[tuple[str, str]]:
    participants = tables.participants
    async with room.sessions() as session:
        rows = await session.execute(
            select(participants.c.space_id, participants.c.user_id).where(
                participants.c.left_at.is_(None)
            )
        )
        return sorted((row[0], row[1]) for row in rows.all())


async def test_a_space_on_each_database_and_the_read_models_rebuild(
    room_on_each_database: Any,
) -> None:
    room = room_on_each_database
    host, ann, bob, cat = await room.register("host", "ann", "bob", "cat")
    await room.follow(host, ann)
    await room.follow(ann, host)
    await room.block(bob, ann)
    first = await room.live_space(host, speak_policy="followed", topics=["jazz"])
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

    runners = [runner for runner in room.running.runners if runner.projection.tables]
    owned = sorted(
        table.name
        for runner in runners
        for table in runner.projection.tables
        if table.name not in NOT_FROM_EVENTS
    )
    await room.settle()
    before = await snapshot(room, owned)
    assert await open_stays(room) == sorted([(first, ann), (first, cat)])
    assert before["room_open_spaces"] == [(first, host)]
    assert before["room_blocks"] == [(bob, ann)]
    assert sorted(before["room_follows"]) == sorted([(host, ann), (ann, host)])
    assert len(before["room_catalog"]) == 2
    assert len(before["room_notifications"]) >= 3  # went live, request, accepted

    # One at a time, identity first: room_notifications reads room_follows as it applies.
    for runner in runners:
        await runner.rebuild()
        await runner.wait_until_caught_up(timeout=20)
    await room.settle()
    assert await snapshot(room, owned) == before


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


async def test_one_membership_read_model_from_an_existing_database(engine: AsyncEngine) -> None:
    """0003: room_memberships_live goes, room_participants (now also keeping
    room_open_spaces) is cleared and its position forgotten, so it is rebuilt from the stream;
    the retired consumers' positions go too; the others stay."""
    await run_migrations(engine, MIGRATIONS, "0002_read_side")
    sessions = session_factory(engine)
    async with sessions.begin() as session:
        await session.execute(
            text("INSERT INTO room_memberships_live (space_id, user_id) VALUES ('sp_1', 'usr_a')")
        )
        await session.execute(
            text("INSERT INTO room_open_spaces (space_id, host_id) VALUES ('sp_1', 'usr_h')")
        )
        for projection in (
            "room_participants",
            "room_memberships_live",
            "room_suspension_policy",
            "room_catalog",
        ):
            await write_position(session, projection, 42)

    await run_migrations(engine, MIGRATIONS)

    async with engine.connect() as connection:
        assert await connection.run_sync(schema_differences) == []
    async with sessions() as session:
        assert await session.scalar(text("SELECT count(*) FROM room_open_spaces")) == 0
        assert await read_position(session, "room_participants") == 0
        assert await read_position(session, "room_memberships_live") == 0
        assert await read_position(session, "room_suspension_policy") == 0
        assert await read_position(session, "room_catalog") == 42


async def test_after_commit_runs_only_after_a_commit(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'hook.db'}")
    sessions = session_factory(engine)
    ran: list[str] = []

    async def failing_event() -> None:
        async with sessions.begin() as session:
            after_commit(session, lambda: ran.append("rolled back"))
            await session.execute(text("select 1"))
            raise RuntimeError("the event failed")

    try:
        with pytest.raises(RuntimeError):
            await failing_event()
        async with sessions.begin() as session:
            after_commit(session, lambda: ran.append("first"))
            after_commit(session, lambda: ran.append("second"))
            await session.execute(text("select 1"))
            assert ran == []
        assert ran == ["first", "second"]
        async with sessions() as session:  # one session, two transactions
            async with session.begin():
                after_commit(session, lambda: ran.append("third"))
            async with session.begin():
                await session.execute(text("select 1"))
        assert ran == ["first", "second", "third"]
    finally:
        await engine.dispose()


async def test_the_audience_from_an_existing_database(engine: AsyncEngine) -> None:
    """0007: the count becomes the audience (present, not on stage), so room_participants is
    cleared and its position forgotten: it is rebuilt from the stream with the stage it now
    folds; the other read models keep their rows and positions."""
    await run_migrations(engine, MIGRATIONS, "0006_timers_on_the_broker")
    sessions = session_factory(engine)
    async with sessions.begin() as session:
        await session.execute(
            text(
                "INSERT INTO room_participants (space_id, user_id, joined_seq, joined_at,"
                " joined_epoch) VALUES ('sp_1', 'usr_host', 3, '2026-12-01 10:00:00+00:00', 0)"
            )
        )
        await session.execute(
            text(
                "INSERT INTO room_presence (space_id, listener_count, peak_listeners, ended)"
                " VALUES ('sp_1', 1, 1, false)"
            )
        )
        await session.execute(
            text(
                "INSERT INTO room_users (user_id, handle, display_name, suspended)"
                " VALUES ('usr_host', 'host', 'Host', false)"
            )
        )
        for projection in ("room_participants", "room_identity"):
            await write_position(session, projection, 42)

    await run_migrations(engine, MIGRATIONS)

    async with engine.connect() as connection:
        assert await connection.run_sync(schema_differences) == []
        indexes = await connection.run_sync(
            lambda sync: {i["name"] for i in inspect(sync).get_indexes("room_participants")}
        )
    assert "ix_room_participants_open" in indexes
    assert "ix_room_participants_space_open" not in indexes
    async with sessions() as session:
        for table in ("room_participants", "room_presence", "room_participants_stage"):
            assert await session.scalar(text(f"SELECT count(*) FROM {table}")) == 0
        assert await session.scalar(text("SELECT count(*) FROM room_users")) == 1
        assert await read_position(session, "room_participants") == 0
        assert await read_position(session, "room_identity") == 42
