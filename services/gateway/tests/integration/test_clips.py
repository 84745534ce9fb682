"""Clips through the gateway: createClip (202, Location), getClip and getClipAudio for anyone,
the audio read from a real ``clips`` object store bucket on the test's nats-server with
``Range`` (206 byte-exact, 416), a clip being cut (409) or gone (410), and clipping's problems
passed through. Clipping here is a stand-in answering its routes from a dict (its own tests
are the clipping service's; the end-to-end test goes through the real one)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from nats.js.api import ObjectMeta

from parley.chassis.messaging import connect
from parley.contracts.api.clipping import BUCKET

from .conftest import respond

AUDIO = bytes(range(256)) * 400  # 100 KiB: more than one object store chunk


def clip_view(clip_id: str, state: str = "ready", **extra: Any) -> dict[str, Any]:
    return {
        "clip_id": clip_id,
        "space_id": "sp_1",
        "state": state,
        "source": "replay",
        "start_s": 12.0,
        "duration_s": 30.0 if state == "ready" else None,
        "transcript": "",
        "created_by": "usr_ada",
        "created_at": "2026-01-01T00:00:00Z",
        "object_name": f"{clip_id}.ogg" if state == "ready" else None,
        "share_url": f"https://parley.example/clips/{clip_id}",
        **extra,
    }


class StandIn:
    def __init__(self, nc: NATS) -> None:
        self.nc = nc
        self.clips: dict[str, dict[str, Any]] = {}
        self.created: list[tuple[dict[str, Any], str | None]] = []
        self.refuse: dict[str, Any] | None = None

    async def on_request(self, msg: Msg) -> None:
        name = msg.subject.rsplit(".", 1)[-1]
        payload = json.loads(msg.data or b"{}")
        if name == "create_clip":
            self.created.append((payload, (msg.headers or {}).get("Parley-Actor")))
            if self.refuse is not None:
                await respond(self.nc, msg, problem=self.refuse)
                return
            await respond(self.nc, msg, {"clip_id": "clp_new", "state": "pending"})
            return
        view = self.clips.get(payload["clip_id"])
        if view is None:
            problem = {"type": "clip-not-found", "title": "Clip not found", "status": 404}
            await respond(self.nc, msg, problem={**problem, "detail": "no such clip"})
            return
        await respond(self.nc, msg, view)


@pytest.fixture
async def clipping(nats_url: str) -> AsyncIterator[StandIn]:
    nc = await connect(nats_url, name="clipping-stand-in")
    stand_in = StandIn(nc)
    subs = [
        await nc.subscribe("cmd.clipping.*", cb=stand_in.on_request),
        await nc.subscribe("qry.clipping.*", cb=stand_in.on_request),
    ]
    store = await nc.jetstream().create_object_store(BUCKET)
    await store.put("clp_ready.ogg", AUDIO, meta=ObjectMeta(name="clp_ready.ogg"))
    await nc.flush()
    yield stand_in
    for sub in subs:
        await sub.unsubscribe()
    await nc.jetstream().delete_object_store(BUCKET)
    await nc.close()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_clip_is_asked_for_and_answered_202_with_its_location(
    api: Any, clipping: StandIn, keys: Any
) -> None:
    last_30 = await api.post("/api/v1/spaces/sp_1/clips", json={}, headers=bearer(keys.token()))
    from_replay = await api.post(
        "/api/v1/spaces/sp_1/clips", json={"start_s": 42.5}, headers=bearer(keys.token())
    )
    no_body = await api.post("/api/v1/spaces/sp_1/clips", headers=bearer(keys.token()))

    for response in (last_30, from_replay, no_body):
        assert response.status_code == 202, response.text
        assert response.json() == {"clip_id": "clp_new", "state": "pending"}
        assert response.headers["location"] == "/api/v1/clips/clp_new"
    assert clipping.created == [
        ({"space_id": "sp_1", "start_s": None}, "usr_ada"),
        ({"space_id": "sp_1", "start_s": 42.5}, "usr_ada"),
        ({"space_id": "sp_1", "start_s": None}, "usr_ada"),
    ]


async def test_bad_input_and_clippings_refusals_are_problems(
    api: Any, clipping: StandIn, keys: Any, assert_problem: Any
) -> None:
    me = bearer(keys.token())
    assert_problem(await api.post("/api/v1/spaces/sp_1/clips", json={}), 401, "unauthenticated")
    for body in ({"start_s": -1}, {"start_s": "5"}, {"start_s": 1, "end_s": 2}):
        response = await api.post("/api/v1/spaces/sp_1/clips", json=body, headers=me)
        assert_problem(response, 422, "invalid-input")
    assert clipping.created == []
    for slug in ("recording-off", "clipping-off"):
        clipping.refuse = {"type": slug, "title": "No clips", "status": 409, "detail": slug}
        response = await api.post("/api/v1/spaces/sp_1/clips", json={}, headers=me)
        assert_problem(response, 409, slug)


async def test_a_clip_and_its_audio_are_for_anyone_with_range(
    api: Any, clipping: StandIn, assert_problem: Any
) -> None:
    lines = [{"speaker_id": "usr_ada", "start_ms": 0, "end_ms": 2_500, "text": "Cut in."}]
    clipping.clips["clp_ready"] = clip_view(
        "clp_ready", object_name="clp_ready.ogg", transcript="Cut in.", transcript_segments=lines
    )

    clip = await api.get("/api/v1/clips/clp_ready")
    whole = await api.get("/api/v1/clips/clp_ready/audio")
    part = await api.get("/api/v1/clips/clp_ready/audio", headers={"Range": "bytes=65530-65549"})
    suffix = await api.get("/api/v1/clips/clp_ready/audio", headers={"Range": "bytes=-10"})
    past = await api.get("/api/v1/clips/clp_ready/audio", headers={"Range": f"bytes={len(AUDIO)}-"})

    assert clip.status_code == 200, clip.text
    assert clip.json() == {
        "clip_id": "clp_ready",
        "state": "ready",
        "space_id": "sp_1",
        "source": "replay",
        "start_s": 12.0,
        "duration_s": 30.0,
        "transcript": "Cut in.",
        "transcript_segments": lines,
        "audio_url": "/api/v1/clips/clp_ready/audio",
        "share_url": "https://parley.example/clips/clp_ready",
        "created_at": "2026-01-01T00:00:00Z",
        "expires_at": None,
    }
    assert whole.status_code == 200
    assert whole.content == AUDIO
    assert whole.headers["content-type"].startswith("audio/ogg")
    assert whole.headers["accept-ranges"] == "bytes"
    assert part.status_code == 206
    assert part.content == AUDIO[65530:65550]
    assert part.headers["content-range"] == f"bytes 65530-65549/{len(AUDIO)}"
    assert suffix.status_code == 206
    assert suffix.content == AUDIO[-10:]
    problem = assert_problem(past, 416, "range-not-satisfiable")
    assert past.headers["content-range"] == f"bytes */{len(AUDIO)}"
    assert problem["status"] == 416


async def test_a_clip_being_cut_has_no_audio_yet_and_a_gone_one_is_410(
    api: Any, clipping: StandIn, assert_problem: Any
) -> None:
    clipping.clips["clp_pending"] = clip_view("clp_pending", state="pending")
    clipping.clips["clp_deleted"] = clip_view("clp_deleted", state="deleted")
    clipping.clips["clp_lost"] = clip_view("clp_lost", object_name="not-in-the-bucket.ogg")

    pending = await api.get("/api/v1/clips/clp_pending")
    assert pending.status_code == 200
    assert pending.json()["audio_url"] is None
    assert_problem(await api.get("/api/v1/clips/clp_pending/audio"), 409, "clip-not-ready")
    assert_problem(await api.get("/api/v1/clips/clp_deleted"), 410, "clip-gone")
    assert_problem(await api.get("/api/v1/clips/clp_deleted/audio"), 410, "clip-gone")
    assert_problem(await api.get("/api/v1/clips/clp_lost/audio"), 410, "clip-gone")
    assert_problem(await api.get("/api/v1/clips/clp_nope"), 404, "clip-not-found")
    assert_problem(await api.get(f"/api/v1/clips/{'x' * 101}"), 422, "invalid-input")
