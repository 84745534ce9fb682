"""The migrations create exactly the tables clipping declares; 0002 places the replay clips
already made on the recording's clock, 0003 clears the clips for their projection to be
rebuilt with the transcripts' segments; each goes back down."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Connection, column, insert, inspect, select, table, text
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.chassis.db import create_engine, run_migrations
from parley.clipping.bootstrap import MIGRATIONS
from parley.clipping.projections.tables import clips, metadata


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


def schema_differences(connection: Connection) -> list[Any]:
    return list(compare_metadata(MigrationContext.configure(connection), metadata))


def downgrade(connection: Connection, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.downgrade(config, revision)


def clip_row(clip_id: str, start_s: float | None) -> dict[str, Any]:
    return {
        "clip_id": clip_id,
        "space_id": "sp_1",
        "state": "ready",
        "source": "live" if start_s is None else "replay",
        "start_s": start_s,
        "duration_ms": 29_993,
        "transcript": "",
        "created_by": "usr_a",
        "created_at": datetime(2030, 1, 1, tzinfo=UTC),
        "seq": 1,
    }


async def test_the_migrations_create_exactly_the_declared_schema(engine: AsyncEngine) -> None:
    await run_migrations(engine, MIGRATIONS)
    async with engine.connect() as connection:
        assert await connection.run_sync(schema_differences) == []


async def test_0002_places_the_replay_clips_already_made(engine: AsyncEngine) -> None:
    await run_migrations(engine, MIGRATIONS, "0001")
    rows = [clip_row("clp_replay", 12.34), clip_row("clp_live", None)]
    # the table as 0001 made it: without window_start_ms
    clips_0001 = table("clips", *(column(name, clips.c[name].type) for name in rows[0]))
    async with engine.begin() as connection:
        await connection.execute(insert(clips_0001), rows)
    await run_migrations(engine, MIGRATIONS, "0002")
    async with engine.connect() as connection:
        found = await connection.execute(select(clips.c.clip_id, clips.c.window_start_ms))
        assert dict(found.all()) == {"clp_replay": 12_340, "clp_live": None}

    async with engine.begin() as connection:
        await connection.run_sync(downgrade, "0001")
        names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        columns = await connection.run_sync(
            lambda sync: {column["name"] for column in inspect(sync).get_columns("clips")}
        )
    assert "clipping_caption_segments" not in names
    assert "window_start_ms" not in columns


async def test_0003_rebuilds_the_clips_with_their_segments_and_goes_back_down(
    engine: AsyncEngine,
) -> None:
    await run_migrations(engine, MIGRATIONS, "0002")
    positions = table("projection_positions", column("projection"), column("last_seq"))
    async with engine.begin() as connection:
        await connection.execute(insert(clips).values(clip_row("clp_1", 10.0)))
        await connection.execute(
            insert(positions),
            [
                {"projection": "clipping_clips", "last_seq": 7},
                {"projection": "clipping_caption_segments", "last_seq": 9},
            ],
        )
    await run_migrations(engine, MIGRATIONS)
    kept = select(positions.c.projection, positions.c.last_seq)
    async with engine.begin() as connection:
        # Cleared, and its position forgotten: replayed from CLIPPING at the next start.
        assert (await connection.execute(select(clips.c.clip_id))).all() == []
        assert dict((await connection.execute(kept)).all()) == {"clipping_caption_segments": 9}
        row = {**clip_row("clp_2", 10.0), "transcript_segments": [{"speaker_id": "usr_a"}]}
        await connection.execute(insert(clips).values(row))
        stored = await connection.scalar(select(clips.c.transcript_segments))
        assert stored == [{"speaker_id": "usr_a"}]

    async with engine.begin() as connection:
        await connection.run_sync(downgrade, "0002")
        columns = await connection.run_sync(
            lambda sync: {column["name"] for column in inspect(sync).get_columns("clips")}
        )
        assert "transcript_segments" not in columns
        assert (await connection.execute(text("SELECT count(*) FROM clips"))).scalar() == 0
