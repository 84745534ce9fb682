"""Replays through the gateway and the real recording service (in-process, on a private
nats-server and SQLite): a recorded Space fed as the relay's origin feeds it, ended by a
stand-in for room; then getRecording, the audio with Range (read from the object store),
plays, the host's history and delete, and expiry by the recording's timer (ADR 22)."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from nats.aio.client import Client as NATS
from nats.js.errors import NotFoundError

from parley.chassis.messaging import connect, ensure_stream
from parley.chassis.service import RunningService, start_service
from parley.chassis.timers import Timers
from parley.contracts import media, ogg_opus, streams
from parley.contracts.api.recording import RECORDINGS_BUCKET
from parley.contracts.events.room import SpaceCreated, SpaceEnded, SpaceSettings, SpaceStarted
from parley.contracts.subjects import event_subject
from parley.recording.bootstrap import definition
from parley.recording.settings import RecordingSettings
from parley.testing import audio
from parley.testing.events import Appender

HOST = "usr_host"
LOW, HIGH = 440.0, 1760.0
PACKETS = 400  # 8 s: the first half LOW, the second HIGH; ~250 KB at 256 kb/s: two chunks


@pytest.fixture
def nats_url(private_nats: str) -> str:
    return private_nats


@pytest.fixture
async def stand_in(nats_url: str) -> AsyncIterator[NATS]:
    """Room and the relay (the owners of ROOM and RECFEED), played by the test."""
    nc = await connect(nats_url, name="room-and-relay-stand-in")
    await ensure_stream(nc, streams.ROOM)
    await ensure_stream(nc, streams.RECORDING_FEED)
    yield nc
    await nc.close()


StartRecording = Callable[..., Awaitable[RunningService]]


@pytest.fixture
async def start_recording(nats_url: str, tmp_path: Path, stand_in: NATS) -> AsyncIterator[Any]:
    running: list[RunningService] = []

    async def start(**overrides: Any) -> RunningService:
        settings = RecordingSettings(
            nats_url=nats_url,  # type: ignore[call-arg]
            data_dir=tmp_path / "recording",
            log_json=False,
            recording_segment_packets=100,
            recording_end_quiet_s=0.3,
            **overrides,
        )
        service = await start_service(definition, settings)
        running.append(service)
        return service

    yield start
    for service in running:
        await service.stop()


def tone_packets(count: int, hz: float) -> list[bytes]:
    # large packets: the object spans several store chunks
    return audio.tone_packets([(hz, count * 0.02)], bit_rate=256_000)


class Space:
    """A recorded Space as room and the relay's origin make it."""

    def __init__(self, nc: NATS, space_id: str) -> None:
        self.nc, self.space_id = nc, space_id
        self._room = Appender(nc, streams.ROOM)
        self._seq = 0
        self._started_ns = time.time_ns()

    async def _append(self, event: Any) -> None:
        await self._room.append(self.space_id, event)

    async def create_and_start(self) -> None:
        settings = SpaceSettings(recording=True)
        await self._append(
            SpaceCreated(space_id=self.space_id, host_id=HOST, title="Replay me", settings=settings)
        )
        await self._append(SpaceStarted(space_id=self.space_id, host_id=HOST))

    async def feed(self, packets: list[bytes]) -> None:
        js = self.nc.jetstream()
        for payload in packets:
            self._seq += 1
            headers = media.FeedHeaders(
                seq=self._seq,
                pts=(self._seq - 1) * 960,
                sample_rate=48_000,
                codec="opus",
                captured_at_ns=self._started_ns + (self._seq - 1) * 20_000_000,
                epoch="e1",
            ).to_headers()
            headers["Nats-Msg-Id"] = f"{self.space_id}.e1.{self._seq}"
            await js.publish(media.recording_feed_subject(self.space_id), payload, headers=headers)

    async def end(self) -> None:
        await self._append(SpaceEnded(space_id=self.space_id, by=HOST, reason="host_ended"))


