"""A service run as its own process by ``parley.testing.processes``: configured by the
environment, ready once it answers its health request, serving its routes through the chassis,
stopped cleanly by SIGTERM."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from faststream.nats import NatsBroker

from parley.chassis.bus import BusClient, RequestContext
from parley.chassis.messaging import make_broker
from parley.testing.processes import ServiceNotReady, ServiceProcess, service_process

FAKE_SERVICES = Path(__file__).resolve().parent / "fake_service"
ENV = {"PYTHONPATH": str(FAKE_SERVICES)}


@pytest.fixture
async def broker(nats_url: str) -> AsyncIterator[NatsBroker]:
    broker = make_broker(nats_url, "process-test")
    await broker.connect()
    yield broker
    await broker.stop()


async def test_a_service_process_serves_until_sigterm_then_exits_cleanly(
    nats_url: str, tmp_path: Path, broker: NatsBroker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(FAKE_SERVICES)
    from chassis_fake_service.__main__ import ECHO, Echo  # type: ignore[import-not-found]

    async with service_process(
        "chassis_fake",
        module="chassis_fake_service",
        nats_url=nats_url,
        data_dir=tmp_path / "data",
        env=ENV,
    ) as service:
        answer = await BusClient(broker).call(ECHO, Echo(text="hi"), RequestContext("usr_1"))
        status = await service.wait_until_ready(timeout=5)

    assert answer == Echo(text="hi from usr_1")
    assert status == {
        "service": "chassis_fake",
        "instance": status["instance"],
        "pid": service.pid,
        "ready": True,
        "projections": {},
        "standby": {},
    }
    assert f"-{service.pid}-" in str(status["instance"])  # <host>-<pid>-<random> by default
    assert service.exit_code == 0  # SIGTERM is a clean stop
    assert "service.ready" in service.log


async def test_a_process_that_dies_before_it_is_ready_fails_with_its_log(
    nats_url: str, tmp_path: Path
) -> None:
    child = ServiceProcess(
        "nothing", module="no_such_service_module", nats_url=nats_url, data_dir=tmp_path / "d"
    ).start()

    with pytest.raises(ServiceNotReady, match="No module named no_such_service_module"):
        await child.wait_until_ready(timeout=20)
    assert child.exit_code == 1
