"""HTTP ``Range: bytes=...`` (RFC 9110 §14) against an object of known size. Pure.

- no header, or another unit than ``bytes``: the whole object (200), as the RFC lets a server
  ignore what it does not support;
- one range: ``a-b``, ``a-`` (to the end) or ``-n`` (the last n bytes), clamped to the size:
  206 with ``Content-Range: bytes a-b/size``;
- several ranges: the whole object (200). Browsers seek with one range; a multipart answer
  would buy nothing here, and the RFC lets a server ignore a Range it will not serve as asked;
- a malformed range (``bytes=x``, ``bytes=5-2``) or one that starts past the end: 416 with
  ``Content-Range: bytes */size``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ONE = re.compile(r"(\d*)-(\d*)")


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def content_range(self, size: int) -> str:
        return f"bytes {self.start}-{self.end}/{size}"


class Unsatisfiable(ValueError):
    """The Range cannot be served from this object (416)."""

    def __init__(self, size: int, detail: str) -> None:
        super().__init__(detail)
        self.size = size
        self.detail = detail

    @property
    def content_range(self) -> str:
        return f"bytes */{self.size}"


def requested_range(header: str | None, size: int) -> ByteRange | None:
    """The one range to send, or ``None`` for the whole object; :class:`Unsatisfiable` for 416."""
    if header is None:
        return None
    unit, _, spec = header.strip().partition("=")
    if unit.strip().lower() != "bytes":
        return None
    parts = [part.strip() for part in spec.split(",")]
    if len(parts) > 1 and all(parts):
        for part in parts:  # each must still be well formed: a malformed one is a 416
            _one(part, size)
        return None
    return _one(parts[0], size)


def _one(spec: str, size: int) -> ByteRange:
    match = _ONE.fullmatch(spec)
    if match is None or match.group(1) == match.group(2) == "":
        raise Unsatisfiable(size, f"'{spec}' is not a byte range")
    first, last = match.group(1), match.group(2)
    if first == "":  # a suffix: the last n bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise Unsatisfiable(size, "an empty suffix range")
        return ByteRange(max(0, size - suffix), size - 1)
    start = int(first)
    end = size - 1 if last == "" else int(last)
    if end < start:
        raise Unsatisfiable(size, f"the range {spec} ends before it starts")
    if start >= size:
        raise Unsatisfiable(size, f"the range starts at {start}; the audio has {size} bytes")
    return ByteRange(start, min(end, size - 1))