def bearer(keys: Any, user_id: str, handle: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {keys.token(user_id, handle)}"}


async def state_of(api: Any, space_id: str) -> str | None:
    response = await api.get(f"/api/v1/spaces/{space_id}/recording")
    return str(response.json()["state"]) if response.status_code == 200 else None


async def recorded(
    api: Any, nc: NATS, space_id: str, packets: list[bytes], eventually: Any
) -> float:
    """Record a Space from start to ready; the seconds from its end to playable."""
    space = Space(nc, space_id)
    await space.create_and_start()
    await eventually(lambda: _is(api, space_id, "recording"), timeout=10)
    await space.feed(packets)
    await space.end()
    ended = time.monotonic()
    await eventually(lambda: _is(api, space_id, "ready"), timeout=30)
    return time.monotonic() - ended


async def _is(api: Any, space_id: str, state: str) -> bool:
    return await state_of(api, space_id) == state


async def stored_audio(nc: NATS, space_id: str) -> bytes:
    result = await (await nc.jetstream().object_store(RECORDINGS_BUCKET)).get(f"{space_id}.ogg")
    return result.data or b""


async def object_names(nc: NATS) -> list[str]:
    objects = await nc.jetstream().object_store(RECORDINGS_BUCKET)
    try:
        return sorted(info.name for info in await objects.list(ignore_deletes=True))
    except NotFoundError:  # the bucket holds nothing
        return []


def dominant_hz(samples: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(samples.size)))
    return float(np.fft.rfftfreq(samples.size, 1 / 48_000)[int(np.argmax(spectrum))])


def decode_from_a_page(data: bytes) -> tuple[int, np.ndarray]:
    """The granule before the first whole page found in ``data`` (bytes from somewhere in the
    file to its end), and the audio of the packets from there on."""
    at = data.find(b"OggS")
    pages = ogg_opus.read_pages(data[at:])
    start_granule = (
        pages[0].granule
        - sum(1 for segment, end in zip(pages[0].segments, pages[0].ends, strict=True) if end) * 960
    )
    decoder = av.CodecContext.create("libopus", "r")
    decoder.sample_rate, decoder.layout = 48_000, "mono"
    frames: list[np.ndarray] = []
    pending = b""
    for index, page in enumerate(pages):
        for segment, end in zip(page.segments, page.ends, strict=True):
            if index == 0 and page.continued and not pending and segment is page.segments[0]:
                continue  # the end of a packet that began before the slice
            pending += segment
            if end:
                frames.extend(
                    frame.to_ndarray().reshape(-1) for frame in decoder.decode(av.Packet(pending))
                )
                pending = b""
    return start_granule, np.concatenate(frames)


