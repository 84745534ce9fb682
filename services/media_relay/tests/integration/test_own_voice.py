"""Nobody on stage ever hears themselves (issue 9, defect 6), whatever their uplink does.

A stage member whose frame missed a tick used to be sent the shared program: its Opus encoder
still carried the member's voice from the tick before (its look-ahead, its pitch history), so
the member heard bursts of themselves at about -20 dBFS, mostly on a busy machine and around a
mute or an unmute. Here a speaker's uplink loses a third of its frames while they are unmuted
and muted again, several times, and what they receive is searched for their own tone (see
``tests/hearing.py`` for what counts as hearing it: the busy machine's clicks do not). Before
the fix, dozens of 20 ms windows in every run held it, up to -20 dBFS and 3-19 dB above the
spectrum around it.
"""

from __future__ import annotations

import asyncio
import random
import time

from parley.bots.sources import ToneTrack
from parley.contracts.events import room as ev
from parley.media_relay.domain.mixing import Pcm
from parley.media_relay.engine.session import UplinkBuffer

from ..conftest import Relay, Room, relay_worker
from ..hearing import loudest, tone_bursts

HOST, SPEAKER, OTHER, LISTENER = "usr_host", "usr_speaker", "usr_other", "usr_listener"
OWN_TONE, OTHER_TONE = 660.0, 1320.0
LOSS = 0.35


class LossyUplink:
    """Wraps a stage member's uplink buffer: a share of the frames never reach the mixer, as
    when their packets are lost or the mixer's tick comes before the packet (a busy machine)."""

    def __init__(self, buffer: UplinkBuffer, loss: float, seed: int) -> None:
        self._take = buffer.take
        self._loss = loss
        self._random = random.Random(seed)
        self.lost = 0
        buffer.take = self.take  # type: ignore[method-assign]

    def take(self) -> Pcm | None:
        frame = self._take()
        if frame is not None and self._random.random() < self._loss:
            self.lost += 1
            return None
        return frame


async def test_a_speaker_whose_uplink_drops_frames_never_hears_their_own_voice(
    stack: tuple[Room, Relay],
) -> None:
    room, relay = stack
    space = room.space_id
    await room.live_space(HOST)
    await room.speaker(SPEAKER, unmuted=False)
    await room.speaker(OTHER)
    await room.join(LISTENER)
    speaker = await relay.connect(space, SPEAKER, ToneTrack(OWN_TONE))
    other = await relay.connect(space, OTHER, ToneTrack(OTHER_TONE))
    listener = await relay.connect(space, LISTENER)
    session = relay_worker(room.workers[0]).spaces[space].sessions[SPEAKER]
    lossy = LossyUplink(session.buffer, LOSS, seed=9)
    await speaker.recorder.wait_for_frames(25)
    started = time.perf_counter()

    for _round in range(4):  # unmute, talk through a lossy uplink, mute again
        await room.space_event(ev.SpeakerUnmuted(space_id=space, user_id=SPEAKER))
        await asyncio.sleep(0.6)
        await room.space_event(ev.SpeakerMuted(space_id=space, user_id=SPEAKER, by=HOST))
        await asyncio.sleep(0.3)
    await asyncio.sleep(0.3)

    # The test means something: the speaker was heard, frames were lost, the stream worked.
    assert lossy.lost > 20, lossy.lost
    assert loudest(listener.recorder.pcm(start=started), OWN_TONE) > -25.0
    assert loudest(other.recorder.pcm(start=started), OWN_TONE) > -25.0
    received = speaker.recorder.pcm(start=started)
    assert loudest(received, OTHER_TONE) > -25.0
    heard_themselves = tone_bursts(received, OWN_TONE)
    print(f"own tone at the speaker: {loudest(received, OWN_TONE):.1f} dBFS at most")
    assert not heard_themselves, (
        f"the speaker heard themselves in {len(heard_themselves)} windows of 20 ms "
        f"(offset s, dBFS, dB above the spectrum around it): {heard_themselves[:6]}"
    )
