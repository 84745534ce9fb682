"""Real audio through the whole stack: bots over HTTP and WebRTC, the gateway, room and the
media relay started by ``parley up`` (issue 4)."""

from __future__ import annotations

import asyncio
import time

import pytest
from media_bots import bot, hears

from parley.bots import MediaRefused, ToneTrack, has_tone, is_silent
from parley.bots.sources import SAMPLE_RATE

pytestmark = pytest.mark.e2e


async def test_a_space_sounds_right_end_to_end(stack) -> None:  # type: ignore[no-untyped-def]
    host, speaker, listener, outsider = [
        await bot(stack.url, role) for role in ("host", "speaker", "listen", "outsid")
    ]
    try:
        space = await host.create_space("Sound check")
        await host.start_space()
        await host.connect_media(space.id, ToneTrack(440.0))
        await speaker.join(space.id)
        await listener.join(space.id)
        await listener.connect_media()

        # Not joined: no audio. A listener cannot send (the relay answers send-only).
        with pytest.raises(MediaRefused) as refused:
            await outsider.connect_media(space.id)
        assert refused.value.status == 403
        await speaker.connect_media(source=ToneTrack(660.0))
        assert speaker.media is not None
        assert speaker.media.can_publish is False

        # On stage (accepted, then unmuted): after renegotiating, everyone hears them.
        await speaker.request_to_speak()
        await host.accept_request(speaker.user_id)
        await speaker.reconnect_media()
        assert speaker.media.can_publish is True
        await speaker.set_mic(True)
        assert await hears(listener, 660.0)
        assert await hears(host, 660.0)
        assert not has_tone(speaker.recorder.last(0.6), SAMPLE_RATE, 660.0)  # type: ignore[union-attr]

        # getSpace says who is speaking.
        deadline = time.perf_counter() + 5
        while speaker.user_id not in (view := await listener.get_space()).speaking:
            assert time.perf_counter() < deadline, "the speaker never showed as speaking"
            await asyncio.sleep(0.2)
        assert [m.speaking for m in view.speakers if m.user_id == speaker.user_id] == [True]
        assert view.host.speaking is False

        # The host (mic still off) is not heard; a mute silences the speaker.
        assert not has_tone(listener.recorder.last(0.6), SAMPLE_RATE, 440.0)  # type: ignore[union-attr]
        await host.mute_speaker(speaker.user_id)
        await asyncio.sleep(0.6)
        assert is_silent(listener.recorder.last(0.4))  # type: ignore[union-attr]

        await host.end_space()
        deadline = time.perf_counter() + 10
        while listener.media is not None and listener.media.connection_state == "connected":
            assert time.perf_counter() < deadline, "the listener was not hung up"
            await asyncio.sleep(0.1)
    finally:
        for player in (host, speaker, listener, outsider):
            await player.close()
