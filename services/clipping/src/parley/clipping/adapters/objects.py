"""The JetStream object store: the ``clips`` bucket (ours: one Ogg Opus object per clip) and
the ``recordings`` bucket (recording's: a finished recording is read, never written)."""

from __future__ import annotations

import contextlib

from nats.aio.client import Client as NATS
from nats.js import api
from nats.js.errors import BucketNotFoundError, NotFoundError, ObjectNotFoundError
from nats.js.object_store import ObjectStore

from parley.contracts.api.clipping import BUCKET, CONTENT_TYPE

RECORDINGS_BUCKET = "recordings"


class ClipObjects:
    def __init__(self, nc: NATS, clips: ObjectStore) -> None:
        self._js = nc.jetstream()
        self._clips = clips
        self._recordings: ObjectStore | None = None

    @classmethod
    async def open(cls, nc: NATS, *, replicas: int = 1) -> ClipObjects:
        config = api.ObjectStoreConfig(
            description="Parley clips: 30 s of a recorded Space each, Ogg Opus",
            storage=api.StorageType.FILE,
            replicas=replicas,
        )
        return cls(nc, await nc.jetstream().create_object_store(BUCKET, config=config))

    async def put_clip(self, name: str, data: bytes, *, headers: dict[str, str]) -> int:
        meta = api.ObjectMeta(name=name, headers={"Content-Type": CONTENT_TYPE, **headers})
        info = await self._clips.put(name, data, meta=meta)
        return info.size or 0

    async def delete_clip(self, name: str) -> None:
        with contextlib.suppress(ObjectNotFoundError, NotFoundError):  # gone already: fine
            await self._clips.delete(name)

    async def recording(self, name: str) -> bytes | None:
        """A finished recording's bytes; None when it is not there (deleted meanwhile)."""
        try:
            if self._recordings is None:
                self._recordings = await self._js.object_store(RECORDINGS_BUCKET)
            result = await self._recordings.get(name)
        except (BucketNotFoundError, ObjectNotFoundError, NotFoundError):
            return None
        return result.data or b""
