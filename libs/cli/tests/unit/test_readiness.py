import pytest

from parley.cli.readiness import health_says_ready, parse_status_line, wait_until_ready


@pytest.mark.parametrize(
    ("payload", "ready"),
    [
        (b'{"service": "room", "ready": true}', True),
        (b'{"service": "room", "ready": false}', False),
        (b'{"service": "room"}', False),
        (b'{"ready": "yes"}', False),
        (b"[]", False),
        (b"not json", False),
    ],
)
def test_health_replies(payload: bytes, ready: bool) -> None:
    assert health_says_ready(payload) is ready


def test_status_lines() -> None:
    assert parse_status_line(b"HTTP/1.1 200 OK\r\n") == 200
    assert parse_status_line(b"HTTP/1.0 503 Service Unavailable\r\n") == 503
    assert parse_status_line(b"") is None
    assert parse_status_line(b"SSH-2.0-OpenSSH\r\n") is None


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_polls_until_the_probe_says_ready() -> None:
    answers = iter([False, False, True])
    calls = 0

    async def probe() -> bool:
        nonlocal calls
        calls += 1
        return next(answers)

    assert await wait_until_ready(probe, timeout_s=5, interval_s=0)
    assert calls == 3


async def test_gives_up_at_the_deadline() -> None:
    clock = FakeClock()

    async def probe() -> bool:
        clock.now += 1.0
        return False

    assert not await wait_until_ready(probe, timeout_s=3, interval_s=0, clock=clock)
    assert clock.now == 3.0
