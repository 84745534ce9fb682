"""The recordings' audio, read from the ``recordings`` object store bucket on the gateway's
one NATS connection (ADR 22). Read only: the recording service owns the bucket; the gateway
never creates or writes it.

A JetStream object is its chunks, messages in order on ``$O.recordings.C.<nuid>`` of the
bucket's stream. To serve a byte range the gateway needs each chunk's stream sequence and
size: the object's *chunk index*, read once per object with a headers-only ordered consumer
(the server sends each chunk's sequence and ``Nats-Msg-Size``, none of its bytes) and kept
(an object's chunks never change: a rewritten object has a new nuid). The range is then sent
chunk by chunk, each fetched with a direct get as the client takes the previous one: only
the chunks that hold the range are read, and at most one is in the gateway's memory per
response.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass

from faststream.nats import NatsBroker
from nats.errors import Error as NatsError
from nats.js.errors import BucketNotFoundError, NotFoundError, ObjectNotFoundError

from parley.contracts.api.recording import RECORDINGS_BUCKET
from parley.gateway.problems import Problem

STREAM = f"OBJ_{RECORDINGS_BUCKET}"
INDEX_TIMEOUT_S = 5.0
MAX_INDEXES = 1024  # objects whose chunk index is kept (a few KiB each for an hour of audio)


@dataclass(frozen=True)
class ChunkIndex:
    seqs: tuple[int, ...]  # stream sequence of each chunk, in order
    offsets: tuple[int, ...]  # byte offset of each chunk in the object
    size: int

    def first_chunk(self, offset: int) -> int:
        return bisect.bisect_right(self.offsets, offset) - 1


@dataclass(frozen=True)
class AudioObject:
    name: str
    size: int
    nuid: str
    chunks: int


def unavailable(detail: str) -> Problem:
    return Problem(
        503,
        "service-unavailable",
        "Service unavailable",
        detail,
        headers={"Retry-After": "1"},
    )


class AudioObjects:
    def __init__(self, broker: NatsBroker) -> None:
        self._broker = broker
        self._indexes: OrderedDict[str, ChunkIndex] = OrderedDict()

    async def find(self, name: str) -> AudioObject | None:
        """The object's size and chunks, ``None`` if it is not (or no longer) there."""
        js = self._broker.connection.jetstream()
        try:
            store = await js.object_store(RECORDINGS_BUCKET)
            info = await store.get_info(name)
        except (BucketNotFoundError, ObjectNotFoundError, NotFoundError):
            return None
        except (NatsError, TimeoutError) as error:
            raise unavailable(f"the recordings store did not answer: {error!r}") from error
        if info.deleted or not info.nuid:
            return None
        return AudioObject(name, info.size or 0, info.nuid, info.chunks or 0)

    async def read(self, audio: AudioObject, start: int, end: int) -> AsyncIterator[bytes]:
        """The bytes ``start..end`` (inclusive) of the object, a chunk at a time."""
        index = await self.index(audio)
        js = self._broker.connection.jetstream()
        chunk = index.first_chunk(start)
        position = start
        while position <= end and chunk < len(index.seqs):
            message = await js.get_msg(STREAM, seq=index.seqs[chunk], direct=True)
            data = message.data or b""
            offset = index.offsets[chunk]
            yield data[position - offset : end - offset + 1]
            position = offset + len(data)
            chunk += 1

    async def index(self, audio: AudioObject) -> ChunkIndex:
        cached = self._indexes.get(audio.nuid)
        if cached is not None:
            self._indexes.move_to_end(audio.nuid)
            return cached
        index = await self._read_index(audio)
        self._indexes[audio.nuid] = index
        if len(self._indexes) > MAX_INDEXES:
            self._indexes.popitem(last=False)
        return index

    async def _read_index(self, audio: AudioObject) -> ChunkIndex:
        js = self._broker.connection.jetstream()
        subject = f"$O.{RECORDINGS_BUCKET}.C.{audio.nuid}"
        seqs: list[int] = []
        offsets: list[int] = []
        offset = 0
        sub = await js.subscribe(subject, ordered_consumer=True, headers_only=True)
        try:
            while len(seqs) < audio.chunks:
                message = await sub.next_msg(timeout=INDEX_TIMEOUT_S)
                seqs.append(message.metadata.sequence.stream)
                offsets.append(offset)
                offset += int((message.headers or {}).get("Nats-Msg-Size", "0"))
        except (NatsError, TimeoutError) as error:
            raise unavailable(f"the recording's chunks did not come: {error!r}") from error
        finally:
            await sub.unsubscribe()
        return ChunkIndex(tuple(seqs), tuple(offsets), offset)
