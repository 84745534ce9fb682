"""Stored audio (a recording, a clip) read from its object store bucket on the gateway's one
NATS connection, and served with ``Range`` (ADR 22). Read only: the recording and clipping
services own their buckets; the gateway never creates or writes them.

A JetStream object is its chunks, messages in order on ``$O.<bucket>.C.<nuid>`` of the
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
from litestar.response import Stream
from nats.errors import Error as NatsError
from nats.js.errors import BucketNotFoundError, NotFoundError, ObjectNotFoundError

from parley.gateway.byte_ranges import ByteRange, Unsatisfiable, requested_range
from parley.gateway.problems import Problem

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
    """The objects of one bucket (``recordings``, ``clips``)."""

    def __init__(self, broker: NatsBroker, bucket: str) -> None:
        self._broker = broker
        self._bucket = bucket
        self._stream = f"OBJ_{bucket}"
        self._indexes: OrderedDict[str, ChunkIndex] = OrderedDict()

    async def find(self, name: str) -> AudioObject | None:
        """The object's size and chunks, ``None`` if it is not (or no longer) there."""
        js = self._broker.connection.jetstream()
        try:
            store = await js.object_store(self._bucket)
            info = await store.get_info(name)
        except (BucketNotFoundError, ObjectNotFoundError, NotFoundError):
            return None
        except (NatsError, TimeoutError) as error:
            raise unavailable(f"the {self._bucket} store did not answer: {error!r}") from error
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
            message = await js.get_msg(self._stream, seq=index.seqs[chunk], direct=True)
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
        subject = f"$O.{self._bucket}.C.{audio.nuid}"
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
            raise unavailable(
                f"the {self._bucket} object's chunks did not come: {error!r}"
            ) from error
        finally:
            await sub.unsubscribe()
        return ChunkIndex(tuple(seqs), tuple(offsets), offset)


def ranged(
    objects: AudioObjects,
    audio: AudioObject,
    range_header: str | None,
    if_range: str | None,
    *,
    media_type: str,
) -> tuple[Stream, ByteRange | None]:
    """The answer to a GET of ``audio``: 200 with the whole object, or 206 with the one byte
    range asked for (several: the whole, 200), streamed a chunk at a time; 416 with
    ``Content-Range: bytes */<size>`` for a range that cannot be served. Also the range
    served (``None``: the whole)."""
    etag = f'"{audio.nuid}"'
    if if_range is not None and if_range != etag:
        range_header = None  # the client's copy is another object: send it whole
    try:
        wanted = requested_range(range_header, audio.size)
    except Unsatisfiable as refused:
        raise Problem(
            416,
            "range-not-satisfiable",
            "Range not satisfiable",
            refused.detail,
            headers={"Content-Range": refused.content_range, "Accept-Ranges": "bytes"},
        ) from None
    headers = {"Accept-Ranges": "bytes", "ETag": etag, "Cache-Control": "private, no-cache"}
    start, end = (0, audio.size - 1) if wanted is None else (wanted.start, wanted.end)
    headers["Content-Length"] = str(end - start + 1)
    if wanted is not None:
        headers["Content-Range"] = wanted.content_range(audio.size)
    stream = Stream(
        objects.read(audio, start, end),
        status_code=200 if wanted is None else 206,
        media_type=media_type,
        headers=headers,
    )
    return stream, wanted
