"""When room's own answer allows more than the relay's projection, the relay waits for it."""

from __future__ import annotations

import pytest

from parley.media_relay.domain.roles import Admission, behind_room

LISTENING = Admission(role="listener", uplink=False)
ON_STAGE = Admission(role="speaker", uplink=True)


@pytest.mark.parametrize(
    ("admission", "phase", "role", "behind"),
    [
        (None, "live", "listener", True),  # refused, but room has the join
        (None, "live", "speaker", True),
        (None, "created", "host", True),  # refused, but room has the Space (host preparing)
        (None, "live", "none", False),  # room agrees: not joined
        (None, "live", "removed", False),
        (None, "ended", "listener", False),
        (None, "created", "listener", False),
        (LISTENING, "live", "speaker", True),  # promoted in room, not here yet
        (LISTENING, "live", "cohost", True),
        (LISTENING, "live", "listener", False),
        (ON_STAGE, "live", "speaker", False),
        (LISTENING, "ended", "speaker", False),
    ],
)
def test_behind_room(admission: Admission | None, phase: str, role: str, behind: bool) -> None:
    assert behind_room(admission, phase, role) is behind
