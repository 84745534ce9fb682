"""The ``recordings`` bucket of the JetStream object store: segments while a Space is
recorded, then ``<space_id>.ogg``. Nothing is kept on the service's disk (issue 11): the
bucket is a stream, replicated like the others in a cluster."""

from __future__ import annotations

import contextlib

from nats.aio.client import Client as NATS
from nats.js import api
from nats.js.errors import NotFoundError, ObjectNotFoundError
from nats.js.object_store import ObjectStore

from parley.contracts.api.recording import RECORDINGS_BUCKET

BUCKET = RECORDINGS_BUCKET


class RecordingObjects:
    def __init__(self, store: ObjectStore) -> None:
        self._store = store

    @classmethod
    async def open(cls, nc: NATS, *, replicas: int = 1) -> RecordingObjects:
        js = nc.jetstream()
        config = api.ObjectStoreConfig(
            description="Parley recordings: Ogg Opus segments and finished recordings",
            storage=api.StorageType.FILE,
            replicas=replicas,
        )
        return cls(await js.create_object_store(BUCKET, config=config))

    async def put(self, name: str, data: bytes, *, headers: dict[str, str] | None = None) -> int:
        meta = api.ObjectMeta(name=name, headers=headers)
        info = await self._store.put(name, data, meta=meta)
        return info.size or 0

    async def get(self, name: str) -> bytes:
        result = await self._store.get(name)
        return result.data or b""

    async def info(self, name: str) -> api.ObjectInfo | None:
        try:
            return await self._store.get_info(name)
        except (ObjectNotFoundError, NotFoundError):
            return None

    async def delete(self, name: str) -> None:
        with contextlib.suppress(ObjectNotFoundError, NotFoundError):  # gone already: fine
            await self._store.delete(name)