async def test_a_replay_is_served_with_ranges_and_decodes_at_an_offset(
    api, keys, stand_in, start_recording, eventually, assert_problem
):
    await start_recording()
    space = Space(stand_in, "sp_replay")
    await space.create_and_start()
    await eventually(lambda: _is(api, "sp_replay", "recording"), timeout=10)
    live = (await api.get("/api/v1/spaces/sp_replay/recording")).json()
    assert (live["state"], live["audio_url"], live["plays"]) == ("recording", None, 0)
    assert_problem(
        await api.get("/api/v1/spaces/sp_replay/recording/audio"), 409, "recording-not-ready"
    )
    await space.feed(tone_packets(PACKETS // 2, LOW) + tone_packets(PACKETS // 2, HIGH))
    await space.end()
    ended = time.monotonic()
    await eventually(lambda: _is(api, "sp_replay", "ready"), timeout=30)
    print(f"\nend -> playable (SpaceEnded -> getRecording ready): {time.monotonic() - ended:.2f} s")

    ready = (await api.get("/api/v1/spaces/sp_replay/recording")).json()
    assert ready["audio_url"] == "/api/v1/spaces/sp_replay/recording/audio"
    assert ready["duration_s"] == pytest.approx(
        (PACKETS * 960 - ogg_opus.PRE_SKIP) / 48_000, abs=1e-3
    )
    assert (ready["title"], ready["host_id"]) == ("Replay me", HOST)
    assert_problem(await api.get("/api/v1/spaces/sp_unknown/recording"), 404, "recording-not-found")

    stored = await stored_audio(stand_in, "sp_replay")
    size = len(stored)
    assert size == ready["bytes"] > 2 * 128 * 1024  # more than two chunks of the store
    url = ready["audio_url"]

    whole = await api.get(url)  # anonymous: no login needed
    assert whole.status_code == 200
    assert whole.headers["content-type"].startswith("audio/ogg")
    assert whole.headers["accept-ranges"] == "bytes"
    assert int(whole.headers["content-length"]) == size
    assert whole.content == stored

    async def ranged(spec: str) -> Any:
        return await api.get(url, headers={"Range": spec})

    cases = {
        "bytes=0-99": (0, 99),  # the first bytes
        "bytes=131000-131099": (131_000, 131_099),  # across the store's first chunk boundary
        f"bytes={size // 2}-{size // 2 + 9999}": (size // 2, size // 2 + 9999),  # the middle
        "bytes=-100": (size - 100, size - 1),  # a suffix
        f"bytes={size - 300}-": (size - 300, size - 1),  # open-ended
        f"bytes={size - 10}-{size + 500}": (size - 10, size - 1),  # clamped to the end
        f"bytes=-{size * 2}": (0, size - 1),  # a suffix longer than the audio
    }
    for spec, (first, last) in cases.items():
        response = await ranged(spec)
        assert response.status_code == 206, (spec, response.text)
        assert response.headers["content-range"] == f"bytes {first}-{last}/{size}", spec
        assert int(response.headers["content-length"]) == last - first + 1
        assert response.content == stored[first : last + 1], spec

    several = await ranged("bytes=0-9,100-199")  # several ranges: the whole audio
    assert (several.status_code, several.content == stored) == (200, True)
    assert (await ranged("items=0-9")).status_code == 200  # another unit: ignored
    for bad in (f"bytes={size}-", "bytes=abc", "bytes=50-10", "bytes=-0", "bytes=0-9,x"):
        refused = assert_problem(await ranged(bad), 416, "range-not-satisfiable")
        assert refused["status"] == 416
        assert (await ranged(bad)).headers["content-range"] == f"bytes */{size}"

    # Seek to 3/4 of the audio (in the second, higher tone): decode from the first page there.
    offset = size * 3 // 4
    tail = await ranged(f"bytes={offset}-")
    granule, samples = decode_from_a_page(tail.content)
    at_s = (granule - ogg_opus.PRE_SKIP) / 48_000
    assert PACKETS * 0.02 / 2 < at_s < PACKETS * 0.02
    assert samples.size > 48_000 // 2
    assert dominant_hz(samples[4800:24_000]) == pytest.approx(HIGH, abs=10)
    with av.open(io.BytesIO((await ranged("bytes=0-")).content), format="ogg") as container:
        decoded = [frame.to_ndarray().reshape(-1) for frame in container.decode(audio=0)]
    everything = np.concatenate(decoded)
    assert everything.size == PACKETS * 960 - ogg_opus.PRE_SKIP  # the whole file plays
    assert dominant_hz(everything[9600:48_000]) == pytest.approx(LOW, abs=10)


async def test_a_playback_counts_once_per_listener(
    api, keys, stand_in, start_recording, eventually
):
    await start_recording()
    await recorded(api, stand_in, "sp_plays", tone_packets(150, LOW), eventually)
    url = "/api/v1/spaces/sp_plays/recording/audio"
    ada = bearer(keys, "usr_ada", "ada")

    async def plays() -> int:
        return int((await api.get("/api/v1/spaces/sp_plays/recording")).json()["plays"])

    # One playback: the start, a seek, the rest, the start again (a browser does all these).
    for spec in ("bytes=0-", "bytes=2000-", "bytes=1000-1999", "bytes=0-"):
        assert (await api.get(url, headers={**ada, "Range": spec})).status_code == 206
    await eventually(lambda: _equals(plays(), 1))
    assert (await api.get(url, headers=ada)).status_code == 200  # the whole again: same listener
    # Another user, and an anonymous listener (by address and browser): a play each.
    await api.get(url, headers={**bearer(keys, "usr_bo", "bo"), "Range": "bytes=0-99"})
    await api.get(url, headers={"User-Agent": "listener-one"})
    await api.get(url, headers={"User-Agent": "listener-one", "Range": "bytes=0-10"})
    await eventually(lambda: _equals(plays(), 3))
    await asyncio.sleep(0.5)  # nothing else arrives late
    assert await plays() == 3
    # Requests that do not start at byte 0 are never a play.
    await api.get(url, headers={"User-Agent": "listener-two", "Range": "bytes=500-"})
    await asyncio.sleep(0.5)
    assert await plays() == 3


async def _equals(value: Awaitable[int], expected: int) -> bool:
    return await value == expected


async def test_the_host_lists_and_deletes_recordings(
    api, keys, stand_in, start_recording, eventually, assert_problem, nats_url
):
    await start_recording()
    for space_id in ("sp_old", "sp_new"):
        await recorded(api, stand_in, space_id, tone_packets(60, LOW), eventually)
    host, other = bearer(keys, HOST, "host"), bearer(keys, "usr_other", "other")

    first = await api.get("/api/v1/me/recordings?limit=1", headers=host)
    assert first.status_code == 200, first.text
    assert [item["space_id"] for item in first.json()["items"]] == ["sp_new"]
    cursor = first.json()["next_cursor"]
    second = await api.get(f"/api/v1/me/recordings?limit=1&cursor={cursor}", headers=host)
    assert [item["space_id"] for item in second.json()["items"]] == ["sp_old"]
    assert second.json()["next_cursor"] is None
    assert (await api.get("/api/v1/me/recordings", headers=other)).json()["items"] == []
    assert_problem(await api.get("/api/v1/me/recordings"), 401, "unauthenticated")
    assert_problem(
        await api.get("/api/v1/me/recordings?cursor=bm9wZQ==", headers=host), 422, "invalid-cursor"
    )

    timers = Timers(stand_in, "recording")
    assert await timers.armed("sp_old.expiry") is not None  # armed when it became ready

    path = "/api/v1/spaces/sp_old/recording"
    assert_problem(await api.delete(path), 401, "unauthenticated")
    assert_problem(await api.delete(path, headers=other), 403, "not-the-host")
    assert (await api.get(path)).status_code == 200  # still there
    deleted = await api.delete(path, headers=host)
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["state"] == "deleted"
    assert_problem(await api.get(path), 410, "recording-deleted")
    assert_problem(await api.get(f"{path}/audio"), 410, "recording-deleted")
    assert await timers.armed("sp_old.expiry") is None  # disarmed
    assert await object_names(stand_in) == ["sp_new.ogg"]
    # What clipping deletes the recording's clips on.
    gone = await stand_in.jetstream().get_last_msg(
        streams.RECORDING.name, event_subject("recording", "sp_old", "RecordingDeleted")
    )
    assert b'"host_deleted"' in (gone.data or b"")
    again = await api.delete(path, headers=host)  # deleting again changes nothing
    assert (again.status_code, again.json()["state"]) == (200, "deleted")
    listed = await api.get("/api/v1/me/recordings", headers=host)
    assert [item["space_id"] for item in listed.json()["items"]] == ["sp_new"]


async def test_a_recording_expires_after_its_retention(
    api, stand_in, start_recording, eventually, assert_problem
):
    await start_recording(recording_retention_s=2.0)
    await recorded(api, stand_in, "sp_short", tone_packets(60, LOW), eventually)
    ready_at = time.monotonic()
    view = (await api.get("/api/v1/spaces/sp_short/recording")).json()
    assert view["expires_at"] is not None
    await eventually(lambda: _is_gone(api, "sp_short"), timeout=15)
    print(f"\nready -> expired with a 2 s retention: {time.monotonic() - ready_at:.2f} s")
    assert_problem(await api.get("/api/v1/spaces/sp_short/recording"), 410, "recording-deleted")
    assert await object_names(stand_in) == []
    gone = await stand_in.jetstream().get_last_msg(
        streams.RECORDING.name, event_subject("recording", "sp_short", "RecordingDeleted")
    )
    assert b'"expired"' in (gone.data or b"")


async def _is_gone(api: Any, space_id: str) -> bool:
    return (await api.get(f"/api/v1/spaces/{space_id}/recording")).status_code == 410
