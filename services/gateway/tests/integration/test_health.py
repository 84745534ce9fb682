"""Probes: alive, and ready only while connected to NATS."""

from __future__ import annotations


async def test_healthz(api):
    response = await api.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_while_connected(api, eventually):
    async def loaded() -> bool:
        return (await api.get("/readyz")).json()["suspensions_loaded"]

    await eventually(loaded)
    response = await api.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"


async def test_readyz_is_a_503_problem_without_nats(gateway, assert_problem):
    await gateway.parts.broker.connection.close()

    response = await gateway.client.get("/readyz")

    assert_problem(response, 503, "not-ready")
    assert (await gateway.client.get("/healthz")).status_code == 200
