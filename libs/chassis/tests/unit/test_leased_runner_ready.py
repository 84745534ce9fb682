"""A replica's readiness for one projection: applying it, or standing by while another replica
holds its lease; not while nobody holds it (nobody applies it then)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from parley.chassis.service import LeasedRunner

HOLDER = SimpleNamespace(instance="room-2", pid=2, host="h")


def leased(state: str, *, holder: Any = None, running: bool = False) -> LeasedRunner:
    keeper = SimpleNamespace(state=state, holder=holder)
    runner = SimpleNamespace(running=running)
    return LeasedRunner(runner=runner, keeper=keeper)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("state", "holder", "running", "ready"),
    [
        ("active", HOLDER, True, True),
        ("active", HOLDER, False, False),  # holding it, but its runner is not running
        ("standby", HOLDER, False, True),  # another replica applies it
        ("standby", None, False, False),  # nobody holds it: nobody applies it
        ("stopped", None, False, False),
    ],
)
def test_ready_means_someone_applies_the_projection(
    state: str, holder: Any, running: bool, ready: bool
) -> None:
    assert leased(state, holder=holder, running=running).ready is ready
