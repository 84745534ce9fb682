"""Reads that catch up with writes eventually: retry an assertion until a deadline."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def eventually(check: Callable[[], T], timeout_s: float = 10.0, interval_s: float = 0.1) -> T:
    """Call ``check`` until it stops raising AssertionError; its last error after the deadline."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
        time.sleep(interval_s)
