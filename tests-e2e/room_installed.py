"""Spaces tests need the room service, which ``parley up`` starts once it is installed."""

from __future__ import annotations

import pytest

from parley.cli.registry import Service, is_installed

requires_room = pytest.mark.skipif(
    not is_installed(Service("room")),
    reason="the room service is not installed yet (services/room has no __main__.py)",
)
