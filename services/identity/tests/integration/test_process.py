"""``python -m parley.identity`` as its own process, configured only by the environment, the
way ``parley up`` and Kubernetes run it."""

from __future__ import annotations

from pathlib import Path

from parley.chassis.bus import BusClient, RequestContext
from parley.chassis.tokens import TokenVerifier, generate_key_pair
from parley.contracts.api.identity import REGISTER, Register
from parley.testing.processes import service_process

from ..conftest import client_broker, room_stream_exists


async def test_the_service_runs_from_its_environment_and_stops_on_sigterm(
    tmp_path: Path, private_nats: str
) -> None:
    private_key, public_key = generate_key_pair(tmp_path / "keys")
    env = {
        "PARLEY_TOKEN_PRIVATE_KEY_FILE": str(private_key),
        "PARLEY_MODERATOR_HANDLES": "root_mod, other",
        "PARLEY_ARGON2_MEMORY_KIB": "1024",
        "PARLEY_ARGON2_TIME_COST": "1",
        "PARLEY_ARGON2_PARALLELISM": "1",
    }
    broker = await client_broker(private_nats, "process-test")
    try:
        await room_stream_exists(broker)  # identity waits for room's stream, never creates it
        async with service_process(
            "identity", nats_url=private_nats, data_dir=tmp_path / "data", env=env
        ) as identity:
            bus = BusClient(broker, timeout=10)
            registration = Register(handle="Root_Mod", display_name="Root", password="password1")
            answer = await bus.call(REGISTER, registration, RequestContext())
            claims = TokenVerifier(public_key.read_bytes()).verify(answer.access_token)
            assert claims.moderator  # PARLEY_MODERATOR_HANDLES, compared case-insensitively
            assert (tmp_path / "data" / "identity.db").exists()  # the default SQLite store

            assert await identity.stop() == 0  # SIGTERM: a clean stop
    finally:
        await broker.stop()
