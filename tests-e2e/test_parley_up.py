"""``parley up`` itself: Ctrl-C stops everything, and a dying service is reported loudly."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from accounts_api import get_user, register
from parley_up import ParleyUp
from polling import eventually

from parley.cli.processes import alive

pytestmark = pytest.mark.e2e


@pytest.fixture
def own_stack(tmp_path: Path) -> Iterator[ParleyUp]:
    """A stack for one test, which may then break it."""
    up = ParleyUp(tmp_path)
    try:
        up.wait_until_ready()
        yield up
    finally:
        if up.process.poll() is None:
            up.kill()


def test_ctrl_c_stops_every_process_and_exits_0(own_stack: ParleyUp) -> None:
    children = own_stack.children()
    assert len(children) >= 3, own_stack  # nats-server, identity, gateway at least
    assert f"Parley is up: {own_stack.url}" in own_stack.stdout

    assert own_stack.interrupt() == 0, own_stack

    assert [pid for pid in children if alive(pid)] == []
    assert "stopped identity cleanly" in own_stack.stdout, own_stack
    assert "stopped gateway cleanly" in own_stack.stdout, own_stack
    assert "SERVICE CRASHED" not in own_stack.stderr
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{own_stack.url}/readyz", timeout=2)


def test_a_killed_service_is_reported_on_stderr_and_comes_back(own_stack: ParleyUp) -> None:
    with httpx.Client(base_url=own_stack.url, timeout=15) as api:
        before = register(api)

        os.kill(own_stack.pid_of("identity"), signal.SIGKILL)

        own_stack.wait_for_output("SERVICE CRASHED: identity (killed by SIGKILL)", stream="stderr")
        assert "restarting identity in 1s (restart 1 of 3)" in own_stack.stderr
        own_stack.wait_for_output("identity is ready again")
        eventually(lambda: get_user(api, before.handle), timeout_s=30)  # its data survived
        register(api)

    assert own_stack.interrupt() == 0, own_stack
