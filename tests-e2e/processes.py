"""Starting and stopping one more service process next to a running ``parley up`` stack."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from parley_up import NOT_INHERITED


def start_service_process(
    module: str, env: dict[str, str], cwd: Path, log_file: Path
) -> subprocess.Popen[bytes]:
    """``python -m <module>`` with this environment (minus what would point it at another
    broker or data dir) plus ``env``, its output in ``log_file``."""
    environment = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    environment |= env | {"PYTHONUNBUFFERED": "1"}
    with log_file.open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", module],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=environment,
            cwd=cwd,
        )


def stop_process(process: subprocess.Popen[bytes], timeout_s: float = 15) -> int:
    """SIGTERM, then SIGKILL after ``timeout_s``; the exit code."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()
