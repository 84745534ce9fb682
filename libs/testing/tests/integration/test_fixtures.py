"""The plugin's fixtures take what the environment says first, and skip the PostgreSQL cases,
saying why, when there is nothing to run them on. Each inner session runs in a process of its
own: run in this one, it left something behind (its loops, its database connections) that made
a later PostgreSQL test of this process crash with a segfault."""

from __future__ import annotations

from pathlib import Path

import pytest

from parley.chassis.embedded_nats import EmbeddedNats
from parley.testing import sources

pytest_plugins = ("pytester",)

needs_local_postgres = pytest.mark.skipif(
    not sources.port_answers(*sources.local_postgres_address({})),
    reason="no PostgreSQL server on 127.0.0.1:5432",
)

INNER_TESTS = """
import os

async def test_nats(nats_url, nc):
    assert nats_url == os.environ["EXPECTED_NATS_URL"]
    assert nc.is_connected

async def test_private(private_nats):
    from parley.chassis.messaging import connect
    nc = await connect(private_nats, name="inner")
    assert await nc.jetstream().streams_info() == []
    await nc.close()

async def test_database(database_url):
    from sqlalchemy import text
    from parley.chassis.db import create_engine
    engine = create_engine(database_url)
    async with engine.connect() as conn:
        assert (await conn.execute(text("select 1"))).scalar() == 1
    await engine.dispose()
"""


@pytest.fixture
def inner(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    pytester.makeini(
        "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
    )
    pytester.makepyfile(test_inner=INNER_TESTS)
    for variable in (sources.NATS_URL, sources.PRIVATE_NATS_URL, sources.POSTGRES_URL):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv(sources.CONTAINERS, "off")
    return pytester


def test_with_nothing_configured_postgres_cases_skip_saying_why(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shared = EmbeddedNats(tmp_path / "shared").start()
    try:
        monkeypatch.setenv(sources.NATS_URL, shared.url)
        monkeypatch.setenv("EXPECTED_NATS_URL", shared.url)
        monkeypatch.setenv("PARLEY_TEST_PG_PORT", "1")  # nothing there
        result = inner.runpytest_subprocess("-rs")
    finally:
        shared.stop()
    result.assert_outcomes(passed=3, skipped=1)  # nats, private (the binary), sqlite
    result.stdout.fnmatch_lines(["*no PostgreSQL: set PARLEY_TEST_POSTGRES_URL*127.0.0.1:1*"])


@needs_local_postgres
def test_environment_urls_are_used_for_everything(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shared = EmbeddedNats(tmp_path / "shared").start()
    scratch = EmbeddedNats(tmp_path / "scratch").start()
    try:
        monkeypatch.setenv(sources.NATS_URL, shared.url)
        monkeypatch.setenv("EXPECTED_NATS_URL", shared.url)
        monkeypatch.setenv(sources.PRIVATE_NATS_URL, scratch.url)
        monkeypatch.setenv(sources.POSTGRES_URL, "postgresql://postgres@127.0.0.1:5432/postgres")
        monkeypatch.setenv("PARLEY_TEST_PG_PORT", "1")  # not the local server: the URL's
        result = inner.runpytest_subprocess("-rs")
    finally:
        scratch.stop()
        shared.stop()
    result.assert_outcomes(passed=4)
