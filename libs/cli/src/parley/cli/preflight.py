"""Checks before anything starts, so that a clash is one clear sentence instead of a crash
loop: another ``parley up`` on the same data directory, or the HTTP port already taken."""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
from collections.abc import Iterator
from pathlib import Path


def port_is_free(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


@contextlib.contextmanager
def exclusive_lock(lock_file: Path) -> Iterator[bool]:
    """Hold an advisory lock for as long as the stack runs; yields False if another holds it.
    The file names the holder's pid."""
    with lock_file.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield True
