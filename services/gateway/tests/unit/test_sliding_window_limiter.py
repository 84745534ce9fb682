from __future__ import annotations

from parley.gateway.rate_limits import SlidingWindowLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_allows_limit_hits_per_window_then_says_how_long_to_wait():
    clock = Clock()
    limiter = SlidingWindowLimiter(2, 60, clock=clock)

    assert limiter.hit("1.2.3.4") is None
    clock.now += 10
    assert limiter.hit("1.2.3.4") is None
    clock.now += 5

    assert limiter.hit("1.2.3.4") == 45  # the first hit leaves the window in 45 s


def test_the_window_slides():
    clock = Clock()
    limiter = SlidingWindowLimiter(1, 60, clock=clock)
    limiter.hit("a")

    clock.now += 60

    assert limiter.hit("a") is None


def test_refused_hits_do_not_count():
    clock = Clock()
    limiter = SlidingWindowLimiter(1, 60, clock=clock)
    limiter.hit("a")
    for _ in range(5):
        limiter.hit("a")

    clock.now += 60

    assert limiter.hit("a") is None


def test_keys_are_independent():
    limiter = SlidingWindowLimiter(1, 60, clock=Clock())

    assert limiter.hit("a") is None
    assert limiter.hit("b") is None
    assert limiter.hit("a") is not None


def test_zero_means_unlimited():
    limiter = SlidingWindowLimiter(0, 60, clock=Clock())

    assert all(limiter.hit("a") is None for _ in range(100))


def test_idle_clients_are_forgotten():
    clock = Clock()
    limiter = SlidingWindowLimiter(5, 60, clock=clock)
    for client in range(100):
        limiter.hit(f"10.0.0.{client}")

    clock.now += 121
    limiter.hit("new")

    assert list(limiter._hits) == ["new"]
