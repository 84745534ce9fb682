"""``Range: bytes=...`` against an object of a known size (RFC 9110 §14)."""

from __future__ import annotations

import pytest

from parley.gateway.byte_ranges import ByteRange, Unsatisfiable, requested_range

SIZE = 1000


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("bytes=0-99", ByteRange(0, 99)),
        ("bytes=500-", ByteRange(500, 999)),
        ("bytes=-100", ByteRange(900, 999)),
        ("bytes=-5000", ByteRange(0, 999)),
        ("bytes=990-2000", ByteRange(990, 999)),
        ("bytes=999-999", ByteRange(999, 999)),
        (" Bytes = 1-2 ".replace(" = ", "="), ByteRange(1, 2)),
        ("bytes=0-9,20-29", None),  # several: the whole object
        ("items=0-9", None),  # another unit: ignored
    ],
)
def test_a_range_is_served_as_asked_or_whole(header: str | None, expected: ByteRange | None):
    assert requested_range(header, SIZE) == expected


@pytest.mark.parametrize(
    "header",
    [
        "bytes=1000-",
        "bytes=5000-6000",
        "bytes=abc",
        "bytes=9-1",
        "bytes=-0",
        "bytes=-",
        "bytes=",
        "bytes=0-9,x",
    ],
)
def test_a_range_that_cannot_be_served_is_a_416_with_the_size(header: str):
    with pytest.raises(Unsatisfiable) as refused:
        requested_range(header, SIZE)
    assert refused.value.content_range == "bytes */1000"


def test_content_range():
    assert ByteRange(10, 19).content_range(SIZE) == "bytes 10-19/1000"
    assert ByteRange(10, 19).length == 10
