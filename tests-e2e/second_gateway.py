"""One more gateway process next to a running ``parley up`` stack, on the same NATS and keys:
what a second replica behind a load balancer is."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
from parley_up import TEST_ENV, ParleyUp
from processes import start_service_process, stop_process

from parley.chassis.embedded_nats import free_port


def stack_nats_url(stack: ParleyUp) -> str:
    """The broker ``parley up`` started, as it printed it."""
    found = re.findall(r"nats-server ready on (nats://\S+)", stack.stdout)
    assert found, f"parley up never said where NATS is\n{stack}"
    return found[-1]


def stack_public_key(stack: ParleyUp) -> Path:
    key = stack.workdir / "data" / "keys" / "token_public.pem"
    assert key.is_file(), f"no token public key at {key}"
    return key


class SecondGateway:
    def __init__(self, stack: ParleyUp, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_file = workdir / "gateway-2.log"
        env = TEST_ENV | {
            "NATS_URL": stack_nats_url(stack),
            "PARLEY_TOKEN_PUBLIC_KEY_FILE": str(stack_public_key(stack)),
            "PARLEY_HTTP_PORT": str(self.port),
        }
        self.process = start_service_process("parley.gateway", env, workdir, self.log_file)

    @property
    def log(self) -> str:
        return self.log_file.read_text(errors="replace")

    def wait_until_ready(self, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gateway 2 exited {self.process.returncode}\n{self.log}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"gateway 2 not ready within {timeout_s}s\n{self.log[-4000:]}")

    def stop(self, timeout_s: float = 15) -> int:
        return stop_process(self.process, timeout_s)
