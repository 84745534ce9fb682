"""``parley up`` end to end over stand-in services: start, readiness, Ctrl-C, crashes."""

import os
import re
import signal
import socket

import pytest
from fake_stack import FakeStack, FakeStacks

from parley.cli.processes import alive, descendants

pytestmark = pytest.mark.timeout(90)


def pid_of(stack: FakeStack, name: str) -> int:
    found = re.findall(rf"started {name} \(pid (\d+)", stack.stdout)
    assert found, stack
    return int(found[-1])


def test_up_starts_the_broker_and_services_then_ctrl_c_stops_all_and_exits_0(
    stacks: FakeStacks,
) -> None:
    stack = stacks.start("fake_ok", "not_installed_yet")
    stack.wait_for("Parley is up: http://127.0.0.1:")
    children = descendants(stack.process.pid)

    assert "skipped: not_installed_yet" in stack.stdout
    assert "fake_ok ready in" in stack.stdout
    assert "fake_ok | fake_ok started with database sqlite+aiosqlite:///" in stack.stdout
    assert len(children) >= 2  # the broker and the service

    assert stack.interrupt() == 0
    assert not [pid for pid in children if alive(pid)]
    assert "stopped fake_ok cleanly" in stack.stdout
    assert stack.stderr == ""
    log = (stack.data_dir / "logs" / "fake_ok.log").read_text()
    assert "fake_ok stopping" in log


def test_sigterm_stops_the_stack_too(stacks: FakeStacks) -> None:
    stack = stacks.start("fake_ok")
    stack.wait_for("Parley is up")

    stack.process.send_signal(signal.SIGTERM)

    assert stack.process.wait(timeout=30) == 0


def test_a_killed_service_is_reported_loudly_and_restarted(stacks: FakeStacks) -> None:
    stack = stacks.start("fake_ok")
    stack.wait_for("Parley is up")

    os.kill(pid_of(stack, "fake_ok"), signal.SIGKILL)

    stack.wait_for("SERVICE CRASHED: fake_ok (killed by SIGKILL)", stream="stderr")
    stack.wait_for("fake_ok is ready again")
    assert stack.interrupt() == 0


def test_a_service_that_keeps_crashing_stops_the_stack_with_an_error(stacks: FakeStacks) -> None:
    stack = stacks.start("fake_ok", env={"FAKE_CRASH_AFTER_S": "0.3", "FAKE_EXIT_CODE": "7"})

    assert stack.process.wait(timeout=60) == 1
    assert stack.stderr.count("SERVICE CRASHED: fake_ok (exit code 7)") == 3
    assert "fake_ok: something went badly wrong" in stack.stderr
    assert "restarting fake_ok in 0.2s (restart 1 of 2)" in stack.stderr
    assert "crashed 3 times in a row: stopping the stack" in stack.stderr
    assert "parley up failed: fake_ok crashed (exit code 7)" in stack.stderr


def test_a_service_that_never_gets_ready_fails_the_start(stacks: FakeStacks) -> None:
    stack = stacks.start("fake_ok", ready_timeout_s=2, env={"FAKE_NEVER_READY": "1"})

    assert stack.process.wait(timeout=60) == 1
    assert "fake_ok NOT READY after 2s" in stack.stderr
    assert "Parley is up" not in stack.stdout


def test_a_second_stack_on_the_same_data_dir_is_refused(stacks: FakeStacks) -> None:
    first = stacks.start("fake_ok")
    first.wait_for("Parley is up")

    second = stacks.start("fake_ok", data_dir=first.data_dir)

    assert second.process.wait(timeout=30) == 2
    assert "another `parley up` is using" in second.stderr
    assert first.interrupt() == 0


def test_a_taken_http_port_is_refused_before_anything_starts(stacks: FakeStacks) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()

        stack = stacks.start("fake_ok:http", port=taken.getsockname()[1])

        assert stack.process.wait(timeout=30) == 2
    assert "already in use" in stack.stderr
    assert "nats-server" not in stack.stdout


def test_nats_url_uses_that_server_and_leaves_it_running(stacks: FakeStacks, nats_url: str) -> None:
    stack = stacks.start("fake_ok", env={"NATS_URL": nats_url})
    stack.wait_for("Parley is up")

    assert f"using NATS at {nats_url} (NATS_URL)" in stack.stdout
    assert "nats-server ready" not in stack.stdout
    assert stack.interrupt() == 0
    assert "stopped nats-server" not in stack.stdout
    port = int(nats_url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=2):
        pass  # still serving


def test_an_unreachable_nats_url_fails_clearly(stacks: FakeStacks) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]  # bound, never listening: connections are refused

        stack = stacks.start("fake_ok", env={"NATS_URL": f"nats://127.0.0.1:{port}"})

        assert stack.process.wait(timeout=60) == 1
    assert f"cannot connect to NATS at nats://127.0.0.1:{port}" in stack.stderr
    assert "started fake_ok" not in stack.stdout


def test_replicas_each_run_as_a_named_process_and_are_each_waited_for(
    stacks: FakeStacks,
) -> None:
    stack = stacks.start("fake_ok", env={"PARLEY_REPLICAS": "2"})
    stack.wait_for("Parley is up")

    assert "2 replicas of each service" in stack.stdout
    assert "fake_ok-1 ready in" in stack.stdout
    assert "fake_ok-2 ready in" in stack.stdout
    assert "fake_ok-1 | fake_ok is instance fake_ok-1" in stack.stdout
    assert "fake_ok-2 | fake_ok is instance fake_ok-2" in stack.stdout
    one, two = pid_of(stack, "fake_ok-1"), pid_of(stack, "fake_ok-2")
    assert f"replicas (pid): fake_ok-1 {one}, fake_ok-2 {two}" in stack.stdout

    os.kill(one, signal.SIGKILL)  # one replica dies: only it is restarted

    stack.wait_for("SERVICE CRASHED: fake_ok-1 (killed by SIGKILL)", stream="stderr")
    stack.wait_for("fake_ok-1 is ready again")
    assert alive(two)
    assert "fake_ok-2" not in stack.stderr
    assert stack.interrupt() == 0
    assert "stopped fake_ok-1 cleanly" in stack.stdout
    assert "stopped fake_ok-2 cleanly" in stack.stdout
    assert (stack.data_dir / "logs" / "fake_ok-2.log").read_text().endswith("fake_ok stopping\n")
